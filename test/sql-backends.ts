/**
 * The SQL backends that the sql-*.test.ts files compare with the reference: SQLite, PGlite and the
 * local PostgreSQL server (a database of its own per file, dropped afterwards; *not run* with the
 * reason when the server does not answer, see servers.ts).
 */
import { pgliteAdapter } from '../adapters/pglite/index.ts'
import { postgresAdapter } from '../adapters/postgres/index.ts'
import type { SqlAdapter } from '../adapters/sql/adapter.ts'
import { sqliteAdapter } from '../adapters/sqlite/index.ts'
import { provisionPostgres } from '../harness/provision/postgres.ts'
import { skipPostgres } from './servers.ts'

export interface OpenedSql {
  readonly adapter: SqlAdapter
  close(): Promise<void>
}

export interface SqlBackend {
  readonly name: 'sqlite' | 'pglite' | 'postgres'
  /** false, or why this backend is not run here. */
  readonly skip: string | false
  open(): Promise<OpenedSql>
}

/** `suffix` names the PostgreSQL database, so that test files running in parallel do not share one. */
export function sqlBackends(suffix: string): SqlBackend[] {
  return [
    {
      name: 'sqlite',
      skip: false,
      open: async () => {
        const adapter = sqliteAdapter()
        await adapter.migrate()
        return { adapter, close: () => adapter.close() }
      },
    },
    {
      name: 'pglite',
      skip: false,
      open: async () => {
        const adapter = await pgliteAdapter()
        await adapter.migrate()
        return { adapter, close: () => adapter.close() }
      },
    },
    {
      name: 'postgres',
      skip: skipPostgres,
      open: async () => {
        const db = await provisionPostgres(`t${process.pid}`, suffix)
        if ('notRun' in db) throw new Error(db.notRun)
        const adapter = postgresAdapter({ url: db.url })
        await adapter.migrate()
        return { adapter, close: async () => (await adapter.close(), await db.drop()) }
      },
    },
  ]
}
