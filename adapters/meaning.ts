/**
 * What a native error code means, in words every engine's table (postgres/sqlstate.ts, sqlite/codes.ts,
 * mariadb/codes.ts) uses, and the one DBALError code each meaning becomes, for the native and the
 * Sequelize family alike. CONTRACT §3: DATABASE_ERROR (503) and TIMEOUT (504) are retryable; a failure a
 * retry would meet again is INTERNAL_ERROR.
 *
 * - unique, reference: a constraint; the adapter explains it (which key, which side: CONFLICT or
 *   VALIDATION_ERROR naming the field).
 * - required, invalid: a value the database refuses (NULL, out of range, too long, malformed):
 *   VALIDATION_ERROR. The DBAL validates first, so these are rare, but never a server fault.
 * - timeout: a statement or lock wait ran past its limit: TIMEOUT.
 * - contention: the server gave up on this transaction to let another go on (deadlock, serialization
 *   failure, a locked table): DATABASE_ERROR, since the same work can succeed when retried.
 * - unavailable: connection lost, refused, or the server out of resources: DATABASE_ERROR.
 * - permanent: in a class that looks transient, but a retry meets it again (wrong password, unknown
 *   database, damaged or read-only file, a statement past a server limit): INTERNAL_ERROR.
 * - internal: anything else: INTERNAL_ERROR.
 */
import type { ErrorCode, FieldError } from '../core/errors.ts'
import type { Entity } from '../core/schema.ts'

export type Meaning =
  | 'unique'
  | 'reference'
  | 'required'
  | 'invalid'
  | 'timeout'
  | 'contention'
  | 'unavailable'
  | 'permanent'
  | 'internal'

/** The DBALError code of a meaning that is not a constraint (those need the adapter's explanation). */
export const ERROR_OF: Readonly<Record<Exclude<Meaning, 'unique' | 'reference'>, ErrorCode>> = {
  required: 'VALIDATION_ERROR',
  invalid: 'VALIDATION_ERROR',
  timeout: 'TIMEOUT',
  contention: 'DATABASE_ERROR',
  unavailable: 'DATABASE_ERROR',
  permanent: 'INTERNAL_ERROR',
  internal: 'INTERNAL_ERROR',
}

/** details.fields of a refused value: the wire name of the column when the engine names one. */
export function valueFields(meaning: 'required' | 'invalid', e?: Entity, column?: string): FieldError[] {
  const field = e?.fields.find((f) => f.column === column)?.name ?? column ?? '(value)'
  return [{ field, error: meaning === 'required' ? 'is required' : 'is not a value the database accepts' }]
}
