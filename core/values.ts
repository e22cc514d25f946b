/**
 * One value against one field: checks it and returns its canonical wire form (lowercase UUIDs, ISO 8601
 * UTC timestamps with milliseconds, plain JSON). The error strings end up in details.fields[].error.
 */
import type { Field } from './schema.ts'
import { codePointLength } from './text.ts'

export type Checked = { ok: true; value: unknown } | { ok: false; error: string }

const ok = (value: unknown): Checked => ({ ok: true, value })
const bad = (error: string): Checked => ({ ok: false, error })

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/
// Date, or date-time with a zone (Z or ±hh:mm); a date-time without a zone is ambiguous and refused.
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i
const MAX_JSON_DEPTH = 64

export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)

/** Strings must survive every backend: well-formed UTF-16 and no NUL (PostgreSQL text refuses it). */
export function stringProblem(s: string): string | undefined {
  if (s.includes('\u0000')) return 'must not contain NUL characters'
  if (!s.isWellFormed()) return 'must be well-formed Unicode'
  return undefined
}

/** Date.parse rolls `2024-02-30` over to March 1st; ISO 8601 (and PostgreSQL) refuse such a date. */
function isCalendarDate(s: string): boolean {
  const [y, m, d] = [s.slice(0, 4), s.slice(5, 7), s.slice(8, 10)].map(Number) as [number, number, number]
  const t = new Date(0)
  t.setUTCFullYear(y, m - 1, d)
  return t.getUTCMonth() === m - 1 && t.getUTCDate() === d
}

/** Parses an ISO 8601 string or epoch milliseconds into the canonical `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export function canonicalDatetime(v: unknown): string | undefined {
  let ms: number
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return undefined
    ms = v
  } else if (typeof v === 'string' && (ISO_DATE.test(v) || ISO_DATETIME.test(v))) {
    if (!isCalendarDate(v)) return undefined
    ms = Date.parse(ISO_DATE.test(v) ? `${v}T00:00:00Z` : v.replace(' ', 'T'))
  } else return undefined
  const d = new Date(ms)
  if (Number.isNaN(d.getTime())) return undefined
  const year = d.getUTCFullYear()
  if (year < 1 || year > 9999) return undefined
  return d.toISOString()
}

function jsonProblem(v: unknown, depth: number): string | undefined {
  if (depth > MAX_JSON_DEPTH) return `nested deeper than ${MAX_JSON_DEPTH}`
  if (v === null || typeof v === 'boolean') return undefined
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : 'numbers must be finite'
  if (typeof v === 'string') return stringProblem(v)
  if (Array.isArray(v)) {
    for (const x of v) {
      const p = jsonProblem(x, depth + 1)
      if (p) return p
    }
    return undefined
  }
  if (isPlainObject(v)) {
    for (const [k, x] of Object.entries(v)) {
      const p = stringProblem(k) ?? jsonProblem(x, depth + 1)
      if (p) return p
    }
    return undefined
  }
  return 'must be JSON'
}

/** A JSON value's own copy, so that callers cannot change stored data through a shared reference. */
export const cloneJson = <T>(v: T): T => (v === null || typeof v !== 'object' ? v : structuredClone(v))

/** Type checks only: what a filter value must satisfy. */
export function checkType(f: Field, v: unknown): Checked {
  switch (f.type) {
    case 'uuid':
      return typeof v === 'string' && UUID.test(v) ? ok(v.toLowerCase()) : bad('must be a UUID')
    case 'string':
    case 'text':
    case 'email':
    case 'enum': {
      if (typeof v !== 'string') return bad('must be a string')
      const p = stringProblem(v)
      return p ? bad(p) : ok(v)
    }
    case 'integer':
      return Number.isSafeInteger(v) ? ok(v) : bad('must be an integer')
    case 'boolean':
      return typeof v === 'boolean' ? ok(v) : bad('must be a boolean')
    case 'datetime': {
      const d = canonicalDatetime(v)
      return d === undefined ? bad('must be an ISO 8601 date-time with a zone, or epoch milliseconds') : ok(d)
    }
    case 'json': {
      if (f.jsonType === 'string_array') {
        if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
          return bad('must be an array of strings')
      } else if (!isPlainObject(v)) return bad('must be a JSON object')
      const p = jsonProblem(v, 0)
      return p ? bad(p) : ok(cloneJson(v))
    }
  }
}

/** Type and every limit of the schema: what a written value must satisfy. `null` is for the caller. */
export function checkValue(f: Field, v: unknown): Checked {
  const t = checkType(f, v)
  if (!t.ok) return t
  const x = t.value
  if (typeof x === 'string' && f.type !== 'uuid' && f.type !== 'datetime') {
    const len = codePointLength(x)
    if (f.minLength !== undefined && len < f.minLength)
      return bad(`must be at least ${f.minLength} characters`)
    if (f.maxLength !== undefined && len > f.maxLength)
      return bad(`must be at most ${f.maxLength} characters`)
    if (f.type === 'email' && !EMAIL.test(x)) return bad('must be a valid email address')
    if (f.pattern && !f.pattern.test(x)) return bad(`must match ${f.pattern.source}`)
    if (f.values && !f.values.includes(x)) return bad(`must be one of: ${f.values.join(', ')}`)
  }
  if (typeof x === 'number') {
    if (f.min !== undefined && x < f.min) return bad(`must be at least ${f.min}`)
    if (f.max !== undefined && x > f.max) return bad(`must be at most ${f.max}`)
  }
  return t
}
