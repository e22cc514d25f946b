/** The SQLite adapter: better-sqlite3 (a file, or the application's Database), the shared SQL code, SQLite's dialect, errors and catalog. */
import type { FactoryOptions } from '../../core/adapter.ts'
import { SQL_CAPABILITIES, SqlAdapter } from '../sql/adapter.ts'
import { sqliteCatalog } from './catalog.ts'
import { sqliteDialect } from './dialect.ts'
import { openSqlite, type SqliteOptions } from './driver.ts'
import { classify } from './errors.ts'

/** A file (or a better-sqlite3 Database as `database`: driver.ts) and the schema to serve (default: schema/). */
export interface SqliteAdapterOptions extends SqliteOptions, FactoryOptions {}

export function sqliteAdapter(o: SqliteAdapterOptions = {}): SqlAdapter {
  return new SqlAdapter({
    name: 'sqlite',
    dialect: sqliteDialect,
    driver: openSqlite(o),
    classify,
    capabilities: SQL_CAPABILITIES,
    catalog: sqliteCatalog,
    schema: o.schema,
  })
}

/** `sqlite:path` or a plain path (':memory:' included) → the file name. */
export const sqliteFilename = (url: string): string => url.replace(/^sqlite:(\/\/)?/, '')
