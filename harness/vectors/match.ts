/**
 * Compares an actual output with an expectation (CONTRACT §9): objects match on the keys given, a list
 * has the actual list's length and matches element by element. Matcher strings: `$any` (present, not
 * null), `$uuid`, `$datetime` (canonical ISO 8601), `$absent` (the key must not be there).
 * Returns the first mismatch as a path and a reason, or undefined.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

export const MATCHERS = new Set(['$any', '$uuid', '$datetime', '$absent'])

export interface Mismatch {
  readonly path: string
  readonly reason: string
}

const show = (v: unknown) => (v === undefined ? 'nothing' : JSON.stringify(v))

function matcher(m: string, actual: unknown): string | undefined {
  switch (m) {
    case '$any':
      return actual === undefined || actual === null ? 'expected a value' : undefined
    case '$uuid':
      return typeof actual === 'string' && UUID.test(actual)
        ? undefined
        : `expected a UUID v4, got ${show(actual)}`
    case '$datetime':
      return typeof actual === 'string' && DATETIME.test(actual)
        ? undefined
        : `expected a canonical timestamp, got ${show(actual)}`
    case '$absent':
      return actual === undefined ? undefined : `expected no value, got ${show(actual)}`
  }
  return undefined
}

export function compare(
  expected: unknown,
  actual: unknown,
  exact: boolean,
  path = '$',
): Mismatch | undefined {
  if (typeof expected === 'string' && MATCHERS.has(expected)) {
    const r = matcher(expected, actual)
    return r ? { path, reason: r } : undefined
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return { path, reason: `expected a list, got ${show(actual)}` }
    if (actual.length !== expected.length)
      return { path, reason: `expected ${expected.length} items, got ${actual.length}` }
    for (let i = 0; i < expected.length; i++) {
      const m = compare(expected[i], actual[i], exact, `${path}[${i}]`)
      if (m) return m
    }
    return undefined
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual))
      return { path, reason: `expected an object, got ${show(actual)}` }
    const a = actual as Record<string, unknown>
    for (const [k, v] of Object.entries(expected)) {
      const m = compare(v, a[k], exact, `${path}.${k}`)
      if (m) return m
    }
    if (exact) {
      const extra = Object.keys(a).filter((k) => !(k in expected))
      if (extra.length) return { path, reason: `unexpected keys: ${extra.join(', ')}` }
    }
    return undefined
  }
  if (expected === actual) return undefined
  return { path, reason: `expected ${show(expected)}, got ${show(actual)}` }
}
