/**
 * The one place where SQLite's errors get their meaning. Constraint failures become faults that the
 * shared SQL code explains (SQLite names the columns of a unique, but no foreign key); busy or
 * interrupted statements are TIMEOUT; I/O errors, a full disk, lack of memory, lock contention and a
 * closed database are DATABASE_ERROR; anything else is INTERNAL_ERROR. The native error is kept as
 * `cause` and never copied into details.
 *
 * DATABASE_ERROR and TIMEOUT are retryable (schema/errors.yaml), so what a retry meets again is
 * INTERNAL_ERROR: a damaged file or one that is no database (CORRUPT, NOTADB), one that cannot be opened
 * or written (CANTOPEN, READONLY, PERM), a refused statement (AUTH), and a statement past a limit or
 * malformed (TOOBIG, RANGE, ERROR: too deep, too many variables).
 */
import { DBALError } from '../../core/errors.ts'
import type { Entity } from '../../core/schema.ts'
import type { Fault } from '../sql/explain.ts'

const UNAVAILABLE = /^SQLITE_(IOERR|FULL|NOMEM|PROTOCOL|LOCKED)(_|$)/

/** "UNIQUE constraint failed: users.username, users.email" → ['username', 'email']. */
const columnsOf = (message: string): string[] =>
  (message.split(': ')[1] ?? '').split(', ').map((c) => c.slice(c.lastIndexOf('.') + 1))

export function classify(err: unknown, e?: Entity): Fault {
  const code =
    typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string'
      ? (err as { code: string }).code
      : ''
  const message = err instanceof Error ? err.message : String(err)
  const where = e ? { entity: e.name } : {}
  const fail = (
    c: 'TIMEOUT' | 'DATABASE_ERROR' | 'INTERNAL_ERROR' | 'VALIDATION_ERROR',
    extra?: object,
  ): Fault => ({
    kind: 'error',
    error: new DBALError(c, { ...where, ...extra }, { cause: err }),
  })
  switch (code) {
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      return { kind: 'unique', columns: columnsOf(message) }
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return { kind: 'reference' }
    case 'SQLITE_CONSTRAINT_TRIGGER':
      // ON DELETE/UPDATE RESTRICT fails through SQLite's internal trigger, with the same message.
      if (message.includes('FOREIGN KEY')) return { kind: 'reference' }
      break
    case 'SQLITE_CONSTRAINT_NOTNULL': {
      const column = columnsOf(message)[0] ?? ''
      const field = e?.fields.find((f) => f.column === column)?.name ?? column
      return fail('VALIDATION_ERROR', { fields: [{ field, error: 'is required' }] })
    }
  }
  if (code === 'SQLITE_BUSY' || code.startsWith('SQLITE_BUSY_') || code === 'SQLITE_INTERRUPT')
    return fail('TIMEOUT')
  if (UNAVAILABLE.test(code)) return fail('DATABASE_ERROR', { errno: code })
  if (err instanceof TypeError && message.includes('database connection is not open'))
    return fail('DATABASE_ERROR', { reason: 'closed' })
  return fail('INTERNAL_ERROR', code ? { errno: code } : undefined)
}
