/**
 * DBALError: the one error class of the data API. `code` and `status` come from schema/errors.yaml and the
 * message is always the canonical text for the code, so every backend returns byte-identical errors; what
 * is specific goes into `details`. The native error stays on `cause` and never crosses the wire.
 */
import { schema } from './schema.ts'
import type { ErrorCode } from './types.generated.ts'

export type { ErrorCode }

export interface FieldError {
  field: string
  error: string
}

export interface ErrorDetails {
  entity?: string
  id?: string
  fields?: FieldError[]
  retryAfter?: number
  [key: string]: unknown
}

export interface DBALErrorJSON {
  code: ErrorCode
  status: number
  message: string
  details?: ErrorDetails
}

export class DBALError extends Error {
  readonly code: ErrorCode
  readonly status: number
  readonly details?: ErrorDetails

  constructor(code: ErrorCode, details?: ErrorDetails, options?: { cause?: unknown }) {
    const spec = schema.errors.get(code)
    if (!spec) throw new TypeError(`unknown error code ${String(code)}`)
    super(spec.message, options)
    this.name = 'DBALError'
    this.code = code
    this.status = spec.status
    if (details !== undefined) this.details = bound(details)
  }

  get retryable(): boolean {
    return schema.errors.get(this.code)!.retryable
  }

  toJSON(): DBALErrorJSON {
    return this.details === undefined
      ? { code: this.code, status: this.status, message: this.message }
      : { code: this.code, status: this.status, message: this.message, details: this.details }
  }

  static fromJSON(json: unknown): DBALError {
    const j = json as Partial<DBALErrorJSON> | null
    const code =
      typeof j?.code === 'string' && schema.errors.has(j.code) ? (j.code as ErrorCode) : 'INTERNAL_ERROR'
    return new DBALError(code, j?.details && typeof j.details === 'object' ? j.details : undefined)
  }

  static is(e: unknown, code?: ErrorCode): e is DBALError {
    return e instanceof DBALError && (code === undefined || e.code === code)
  }
}

/**
 * What any error can carry, whatever the input that caused it: details are echoed to remote callers,
 * stored in idempotency records and logged, so a 200 KB field name or a filter of 20,000 failing
 * branches must not come back (or be kept) at its own size. Longer strings are cut, lists keep their
 * first items, deeper nesting is dropped, and `truncated: true` says that something was left out.
 */
export const DETAIL_LIMITS = { string: 200, items: 50, keys: 32, depth: 4 } as const

function bound(details: ErrorDetails): ErrorDetails {
  let cut = false
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') {
      if (v.length <= DETAIL_LIMITS.string) return v
      cut = true
      return `${v.slice(0, DETAIL_LIMITS.string)}…`
    }
    if (v === null || typeof v !== 'object') return v
    if (depth >= DETAIL_LIMITS.depth) return ((cut = true), null)
    const many = Array.isArray(v) ? v : Object.entries(v)
    const max = Array.isArray(v) ? DETAIL_LIMITS.items : DETAIL_LIMITS.keys
    if (many.length > max) cut = true
    if (Array.isArray(v)) return v.slice(0, max).map((x) => walk(x, depth + 1))
    return Object.fromEntries(
      Object.entries(v)
        .slice(0, max)
        .map(([k, x]) => [walk(k, depth), walk(x, depth + 1)]),
    )
  }
  const out = walk(details, 0) as ErrorDetails
  return cut ? { ...out, truncated: true } : out
}

export const validationError = (fields: FieldError[], extra?: ErrorDetails): DBALError =>
  new DBALError('VALIDATION_ERROR', { ...extra, fields })

/** Any non-DBAL error escaping an adapter becomes INTERNAL_ERROR, keeping the original as the cause. */
export function asDBALError(e: unknown): DBALError {
  return e instanceof DBALError ? e : new DBALError('INTERNAL_ERROR', undefined, { cause: e })
}
