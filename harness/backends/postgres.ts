/**
 * PostgreSQL for the harness: a database of its own per run (provisionPostgres), migrated once, emptied
 * with one TRUNCATE ... CASCADE between cases, dropped at the end.
 */
import { postgresAdapter } from '../../adapters/postgres/index.ts'
import type { Backend } from '../backend.ts'
import { provisionPostgres } from '../provision/postgres.ts'
import { redactUrl } from '../provision/redact.ts'

export const postgresBackend: Backend = {
  name: 'postgres',
  kind: 'server',
  description: 'PostgreSQL through pg (Pool); a database per run, emptied between cases',
  env: ['DBAL_POSTGRES_URL'],
  async provision(runId) {
    const db = await provisionPostgres(runId, 'postgres')
    if ('notRun' in db) return db
    const adapter = postgresAdapter({ url: db.url })
    try {
      await adapter.migrate()
    } catch (e) {
      await adapter.close()
      await db.drop()
      throw e
    }
    return {
      where: `${redactUrl(db.url)} (${db.source})`,
      async fresh() {
        await adapter.clear()
        return adapter
      },
      async cleanup() {
        await adapter.close()
        await db.drop()
      },
    }
  },
  /** `url`: postgres://user@host:port/database */
  async migrate(url) {
    const a = postgresAdapter({ url, pool: 1 })
    try {
      return await a.migrate()
    } finally {
      await a.close()
    }
  },
}
