/** The PostgreSQL adapter: a pg Pool, the shared SQL code, and the PostgreSQL dialect, errors and catalog. */
import type { Schema } from '../../core/schema.ts'
import { SQL_CAPABILITIES, SqlAdapter } from '../sql/adapter.ts'
import { postgresCatalog } from './catalog.ts'
import { postgresDialect } from './dialect.ts'
import { openPostgres, type PostgresOptions } from './driver.ts'
import { classify } from './errors.ts'

export interface PostgresAdapterOptions extends PostgresOptions {
  /** Defaults to the project's schema/. */
  readonly schema?: Schema
}

export function postgresAdapter(o: PostgresAdapterOptions): SqlAdapter {
  return new SqlAdapter({
    name: 'postgres',
    dialect: postgresDialect,
    driver: openPostgres(o),
    classify,
    capabilities: [...SQL_CAPABILITIES, 'connectionPooling'],
    catalog: postgresCatalog,
    schema: o.schema,
  })
}
