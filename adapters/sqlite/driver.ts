/**
 * better-sqlite3 behind the structural driver interface: one connection, statements prepared once per
 * text and kept (bounded), foreign keys on, WAL for files, and `dbal_fold` registered as a deterministic
 * function so that case-insensitive matching is exactly core/text.ts's foldCase.
 */
import type Database from 'better-sqlite3'
import { foldCase } from '../../core/text.ts'
import { requirePeer } from '../peer.ts'
import { singleConnection, type Conn, type Driver, type SqlRow } from '../sql/driver.ts'

export interface SqliteOptions {
  /** A file path, or ':memory:' (the default). */
  readonly filename?: string
  /** How long a statement waits for another connection's write lock before TIMEOUT (default 5000). */
  readonly busyTimeoutMs?: number
}

/** Distinct statement texts kept prepared; filters of new shapes evict the oldest. */
const MAX_PREPARED = 500

export function openSqlite(o: SqliteOptions = {}): Driver {
  const filename = o.filename ?? ':memory:'
  const Sqlite = requirePeer<typeof Database>('@metabuilder/dbal/sqlite', 'better-sqlite3')
  const db = new Sqlite(filename)
  db.pragma('foreign_keys = ON')
  db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(o.busyTimeoutMs ?? 5000))}`)
  if (filename !== ':memory:' && filename !== '') db.pragma('journal_mode = WAL')
  db.function('dbal_fold', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? foldCase(s) : s))

  const prepared = new Map<string, Database.Statement>()
  const prepare = (sql: string): Database.Statement => {
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
        return Promise.resolve(prepare(sql).get(params) as SqlRow | undefined)
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
    prepared.clear()
    if (db.open) db.close()
  })
}
