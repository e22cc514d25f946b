/** PostgreSQL for the harness: a database per run, created on the server found and dropped afterwards. */
import type pg from 'pg'
import { requirePeer } from '../../adapters/peer.ts'
import { provisionDatabase, sqlServer, type ProvisionedDatabase } from './servers.ts'

export type { ProvisionedDatabase }

export const POSTGRES = sqlServer({
  label: 'PostgreSQL',
  envVar: 'DBAL_POSTGRES_URL',
  localUrl: 'postgres://postgres@127.0.0.1:5432/test',
  container: {
    image: 'postgres:15-alpine',
    port: 5432,
    env: { POSTGRES_HOST_AUTH_METHOD: 'trust' },
    url: (h, p) => `postgres://postgres@${h}:${p}/postgres`,
  },
  async admin(url, sql, connectTimeoutMs = 5000) {
    const { Client } = requirePeer<typeof pg>('dbal test (PostgreSQL)', 'pg')
    const c = new Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs })
    await c.connect()
    try {
      await c.query(sql)
    } finally {
      await c.end()
    }
  },
  createDatabase: (name) => `CREATE DATABASE "${name}"`,
  dropDatabase: (name) => `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`,
})

/** Creates `dbal_<runId>_<suffix>_xxxxxx` on the PostgreSQL server, or says why it cannot. */
export const provisionPostgres = (runId: string, suffix: string) => provisionDatabase(POSTGRES, runId, suffix)
