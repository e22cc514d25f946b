/**
 * node-postgres behind the structural driver interface: a Pool (made from the URL, or the application's
 * own), statements with parameters sent as named prepared statements (the name is a hash of the text,
 * so each connection parses a text once and reuses it), a pooled client leased per transaction. Only
 * the part of pg that is called is declared (PgPoolLike), so nothing here imports pg's types.
 */
import { createHash } from 'node:crypto'
import { ConfigError } from '../../core/config-error.ts'
import { DBALError } from '../../core/errors.ts'
import { requirePeer } from '../peer.ts'
import type { Driver, Lease, SqlRow } from '../sql/driver.ts'

/** What is called on a pg Pool or PoolClient to run a statement. */
export interface PgQueryable {
  query(
    config: string | { name: string; text: string; values: unknown[] },
  ): Promise<{ rows: SqlRow[]; rowCount: number | null }>
}

/** The part of a pg Pool the adapter calls (a pg.Pool is one). */
export interface PgPoolLike extends PgQueryable {
  connect(): Promise<PgQueryable & { release(destroy?: boolean): void } & Partial<ErrorEvents>>
  end(): Promise<void>
}

/** A pg Client's 'error' event (optional here: a Pool-like without events has nothing to listen to). */
interface ErrorEvents {
  on(event: 'error', listener: (e: unknown) => void): unknown
  removeListener(event: 'error', listener: (e: unknown) => void): unknown
}

export interface PostgresOptions {
  /** postgres://user@host:port/database; not needed when `pool` is a Pool. */
  readonly url?: string
  /**
   * The number of connections in the pool the adapter makes (default 10), or the application's own
   * pg Pool (the Kysely way). A given Pool is used as it is configured (its size, timeouts and error
   * listener are its owner's; statementTimeoutMs and connectTimeoutMs do not apply) and is not ended
   * by the adapter's close() unless `closePool` is true: its owner ends it.
   */
  readonly pool?: number | PgPoolLike
  /** End a given Pool on close() (default false). A pool the adapter made is always ended. */
  readonly closePool?: boolean
  /** Server-side statement timeout; a statement running longer fails with TIMEOUT (default 30000). */
  readonly statementTimeoutMs?: number
  /** How long to wait for a connection before DATABASE_ERROR (default 10000). */
  readonly connectTimeoutMs?: number
}

type Queryable = PgQueryable

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
  params.length === 0 ? q.query(sql) : q.query({ name: nameOf(sql), text: sql, values: params as unknown[] })

/** The constructor of pg's Pool, with the options used here (declared so that pg's types stay out). */
type PoolClass = new (options: Record<string, unknown>) => PgPoolLike & {
  on(event: 'error', listener: () => void): unknown
}

function makePool(o: PostgresOptions): PgPoolLike {
  if (o.url === undefined) throw new ConfigError('options', 'url', 'a url or a pg Pool as pool is needed')
  const { Pool } = requirePeer<{ Pool: PoolClass }>('@metabuilder/dbal/postgres', 'pg')
  const pool = new Pool({
    connectionString: o.url,
    max: typeof o.pool === 'number' ? o.pool : 10,
    statement_timeout: o.statementTimeoutMs ?? 30_000,
    connectionTimeoutMillis: o.connectTimeoutMs ?? 10_000,
    application_name: 'dbal',
  })
  // An idle connection that dies (server restart, pg_terminate_backend) is dropped by the pool; the
  // next query opens a new one. Without a listener the 'error' event would crash the process.
  pool.on('error', () => undefined)
  return pool
}

export function openPostgres(o: PostgresOptions): Driver {
  const given = typeof o.pool === 'object' ? o.pool : undefined
  const pool = given ?? makePool(o)
  let closed: Promise<void> | undefined
  const keeps = given !== undefined && o.closePool !== true
  // A given Pool may stay open after close(): the adapter stops using it all the same (one it ended
  // answers with pg's own error).
  const live = (): PgPoolLike => {
    if (closed && keeps) throw new DBALError('DATABASE_ERROR', { reason: 'closed' })
    return pool
  }
  return {
    all: async (sql, params) => (await send(live(), sql, params)).rows,
    get: async (sql, params) => (await send(live(), sql, params)).rows[0],
    run: async (sql, params) => (await send(live(), sql, params)).rowCount ?? 0,
    async lease(): Promise<Lease> {
      const client = await live().connect()
      // pg's Pool listens for a client's 'error' only while it is idle: a leased one whose connection
      // ends (pg_terminate_backend, a server restart, a reset socket) would throw it as an uncaught
      // exception and end the process. The failure reaches the transaction through its next statement
      // (DATABASE_ERROR), and the broken connection is discarded on release.
      let lostConnection = false
      const onError = () => void (lostConnection = true)
      client.on?.('error', onError)
      return {
        all: async (sql, params) => (await send(client, sql, params)).rows,
        get: async (sql, params) => (await send(client, sql, params)).rows[0],
        run: async (sql, params) => (await send(client, sql, params)).rowCount ?? 0,
        release: (broken) => {
          client.removeListener?.('error', onError)
          client.release(broken || lostConnection || undefined)
        },
      }
    },
    close: () => (closed ??= keeps ? Promise.resolve() : pool.end()),
  }
}
