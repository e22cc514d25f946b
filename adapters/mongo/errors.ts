/**
 * Mongo errors as DBALErrors (CONTRACT §3), in one place. Constraint failures are only recognized
 * here (`faultOf`); the adapter explains them as the reference would (core/constraints.ts), since
 * FerretDB's E11000 on insert names no index, field or value.
 *
 *   11000 DuplicateKey (and FerretDB's InternalError quoting SQLite's UNIQUE failure) → unique
 *   50 MaxTimeMSExpired → TIMEOUT
 *   121 DocumentValidationFailure ($jsonSchema, MongoDB only) → VALIDATION_ERROR
 *   network, server selection, closed client → DATABASE_ERROR
 *   anything else → INTERNAL_ERROR, the driver's error kept as `cause`
 */
import type { Fault } from '../../core/constraints.ts'
import { DBALError } from '../../core/errors.ts'
import type { Entity } from '../../core/schema.ts'

interface MongoErrorLike {
  readonly name?: unknown
  readonly code?: unknown
  readonly codeName?: unknown
  readonly message?: unknown
  readonly keyPattern?: unknown
  readonly errorLabels?: unknown
  readonly writeErrors?: unknown
}

const DUPLICATE_KEY = 11000
const MAX_TIME_EXPIRED = 50
const DOCUMENT_VALIDATION_FAILURE = 121
/**
 * FerretDB reports a duplicate made by an update as InternalError (code 1) quoting its storage: SQLite's
 * "UNIQUE constraint failed: index 'users_1a2b3c4d_users_email_unique'", or PostgreSQL's "duplicate key
 * value violates unique constraint \"users_5e7cc513_users_email_unique_f984173a_idx\"".
 */
const STORAGE_UNIQUE = [
  /UNIQUE constraint failed: index '([^']+)'/,
  /duplicate key value violates unique constraint "([^"]+)"/,
]

const UNAVAILABLE = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoTopologyClosedError',
  'MongoNotConnectedError',
  'MongoServerClosedError',
  'PoolClosedError',
  'MongoPoolClosedError',
  'MongoExpiredSessionError',
])
/** Server codes a retry can get past: shutdown, not primary, host unreachable, interrupted. */
const RETRYABLE_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436])

function fields(e: unknown): MongoErrorLike {
  return e !== null && typeof e === 'object' ? (e as MongoErrorLike) : {}
}

/** The first write error of a bulk write, else the error itself. */
function first(e: unknown): MongoErrorLike {
  const w = fields(e).writeErrors
  if (Array.isArray(w) && w.length) {
    const x = fields(w[0])
    return { ...x, message: x.message ?? (x as { errmsg?: unknown }).errmsg }
  }
  return fields(e)
}

/** A duplicate key, with the unique index named where the server names one. */
export function uniqueFault(e: unknown, entity?: Entity): Extract<Fault, { kind: 'unique' }> | undefined {
  const x = first(e)
  const message = String(x.message ?? fields(e).message ?? '')
  const storage = STORAGE_UNIQUE.map((re) => re.exec(message)?.[1]).find((n) => n !== undefined)
  if (x.code !== DUPLICATE_KEY && fields(e).code !== DUPLICATE_KEY && storage === undefined) return undefined
  // MongoDB: "... index: users_email_unique dup key: ..."; FerretDB: the storage's index name, which
  // embeds ours between hashes. The longest name that fits, so that `a_unique` never takes `a_unique_2`'s.
  const names = (entity?.uniques.map((u) => u.name) ?? []).sort((a, b) => b.length - a.length)
  const named = names.find(
    (n) =>
      message.includes(`index: ${n} `) ||
      (storage !== undefined && (storage.endsWith(`_${n}`) || storage.includes(`_${n}_`))),
  )
  if (named) return { kind: 'unique', constraint: named }
  const pattern = fields(e).keyPattern ?? x.keyPattern
  if (pattern && typeof pattern === 'object') return { kind: 'unique', columns: Object.keys(pattern) }
  return { kind: 'unique' }
}

export function isUnavailable(e: unknown): boolean {
  const x = fields(e)
  if (typeof x.name === 'string' && UNAVAILABLE.has(x.name)) return true
  if (typeof x.code === 'number' && RETRYABLE_CODES.has(x.code)) return true
  return Array.isArray(x.errorLabels) && x.errorLabels.includes('RetryableWriteError')
}

export function isTimeout(e: unknown): boolean {
  const x = first(e)
  return (
    x.code === MAX_TIME_EXPIRED || x.codeName === 'MaxTimeMSExpired' || fields(e).code === MAX_TIME_EXPIRED
  )
}

/** Any error as a DBALError: DBALErrors unchanged, driver errors mapped, the original kept as `cause`. */
export function toDBALError(e: unknown, entity?: Entity): DBALError {
  if (e instanceof DBALError) return e
  const details = entity ? { entity: entity.name } : undefined
  if (isTimeout(e))
    return new DBALError('TIMEOUT', { ...details, reason: 'maxTimeMS exceeded' }, { cause: e })
  if (isUnavailable(e)) return new DBALError('DATABASE_ERROR', details, { cause: e })
  if (uniqueFault(e, entity)) return new DBALError('CONFLICT', details, { cause: e })
  // A document the collection's $jsonSchema refuses (121): core validates first, so a write that gets
  // here bypassed it or met a schema the collection was made with.
  if (first(e).code === DOCUMENT_VALIDATION_FAILURE)
    return new DBALError(
      'VALIDATION_ERROR',
      { ...details, fields: [{ field: '(document)', error: 'refused by the collection validator' }] },
      { cause: e },
    )
  return new DBALError('INTERNAL_ERROR', details, { cause: e })
}
