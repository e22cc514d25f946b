/**
 * The PostgreSQL adapter: a pg Pool (its own or the application's), the shared SQL code, and the
 * PostgreSQL dialect, errors and catalog.
 */
import type { FactoryOptions } from '../../core/adapter.ts'
import { SQL_CAPABILITIES, SqlAdapter } from '../sql/adapter.ts'
import { postgresCatalog } from './catalog.ts'
import { postgresDialect } from './dialect.ts'
import { openPostgres, type PostgresOptions } from './driver.ts'
import { classify } from './errors.ts'

/** Where to connect (a URL, or a pg Pool as `pool`: driver.ts) and the schema to serve (default: schema/). */
export interface PostgresAdapterOptions extends PostgresOptions, FactoryOptions {}

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
