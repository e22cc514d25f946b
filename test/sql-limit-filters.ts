/**
 * The largest filters core/query.ts accepts, and filters one step past each of its limits, over rows
 * made to tell them apart (sql-filter-limits.test.ts runs them; the vectors in
 * contracts/regressions/filter-limits.yaml are smaller cases of the same). Limits: 1000 values per
 * $in/$nin, 5000 per filter (MAX_VALUES), 256 conditions, nesting 16 deep, JSON paths of 8 keys, and
 * 1,048,576 characters of text per filter (MAX_TEXT); the rows' strings are at most 255 code points
 * (Package.name, PageView.title).
 */
import type { DBALClient } from '../core/client.ts'
import { MAX_TEXT, MAX_VALUES } from '../core/query.ts'
import type { JsonObject, JsonValue } from '../core/types.generated.ts'

export type Filter = Record<string, unknown>

/** Exactly `n` code points (the longest a Package name or PageView title may be is 255). */
const long = (head: string, n = 255) => head + 'é'.repeat(n - [...head].length)
const range = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i))
const DEEP = 'manifest.a.b.c.d.e.f.g.h'

/** A nested 8-key object holding `leaf`, for the longest path the validator accepts. */
const deep = (leaf: JsonValue): JsonObject => ({ a: { b: { c: { d: { e: { f: { g: { h: leaf } } } } } } } })

const nameOf = (i: number) => (i % 4 === 0 ? long(`pkg-${i}-`) : `pkg-${i}`)
/** deps cycles through every JSON kind: string, number, boolean, null, absent. */
function depOf(i: number): JsonValue | undefined {
  return [`d${i}`, i, i % 2 === 0, null, undefined][i % 5]
}

function manifest(i: number): JsonObject {
  const m: JsonObject = { n: i, entry: long(`Entry-${i}-ÉLODIE-`, 200 + i), ...deep(`deep-${i % 7}`) }
  const dep = depOf(i)
  if (dep !== undefined) m.deps = dep
  return m
}

/** Characters of a value that matches nothing: 5000 of them leave room in MAX_TEXT for the rest. */
const MISS = Math.floor((MAX_TEXT * 0.95) / MAX_VALUES)

/** 1000 values of one list: misses of MISS characters, with two hits at `salt` and `salt + 500`. */
function list(kind: 'name' | 'dep' | 'deep' | 'number', salt: number): unknown[] {
  return range(1000, (i) => {
    const hit = i % 500 === salt
    switch (kind) {
      case 'name':
        return hit ? nameOf((i + salt) % 40) : long(`miss-${salt}-${i}-`, MISS)
      case 'dep':
        return hit ? `d${(i + salt) % 40}` : long(`d-miss-${salt}-${i}-`, MISS)
      case 'deep':
        return hit ? `deep-${(i + salt) % 7}` : long(`deep-miss-${i}-`, MISS)
      case 'number':
        return hit ? (i + salt) % 40 : 10_000 + i + salt / 10
    }
  })
}

/** 1000 values of every JSON kind; the hits are d0, d10, 6, 21, true and null (which matches absent). */
const MIXED = range(1000, (i) =>
  i < 6 ? ['d0', 'd10', 6, 21, true, null][i] : i % 2 ? long(`m-${i}-`, MISS) : 10_000 + i / 7,
)

/** `n` conditions on text, JSON paths and plain columns, each matching a row or a few. */
function conditions(n: number): Filter[] {
  const needles = ['entry-1-élodie', long('entry-3-élodie-', 203), 'PKG-12-', long('pkg-8-'), '-33', '😀']
  return range(n, (i): Filter => {
    const needle = needles[i % needles.length]!
    switch (i % 7) {
      case 0:
        return { 'manifest.entry': { $contains: needle } }
      case 1:
        return { 'manifest.entry': { $startsWith: needle } }
      case 2:
        return { name: { $endsWith: needle } }
      case 3:
        return { name: { $startsWith: needle } }
      case 4:
        return { [DEEP]: { $gt: 'deep-5' } }
      case 5:
        return { 'manifest.n': { $lt: 2 } }
      default:
        return { 'manifest.entry': { $endsWith: needle } }
    }
  })
}

/**
 * `inner` under `levels` combinators ($or, $and, $not in turn), each one level deeper; the $or and $and
 * ones add a condition beside it, `extras(levels)` in all.
 */
function nest(inner: Filter, levels: number): Filter {
  let f = inner
  for (let l = 0; l < levels; l++) {
    const beside = { 'manifest.entry': { $startsWith: `entry-${l}-` } }
    f = [{ $or: [f, beside] }, { $and: [{ 'manifest.n': { $gte: l } }, f] }, { $not: f }][l % 3]!
  }
  return f
}
const extras = (levels: number) => levels - Math.floor(levels / 3)

/** 5 lists of 1000 values, to be AND-ed: 2 on plain columns, 3 on JSON paths (one of 8 keys). */
const FIVE_LISTS = [
  { name: { $nin: list('name', 1) } },
  { author: { $nin: list('name', 2) } },
  { 'manifest.deps': { $nin: list('dep', 3) } },
  { [DEEP]: { $in: list('deep', 4) } },
  { 'manifest.n': { $nin: list('number', 5) } },
]

/** Name → the largest accepted filters. */
export const LARGEST: Record<string, Filter> = {
  'a JSON-path $nin of 1000 values': { 'manifest.deps': { $nin: range(1000, (i) => `d${i}`) } },
  'a JSON-path $in of 1000 values of every JSON kind': { 'manifest.deps': { $in: MIXED } },
  'an $or of 5 lists of 1000 values on a plain column': {
    $or: range(5, (k) => ({ name: { $in: list('name', k) } })),
  },
  '5000 values over plain columns and JSON paths of 8 keys': { $and: FIVE_LISTS },
  '256 conditions: text matches with long needles': { $or: conditions(256) },
  'nesting 16 deep': nest({ name: { $ne: 'pkg-3' } }, 16),
  // Deepest for SQLite's tree: each level a chain of 16 (the next level first, where a chain is deepest).
  '16 levels of 16-term chains': range(16, (l) => l).reduce<Filter>(
    (f, l) => ({ [l % 2 ? '$or' : '$and']: [f, ...conditions(l + 15).slice(l)] }),
    { name: { $ne: 'pkg-3' } },
  ),
  // The $or and the $and are a level each; the 5 lists are 5 conditions.
  'everything at once: 5000 values, 256 conditions, 16 deep': nest(
    { $or: [{ $and: FIVE_LISTS }, ...conditions(256 - 5 - extras(14))] },
    14,
  ),
}

/** Nearly MAX_TEXT characters in 1000 values, half of the rows' names among them. */
const WIDE = range(1000, (i) =>
  i < 40 && i % 2 === 0 ? nameOf(i) : long(`wide-${i}-`, Math.floor(MAX_TEXT / 1000)),
)
const roomFor = (values: unknown[]) =>
  MAX_TEXT - values.reduce<number>((n, v) => n + (typeof v === 'string' ? v.length : 0), 0)
LARGEST['the most text: 1000 values, 1,048,576 characters'] = {
  $and: [
    { name: { $in: WIDE.slice(0, 999) } },
    { name: { $nin: ['x'.repeat(roomFor(WIDE.slice(0, 999)))] } },
  ],
}
LARGEST['a needle of 1,048,571 characters and 5 more'] = {
  $or: [{ 'manifest.entry': { $contains: 'é'.repeat(MAX_TEXT - 'pkg-5'.length) } }, { name: 'pkg-5' }],
}

/** One step past each limit. */
export const TOO_LARGE: Record<string, Filter> = {
  '1001 values in one list': { 'manifest.deps': { $in: range(1001, (i) => `d${i}`) } },
  '6 lists of 1000 values': { $or: range(6, (k) => ({ name: { $in: list('name', k) } })) },
  '5001 values': { $and: [...FIVE_LISTS, { version: { $in: ['1.0.0'] } }] },
  '257 conditions': { $or: conditions(257) },
  'nesting 17 deep': nest({ name: 'x' }, 17),
  '257 conditions, 16 deep': nest({ $or: [{ $and: FIVE_LISTS }, ...conditions(257 - 5 - extras(14))] }, 14),
  'a JSON path of 9 keys': { [`${DEEP}.i`]: 'x' },
  'one character of text too many': {
    $and: [{ name: { $in: WIDE.slice(0, 999) } }, { name: 'x'.repeat(roomFor(WIDE.slice(0, 999)) + 1) }],
  },
}

/** 40 packages and 20 pages (4 of them at level 1, which anonymous callers see). */
export async function seed(c: DBALClient): Promise<void> {
  await c.packages.createMany(
    range(40, (i) => ({
      name: nameOf(i),
      version: `1.${i}.0`,
      author: i % 3 ? `author-${i % 5}` : nameOf(i),
      description: i % 3 ? null : `Desc ${i}`,
      manifest: manifest(i),
      isInstalled: i % 2 === 0,
    })),
  )
  await c.pages.createMany(
    range(20, (i) => ({
      slug: `page-${i}`,
      title: nameOf(i),
      level: (i % 5) + 1,
      layout: { n: i, entry: manifest(i).entry as string, ...deep(`deep-${i % 7}`) },
    })),
  )
}

/** The same filter on pages' columns: title for name, layout for manifest. */
export const onPages = (f: Filter): Filter =>
  JSON.parse(
    JSON.stringify(f)
      .replaceAll('"name"', '"title"')
      .replaceAll('"author"', '"slug"')
      .replaceAll('"manifest.', '"layout.'),
  ) as Filter
