/**
 * SQLite's errors as faults, by the one table in codes.ts: constraint failures become faults that the
 * shared SQL code explains (SQLite names the columns of a unique, but no foreign key), every other
 * meaning the DBALError adapters/meaning.ts gives it. Details carry the result code as `errno`; the
 * native error is kept as `cause` and never copied into details.
 */
import { DBALError, type ErrorCode } from '../../core/errors.ts'
import type { Entity } from '../../core/schema.ts'
import { ERROR_OF, valueFields } from '../meaning.ts'
import type { Fault } from '../sql/explain.ts'
import { columnsOf, sqliteMeaning } from './codes.ts'

export function classify(err: unknown, e?: Entity): Fault {
  const code =
    typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string'
      ? (err as { code: string }).code
      : ''
  const message = err instanceof Error ? err.message : String(err)
  const fail = (c: ErrorCode, extra?: object): Fault => ({
    kind: 'error',
    error: new DBALError(c, { ...(e ? { entity: e.name } : {}), ...extra }, { cause: err }),
  })
  const meaning = sqliteMeaning(code, message)
  const errno = code ? { errno: code } : {}
  switch (meaning) {
    case 'unique':
      return { kind: 'unique', columns: columnsOf(message) }
    case 'reference':
      return { kind: 'reference' }
    case 'required':
    case 'invalid':
      return fail('VALIDATION_ERROR', { fields: valueFields(meaning, e, columnsOf(message)[0]), ...errno })
    default:
      return fail(ERROR_OF[meaning], code ? errno : meaning === 'unavailable' ? { reason: 'closed' } : {})
  }
}
