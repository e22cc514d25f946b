/**
 * What a step observably did, normalized so that backends can be compared: the parity report groups
 * backends whose normalized outcomes are equal (same digest) into one class. Normalized away is only
 * what legitimately differs between runs: generated ids (numbered by first appearance in the case) and
 * the current time. Kept: values, their order, error codes, statuses and details.
 */
import { createHash } from 'node:crypto'

/** Per case: the ids seen so far, so `<id1>` is the same row in every step of the case. */
export type IdNames = Map<string, string>

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/
/** A time this close to the run is the run's "now" (created, updated, logged in), not a value. */
const NOW_WINDOW_MS = 24 * 3600 * 1000
/** Longest observed value kept in the stream (the digest is always of the whole value). */
export const MAX_OBSERVED_BYTES = 2048

function isNow(v: number | string, now: number): boolean {
  const t = typeof v === 'number' ? v : Date.parse(v)
  return Number.isFinite(t) && Math.abs(t - now) < NOW_WINDOW_MS
}

function walk(v: unknown, ids: IdNames, now: number): unknown {
  if (typeof v === 'string') {
    if (UUID.test(v)) {
      const key = v.toLowerCase()
      let name = ids.get(key)
      if (!name) ids.set(key, (name = `<id${ids.size + 1}>`))
      return name
    }
    return ISO.test(v) && isNow(v, now) ? '<now>' : v
  }
  if (typeof v === 'number') return v > 1e12 && isNow(v, now) ? '<now>' : v
  if (Array.isArray(v)) return v.map((x) => walk(x, ids, now))
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, walk((v as Record<string, unknown>)[k], ids, now)]),
    )
  return v
}

/** A step's outcome as the runner saw it (run.ts `Actual`), or none when it did not get one. */
export type Seen =
  | { readonly status: 'success'; readonly output: unknown }
  | { readonly status: 'error'; readonly error: Record<string, unknown> }
  | undefined

/** The normalized outcome: `{ok: value}`, `{error: {code, status, details}}` or `{none: true}`. */
export function normalize(seen: Seen, ids: IdNames, now = Date.now()): unknown {
  if (!seen) return { none: true }
  if (seen.status === 'success') return { ok: walk(seen.output, ids, now) }
  const { code, status, details, thrown } = seen.error
  if (thrown !== undefined) return { thrown }
  // The message is prose a backend may word differently; what the contract fixes is code and details.
  return { error: walk({ code, status, details: details ?? null }, ids, now) }
}

export interface Observation {
  readonly digest: string
  readonly observed: unknown
}

export function observe(seen: Seen, ids: IdNames, now = Date.now()): Observation {
  const value = normalize(seen, ids, now)
  const text = JSON.stringify(value)
  const digest = createHash('sha256').update(text).digest('hex').slice(0, 16)
  const bytes = Buffer.byteLength(text)
  return {
    digest,
    observed:
      bytes <= MAX_OBSERVED_BYTES
        ? value
        : { $truncated: true, bytes, head: text.slice(0, MAX_OBSERVED_BYTES) },
  }
}
