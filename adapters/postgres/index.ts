/** The PostgreSQL adapter: a pg Pool, the shared SQL code, and the PostgreSQL dialect, errors and catalog. */
import type { Schema } from '../../core/schema.ts'
import type { CapabilityName } from '../../core/types.generated.ts'
import { SqlAdapter } from '../sql/adapter.ts'
import { postgresCatalog } from './catalog.ts'
import { postgresDialect } from './dialect.ts'
import { openPostgres, type PostgresOptions } from './driver.ts'
import { classify } from './errors.ts'

export interface PostgresAdapterOptions extends PostgresOptions {
  /** Defaults to the project's schema/. */
  readonly schema?: Schema
}

/** What PostgreSQL does (PGlite too, but for the pool). */
export const POSTGRES_CAPABILITIES: readonly CapabilityName[] = [
  'transactions',
  'nestedTransactions',
  'jsonQueries',
  'aggregations',
  'relations',
  'migrations',
  'schemaIntrospection',
]

export function postgresAdapter(o: PostgresAdapterOptions): SqlAdapter {
  return new SqlAdapter({
    name: 'postgres',
    dialect: postgresDialect,
    driver: openPostgres(o),
    classify,
    capabilities: [...POSTGRES_CAPABILITIES, 'connectionPooling'],
    catalog: postgresCatalog,
    schema: o.schema,
  })
}
