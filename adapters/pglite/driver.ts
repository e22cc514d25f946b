/**
 * PGlite (PostgreSQL in WebAssembly, one connection) behind the structural driver interface. Only the
 * two methods called are declared, so nothing else depends on the package; the single-connection lock
 * keeps other statements out of an open transaction, as for SQLite.
 */
import { singleConnection, type Driver, type SqlRow } from '../sql/driver.ts'

/** The part of PGlite that is used. */
export interface PGliteLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[]; affectedRows?: number }>
  close(): Promise<void>
}

export function pgliteDriver(db: PGliteLike, close: () => Promise<void>): Driver {
  return singleConnection(
    {
      all: async (sql, params) => (await db.query(sql, [...params])).rows as SqlRow[],
      get: async (sql, params) => (await db.query(sql, [...params])).rows[0] as SqlRow | undefined,
      run: async (sql, params) => (await db.query(sql, [...params])).affectedRows ?? 0,
    },
    close,
  )
}
