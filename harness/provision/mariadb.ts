/** MariaDB for the harness: a database per run, created on the server found and dropped afterwards. */
import type mariadb from 'mariadb'
import { requirePeer } from '../../adapters/peer.ts'
import { provisionDatabase, sqlServer } from './servers.ts'

export const MARIADB = sqlServer({
  label: 'MariaDB',
  envVar: 'DBAL_MARIADB_URL',
  localUrl: 'mariadb://root@127.0.0.1:3306/test',
  container: {
    image: 'mariadb:10.11',
    port: 3306,
    env: { MARIADB_ALLOW_EMPTY_ROOT_PASSWORD: '1', MARIADB_DATABASE: 'test' },
    url: (h, p) => `mariadb://root@${h}:${p}/test`,
  },
  async admin(url, sql, connectTimeoutMs = 5000) {
    const { createConnection } = requirePeer<typeof mariadb>('dbal test (MariaDB)', 'mariadb')
    const c = await createConnection({ ...connectionOptions(url), connectTimeout: connectTimeoutMs })
    try {
      await c.query(sql)
    } finally {
      await c.end()
    }
  },
  createDatabase: (name) => `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
  dropDatabase: (name) => `DROP DATABASE IF EXISTS \`${name}\``,
})

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
export const provisionMariadb = (runId: string, suffix: string) => provisionDatabase(MARIADB, runId, suffix)
