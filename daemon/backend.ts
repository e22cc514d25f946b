/**
 * The database behind the daemon, from the config: an adapter factory per backend name. The drivers are
 * imported only for the backend in use, so a PostgreSQL daemon never loads better-sqlite3. With
 * `migrate` (the default) missing tables are created at start-up, as `dbal migrate` would.
 */
import type { Adapter } from '../core/adapter.ts'
import type { DaemonConfig } from './config.ts'

/** Migrated when asked; closed again if that fails, so a failed start leaves no pool open. */
async function migrated<A extends Adapter & { migrate(): Promise<string[]> }>(
  a: A,
  migrate: boolean,
): Promise<A> {
  if (!migrate) return a
  try {
    await a.migrate()
    return a
  } catch (e) {
    await a.close().catch(() => undefined)
    throw e
  }
}

export async function openBackend(c: DaemonConfig['backend'], statementTimeoutMs: number): Promise<Adapter> {
  switch (c.name) {
    case 'memory': {
      const { MemoryAdapter } = await import('../reference/memory.ts')
      return new MemoryAdapter()
    }
    case 'sqlite': {
      const { sqliteAdapter, sqliteFilename } = await import('../adapters/sqlite/index.ts')
      return migrated(
        sqliteAdapter({
          filename: sqliteFilename(c.url),
          busyTimeoutMs: Math.min(statementTimeoutMs, 30_000),
        }),
        c.migrate,
      )
    }
    case 'postgres': {
      const { postgresAdapter } = await import('../adapters/postgres/index.ts')
      return migrated(postgresAdapter({ url: c.url, pool: c.pool, statementTimeoutMs }), c.migrate)
    }
  }
}
