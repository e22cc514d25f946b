/**
 * node-postgres behind the structural driver interface: a Pool (size and statement timeout from the
 * options), statements with parameters sent as named prepared statements (the name is a hash of the
 * text, so each connection parses a text once and reuses it), a pooled client leased per transaction.
 */
import { createHash } from 'node:crypto'
import type pg from 'pg'
import { requirePeer } from '../peer.ts'
import type { Driver, Lease, SqlRow } from '../sql/driver.ts'

export interface PostgresOptions {
  /** postgres://user@host:port/database */
  readonly url: string
  /** Connections in the pool (default 10). */
  readonly pool?: number
  /** Server-side statement timeout; a statement running longer fails with TIMEOUT (default 30000). */
  readonly statementTimeoutMs?: number
  /** How long to wait for a connection before DATABASE_ERROR (default 10000). */
  readonly connectTimeoutMs?: number
}

type Queryable = Pick<pg.PoolClient, 'query'>

const MAX_NAMES = 5000
const names = new Map<string, string>()

/** Same text, same name, on every connection; the map only saves rehashing. */
function nameOf(sql: string): string {
  let n = names.get(sql)
  if (!n) {
    if (names.size >= MAX_NAMES) names.clear()
    n = `dbal_${createHash('sha1').update(sql).digest('hex').slice(0, 32)}`
    names.set(sql, n)
  }
  return n
}

// Statements without parameters (BEGIN, SAVEPOINT, DDL, catalog reads) go as simple queries.
const send = (q: Queryable, sql: string, params: readonly unknown[]) =>
  params.length === 0
    ? q.query<SqlRow>(sql)
    : q.query<SqlRow>({ name: nameOf(sql), text: sql, values: params as unknown[] })

export function openPostgres(o: PostgresOptions): Driver {
  const { Pool } = requirePeer<typeof pg>('@metabuilder/dbal/postgres', 'pg')
  const pool = new Pool({
    connectionString: o.url,
    max: o.pool ?? 10,
    statement_timeout: o.statementTimeoutMs ?? 30_000,
    connectionTimeoutMillis: o.connectTimeoutMs ?? 10_000,
    application_name: 'dbal',
  })
  // An idle connection that dies (server restart, pg_terminate_backend) is dropped by the pool; the
  // next query opens a new one. Without a listener the 'error' event would crash the process.
  pool.on('error', () => undefined)
  let closed: Promise<void> | undefined
  return {
    all: async (sql, params) => (await send(pool, sql, params)).rows,
    get: async (sql, params) => (await send(pool, sql, params)).rows[0],
    run: async (sql, params) => (await send(pool, sql, params)).rowCount ?? 0,
    async lease(): Promise<Lease> {
      const client = await pool.connect()
      return {
        all: async (sql, params) => (await send(client, sql, params)).rows,
        get: async (sql, params) => (await send(client, sql, params)).rows[0],
        run: async (sql, params) => (await send(client, sql, params)).rowCount ?? 0,
        release: (broken) => client.release(broken || undefined),
      }
    },
    close: () => (closed ??= pool.end()),
  }
}
