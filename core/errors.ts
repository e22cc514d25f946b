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
    if (details !== undefined) this.details = details
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

export const validationError = (fields: FieldError[], extra?: ErrorDetails): DBALError =>
  new DBALError('VALIDATION_ERROR', { ...extra, fields })

/** Any non-DBAL error escaping an adapter becomes INTERNAL_ERROR, keeping the original as the cause. */
export function asDBALError(e: unknown): DBALError {
  return e instanceof DBALError ? e : new DBALError('INTERNAL_ERROR', undefined, { cause: e })
}
