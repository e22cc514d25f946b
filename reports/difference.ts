/**
 * Where two normalized outcomes (harness/observe.ts) part: the first differing path, with both values,
 * for the side-by-side diff of a minority class against the reference.
 */
export interface Difference {
  readonly path: string
  readonly expected: unknown
  readonly actual: unknown
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v)

/** The first path (depth first, keys in order) where `actual` is not `expected`; undefined if none. */
export function firstDifference(expected: unknown, actual: unknown, path = '$'): Difference | undefined {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      const d = firstDifference(expected[i], actual[i], `${path}[${i}]`)
      if (d) return d
    }
    return undefined
  }
  if (isObject(expected) && isObject(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort()
    for (const k of keys) {
      const d = firstDifference(expected[k], actual[k], `${path}.${k}`)
      if (d) return d
    }
    return undefined
  }
  return JSON.stringify(expected) === JSON.stringify(actual) ? undefined : { path, expected, actual }
}
