/**
 * The one place where PostgreSQL's errors get their meaning (pg and PGlite report the same SQLSTATEs):
 * 23505 unique and 23503/23001 foreign key become faults that the shared SQL code explains; 57014 (statement
 * timeout or cancel) and 55P03 (lock timeout) are TIMEOUT; connection failures (class 08, 57P01-03,
 * refused, reset, terminated, server out of resources) are DATABASE_ERROR; invalid values (class 22) are
 * VALIDATION_ERROR; anything else INTERNAL_ERROR. Details carry the SQLSTATE, never SQL text or the URL.
 *
 * DATABASE_ERROR and TIMEOUT are retryable (schema/errors.yaml), so what a retry would meet again is
 * INTERNAL_ERROR even inside those classes: 08P01 (the server refused the message itself, e.g. more
 * than 65,535 parameters), class 28 and 3D000 (a role, password or database that is wrong until someone
 * changes the configuration), 58P01/58P02 (a file missing or in the way). Class 54 (a statement past a
 * server limit) is INTERNAL_ERROR like every other class not listed.
 */
import { DBALError, type ErrorCode } from '../../core/errors.ts'
import type { Entity } from '../../core/schema.ts'
import type { Fault } from '../sql/explain.ts'

interface NativeError {
  code?: unknown
  severity?: unknown
  constraint?: unknown
  column?: unknown
  message?: unknown
  errors?: unknown
}

const UNAVAILABLE_CLASSES = ['08', '53', '58']
const UNAVAILABLE_CODES = ['57P01', '57P02', '57P03', '40001', '40P01']
/** In the classes above, but a retry fails the same way. */
const PERMANENT_CODES = ['08P01', '58P01', '58P02']
const NETWORK =
  /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ECONNABORTED)$/
const LOST =
  /Connection terminated|connection error|not queryable|Cannot use a pool after calling end|timeout expired|PGlite is closed|Client was closed/i

const native = (err: unknown): NativeError =>
  typeof err === 'object' && err !== null ? (err as NativeError) : {}

/** Node's network errors, also inside the AggregateError that a multi-address connect throws. */
function networkCode(n: NativeError): string | undefined {
  if (typeof n.code === 'string' && NETWORK.test(n.code)) return n.code
  if (Array.isArray(n.errors))
    for (const x of n.errors) if (networkCode(native(x))) return networkCode(native(x))
  return undefined
}

export function classify(err: unknown, e?: Entity): Fault {
  const n = native(err)
  const sqlstate = typeof n.code === 'string' && n.severity !== undefined ? n.code : undefined
  const where = e ? { entity: e.name } : {}
  const fail = (code: ErrorCode, extra?: object): Fault => ({
    kind: 'error',
    error: new DBALError(code, { ...where, ...extra }, { cause: err }),
  })
  const constraint = typeof n.constraint === 'string' ? n.constraint : undefined
  if (sqlstate === '23505') return { kind: 'unique', constraint }
  // 23001: ON DELETE RESTRICT since PostgreSQL 16 (PGlite); 15 reports it as 23503.
  if (sqlstate === '23503' || sqlstate === '23001') return { kind: 'reference', constraint }
  if (sqlstate === '57014' || sqlstate === '55P03') return fail('TIMEOUT', { sqlstate })
  if (sqlstate === '23502' || sqlstate?.startsWith('22')) {
    const column = typeof n.column === 'string' ? n.column : undefined
    const field = e?.fields.find((f) => f.column === column)?.name ?? column ?? '(value)'
    return fail('VALIDATION_ERROR', {
      fields: [
        { field, error: sqlstate === '23502' ? 'is required' : 'is not a value the database accepts' },
      ],
      sqlstate,
    })
  }
  if (
    sqlstate &&
    !PERMANENT_CODES.includes(sqlstate) &&
    (UNAVAILABLE_CODES.includes(sqlstate) || UNAVAILABLE_CLASSES.includes(sqlstate.slice(0, 2)))
  )
    return fail('DATABASE_ERROR', { sqlstate })
  if (sqlstate) return fail('INTERNAL_ERROR', { sqlstate })
  const net = networkCode(n)
  if (net) return fail('DATABASE_ERROR', { errno: net })
  if (typeof n.message === 'string' && LOST.test(n.message))
    return fail('DATABASE_ERROR', { reason: 'connection lost' })
  return fail('INTERNAL_ERROR')
}
