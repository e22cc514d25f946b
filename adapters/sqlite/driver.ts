/**
 * better-sqlite3 behind the structural driver interface: one connection, statements prepared once per
 * text and kept (bounded), foreign keys on, WAL for files, and `dbal_fold` registered as a deterministic
 * function so that case-insensitive matching is exactly core/text.ts's foldCase. The connection is
 * opened from a file name, or is the application's own Database (the Kysely way); only the part of
 * better-sqlite3 that is called is declared (SqliteDatabaseLike), so nothing here imports its types.
 */
import { ConfigError } from '../../core/config-error.ts'
import { DBALError } from '../../core/errors.ts'
import { foldCase } from '../../core/text.ts'
import { requirePeer } from '../peer.ts'
import { singleConnection, type Conn, type Driver, type SqlRow } from '../sql/driver.ts'

/** A prepared statement of better-sqlite3 (parameters bound by position, as one array). */
export interface SqliteStatementLike {
  /** better-sqlite3's: true when the statement writes nothing (absent: treated as a write). */
  readonly readonly?: boolean
  all(params: readonly unknown[]): unknown[]
  get(params: readonly unknown[]): unknown
  run(params: readonly unknown[]): { changes: number }
}

/** The part of a better-sqlite3 Database the adapter calls (a Database is one). */
export interface SqliteDatabaseLike {
  readonly open: boolean
  readonly memory: boolean
  pragma(source: string): unknown
  function(name: string, options: { deterministic: boolean }, fn: (s: unknown) => unknown): unknown
  prepare(sql: string): SqliteStatementLike
  close(): unknown
}

export interface SqliteOptions {
  /** A file path, or ':memory:' (the default when no `database` is given). */
  readonly filename?: string
  /**
   * The application's own better-sqlite3 Database instead of a file name. The adapter configures it as
   * it needs (foreign_keys on, busy_timeout, WAL for a file, the dbal_fold function) and does not close
   * it on close() unless `closeDatabase` is true: its owner does.
   */
  readonly database?: SqliteDatabaseLike
  /** Close a given Database on close() (default false). A database the adapter opened is always closed. */
  readonly closeDatabase?: boolean
  /** How long a statement waits for another connection's write lock before TIMEOUT (default 5000). */
  readonly busyTimeoutMs?: number
}

/** Distinct statement texts kept prepared; filters of new shapes evict the oldest. */
const MAX_PREPARED = 500

type DatabaseClass = new (filename: string) => SqliteDatabaseLike

function openFile(filename: string): SqliteDatabaseLike {
  const Sqlite = requirePeer<DatabaseClass>('@metabuilder/dbal/sqlite', 'better-sqlite3')
  return new Sqlite(filename)
}

export function openSqlite(o: SqliteOptions = {}): Driver {
  if (o.database && o.filename !== undefined)
    throw new ConfigError('options', 'filename', 'give a filename or a database, not both')
  const db = o.database ?? openFile(o.filename ?? ':memory:')
  db.pragma('foreign_keys = ON')
  db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(o.busyTimeoutMs ?? 5000))}`)
  if (!db.memory) db.pragma('journal_mode = WAL')
  db.function('dbal_fold', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? foldCase(s) : s))
  let closed = false

  const prepared = new Map<string, SqliteStatementLike>()
  const prepare = (sql: string): SqliteStatementLike => {
    // A given Database may stay open after close(): the adapter stops using it all the same (one it
    // closed answers with better-sqlite3's own error).
    if (closed && db.open) throw new DBALError('DATABASE_ERROR', { reason: 'closed' })
    let st = prepared.get(sql)
    if (!st) {
      if (prepared.size >= MAX_PREPARED) prepared.delete(prepared.keys().next().value!)
      st = db.prepare(sql)
      prepared.set(sql, st)
    }
    return st
  }
  // The driver is synchronous; errors become rejections so every caller sees one kind of failure.
  const conn: Conn = {
    all(sql, params) {
      try {
        return Promise.resolve(prepare(sql).all(params) as SqlRow[])
      } catch (e) {
        return Promise.reject(e)
      }
    },
    get(sql, params) {
      try {
        const st = prepare(sql)
        // A write (INSERT/UPDATE ... RETURNING) outside a transaction commits when the statement is
        // reset, and better-sqlite3's get() steps once and drops the error of that reset: a commit that
        // fails (disk full, an I/O error, a deferred foreign key) would be answered as a success with
        // the row rolled back. all() steps to the end, so the commit's failure is thrown.
        if (st.readonly !== true) return Promise.resolve(st.all(params)[0] as SqlRow | undefined)
        return Promise.resolve(st.get(params) as SqlRow | undefined)
      } catch (e) {
        return Promise.reject(e)
      }
    },
    run(sql, params) {
      try {
        return Promise.resolve(prepare(sql).run(params).changes)
      } catch (e) {
        return Promise.reject(e)
      }
    },
  }
  return singleConnection(conn, async () => {
    closed = true
    prepared.clear()
    if (db.open && (!o.database || o.closeDatabase === true)) db.close()
  })
}
