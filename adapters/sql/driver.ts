/**
 * The small structural interface the shared SQL code calls on a database (the Kysely way): it never
 * imports better-sqlite3, pg or PGlite. Each adapter folder implements it in its driver.ts.
 */
import { Mutex } from './mutex.ts'

export type SqlRow = Record<string, unknown>

/** One place to send statements: a pool, a single connection, or a connection held by a transaction. */
export interface Conn {
  /** Rows of a SELECT or of a statement with RETURNING. */
  all(sql: string, params: readonly unknown[]): Promise<SqlRow[]>
  /** The first row only (better-sqlite3 fetches one row much faster than a list of one). */
  get(sql: string, params: readonly unknown[]): Promise<SqlRow | undefined>
  /** The number of rows the statement changed. */
  run(sql: string, params: readonly unknown[]): Promise<number>
}

/** A connection held for a transaction; `release(broken)` gives it back (broken: discard it). */
export interface Lease extends Conn {
  release(broken: boolean): void
}

export interface Driver extends Conn {
  /** A connection of its own, for BEGIN ... COMMIT. */
  lease(): Promise<Lease>
  close(): Promise<void>
}

/**
 * A driver over one connection: a lease takes the lock, and statements from outside wait while it is
 * held. When nobody holds it they go straight through, which keeps SQLite's primary-key read cheap.
 */
export function singleConnection(conn: Conn, close: () => Promise<void>): Driver {
  const lock = new Mutex()
  return {
    all: (sql, params) => (lock.busy ? lock.run(() => conn.all(sql, params)) : conn.all(sql, params)),
    get: (sql, params) => (lock.busy ? lock.run(() => conn.get(sql, params)) : conn.get(sql, params)),
    run: (sql, params) => (lock.busy ? lock.run(() => conn.run(sql, params)) : conn.run(sql, params)),
    async lease() {
      const release = await lock.acquire()
      return { all: conn.all, get: conn.get, run: conn.run, release }
    },
    close,
  }
}
