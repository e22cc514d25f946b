/** MariaDB for the harness: a database per run, created on the server found and dropped afterwards. */
import mariadb from 'mariadb'
import { databaseName, findServer, type ServerSpec } from './servers.ts'
import type { ProvisionedDatabase } from './postgres.ts'

export const MARIADB: ServerSpec = {
  label: 'MariaDB',
  envVar: 'DBAL_MARIADB_URL',
  localUrl: 'mariadb://root@127.0.0.1:3306/test',
  container: {
    image: 'mariadb:10.11',
    port: 3306,
    env: { MARIADB_ALLOW_EMPTY_ROOT_PASSWORD: '1', MARIADB_DATABASE: 'test' },
    url: (h, p) => `mariadb://root@${h}:${p}/test`,
  },
  async ping(url) {
    const c = await mariadb.createConnection({ ...connectionOptions(url), connectTimeout: 3000 })
    try {
      await c.query('select 1')
    } finally {
      await c.end()
    }
  },
}

/** mariadb's connection options from a `mariadb://user:password@host:port/database` URL. */
export function connectionOptions(url: string): {
  host: string
  port: number
  user: string
  password: string
  database: string
} {
  const u = new URL(url)
  return {
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')),
  }
}

/** Creates `dbal_<runId>_<suffix>_xxxxxx` (utf8mb4, binary collation) on the MariaDB server, or says why it cannot. */
export async function provisionMariadb(
  runId: string,
  suffix: string,
): Promise<ProvisionedDatabase | { notRun: string }> {
  const server = await findServer(MARIADB)
  if ('notRun' in server) return server
  const name = databaseName(runId, suffix)
  const admin = async (sql: string) => {
    const c = await mariadb.createConnection(connectionOptions(server.url))
    try {
      await c.query(sql)
    } finally {
      await c.end()
    }
  }
  await admin(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`)
  const u = new URL(server.url)
  u.pathname = `/${name}`
  return {
    url: u.toString(),
    source: server.source,
    drop: () => admin(`DROP DATABASE IF EXISTS \`${name}\``),
  }
}
