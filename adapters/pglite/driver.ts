/**
 * PGlite (PostgreSQL in WebAssembly, one connection) behind the structural driver interface. Only the
 * two methods called are declared, so nothing else depends on the package; the single-connection lock
 * keeps other statements out of an open transaction, as for SQLite.
 */
import { DBALError } from '../../core/errors.ts'
import { singleConnection, type Driver, type SqlRow } from '../sql/driver.ts'

/** The part of PGlite that is used. */
export interface PGliteLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[]; affectedRows?: number }>
  close(): Promise<void>
}

/** `keeps`: the PGlite stays open after close() (its owner closes it); the adapter stops using it. */
export function pgliteDriver(db: PGliteLike, close: () => Promise<void>, keeps = false): Driver {
  let closed = false
  // One that was closed answers with PGlite's own error.
  const query = (sql: string, params: readonly unknown[]) =>
    closed && keeps
      ? Promise.reject(new DBALError('DATABASE_ERROR', { reason: 'closed' }))
      : db.query(sql, [...params])
  return singleConnection(
    {
      all: async (sql, params) => (await query(sql, params)).rows as SqlRow[],
      get: async (sql, params) => (await query(sql, params)).rows[0] as SqlRow | undefined,
      run: async (sql, params) => (await query(sql, params)).affectedRows ?? 0,
    },
    () => {
      closed = true
      return close()
    },
  )
}
