/** PostgreSQL for the harness: a database per run, created on the server found and dropped afterwards. */
import pg from 'pg'
import { databaseName, findServer, type ServerSpec } from './servers.ts'

export const POSTGRES: ServerSpec = {
  label: 'PostgreSQL',
  envVar: 'DBAL_POSTGRES_URL',
  localUrl: 'postgres://postgres@127.0.0.1:5432/test',
  container: {
    image: 'postgres:15-alpine',
    port: 5432,
    env: { POSTGRES_HOST_AUTH_METHOD: 'trust' },
    url: (h, p) => `postgres://postgres@${h}:${p}/postgres`,
  },
  async ping(url) {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 })
    await c.connect()
    try {
      await c.query('select 1')
    } finally {
      await c.end()
    }
  },
}

async function admin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 })
  await c.connect()
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

export interface ProvisionedDatabase {
  /** URL of the new, empty database. */
  readonly url: string
  /** How the server was found. */
  readonly source: string
  drop(): Promise<void>
}

/** Creates `dbal_<runId>_<suffix>_xxxxxx` on the PostgreSQL server, or says why it cannot. */
export async function provisionPostgres(
  runId: string,
  suffix: string,
): Promise<ProvisionedDatabase | { notRun: string }> {
  const server = await findServer(POSTGRES)
  if ('notRun' in server) return server
  const name = databaseName(runId, suffix)
  await admin(server.url, (c) => c.query(`CREATE DATABASE "${name}"`))
  const u = new URL(server.url)
  u.pathname = `/${name}`
  return {
    url: u.toString(),
    source: server.source,
    drop: () =>
      admin(server.url, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(
        () => undefined,
      ),
  }
}
