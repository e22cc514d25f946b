/**
 * PostgreSQL's errors (pg and PGlite report the same SQLSTATEs) as faults, by the one SQLSTATE table in
 * sqlstate.ts: constraints become faults that the shared SQL code explains, every other meaning the
 * DBALError adapters/meaning.ts gives it. Details carry the SQLSTATE (or the socket errno), never SQL
 * text, values or the URL; the native error stays as `cause`.
 */
import { DBALError, type ErrorCode } from '../../core/errors.ts'
import type { Entity } from '../../core/schema.ts'
import { ERROR_OF, valueFields } from '../meaning.ts'
import type { Fault } from '../sql/explain.ts'
import { CONNECTION_LOST, NETWORK_ERRNO, sqlstateMeaning } from './sqlstate.ts'

interface NativeError {
  code?: unknown
  severity?: unknown
  constraint?: unknown
  column?: unknown
  message?: unknown
  errors?: unknown
}

const native = (err: unknown): NativeError =>
  typeof err === 'object' && err !== null ? (err as NativeError) : {}

/** Node's network errors, also inside the AggregateError that a multi-address connect throws. */
function networkCode(n: NativeError): string | undefined {
  if (typeof n.code === 'string' && NETWORK_ERRNO.test(n.code)) return n.code
  if (Array.isArray(n.errors))
    for (const x of n.errors) if (networkCode(native(x))) return networkCode(native(x))
  return undefined
}

export function classify(err: unknown, e?: Entity): Fault {
  const n = native(err)
  const sqlstate = typeof n.code === 'string' && n.severity !== undefined ? n.code : undefined
  const fail = (code: ErrorCode, extra?: object): Fault => ({
    kind: 'error',
    error: new DBALError(code, { ...(e ? { entity: e.name } : {}), ...extra }, { cause: err }),
  })
  if (sqlstate) {
    const meaning = sqlstateMeaning(sqlstate)
    const constraint = typeof n.constraint === 'string' ? n.constraint : undefined
    if (meaning === 'unique' || meaning === 'reference') return { kind: meaning, constraint }
    if (meaning === 'required' || meaning === 'invalid') {
      const column = typeof n.column === 'string' ? n.column : undefined
      return fail(ERROR_OF[meaning], { fields: valueFields(meaning, e, column), sqlstate })
    }
    return fail(ERROR_OF[meaning], { sqlstate })
  }
  const net = networkCode(n)
  if (net) return fail('DATABASE_ERROR', { errno: net })
  if (typeof n.message === 'string' && CONNECTION_LOST.test(n.message))
    return fail('DATABASE_ERROR', { reason: 'connection lost' })
  return fail('INTERNAL_ERROR')
}
