/**
 * The Mongo adapter's translation proven without a server: random filters (every operator, $and/$or/$not
 * up to depth 3, JSON dot paths), sorts and document sets (unicode that folds differently under the
 * contract and the regex `i` flag, regex metacharacters, nulls, missing values, awkward JSON keys) are
 * compiled as the adapter compiles them (filter.ts, sort.ts; FerretDB's dialect) and evaluated by mingo
 * on the documents the codec stores. They must select and order exactly the rows the reference does
 * (reference/match.ts).
 *
 * mingo compares strings by UTF-16 unit where MongoDB and FerretDB compare by code point: the two orders
 * differ only between U+E000–U+FFFF and characters above U+FFFF, so the alphabet has astral characters
 * but nothing in U+E000–U+FFFF (test/ferretdb.test.ts 'sorting' shows the server's code point order
 * there). Everything else is as the adapter sends it.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { Query } from 'mingo'
import { fromDoc, toDoc } from '../adapters/mongo/codec.ts'
import { FilterCompiler } from '../adapters/mongo/filter.ts'
import { sortOf } from '../adapters/mongo/sort.ts'
import { parseSort, type Cond } from '../core/query.ts'
import { schema } from '../core/schema.ts'
import type { Row } from '../core/validate.ts'
import { comparator, matches } from '../reference/match.ts'

const e = schema.entity.get('PageView')!
const RUNS = 1000

const CHARS = [
  'a',
  'A',
  'b',
  'z',
  'é',
  'É',
  'e\u0301',
  '\u0301',
  'İ',
  'i',
  'ı',
  'I',
  'ς',
  'σ',
  'Σ',
  'ß',
  'ẞ',
  's',
  'ſ',
  'µ',
  'μ',
  'k',
  '\u212a',
  'ǅ',
  'ǆ',
  '😀',
  '𝒜',
  '中',
  ' ',
  '.',
  '*',
  '\\',
  '(',
  '[',
  '$',
  '^',
  '%',
  '_',
  '\n',
  '-',
  '?',
  '|',
  '+',
  '{',
]
const text = fc.array(fc.constantFrom(...CHARS), { maxLength: 5 }).map((cs) => cs.join(''))
const orNull = <T>(a: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: a }, { weight: 1, arbitrary: fc.constant(null) })
const TIMES = [
  '2020-01-01T00:00:00.000Z',
  '2020-01-01T00:00:00.001Z',
  '2024-06-30T12:00:00.000Z',
  '1999-12-31T23:59:59.999Z',
]
const time = fc.constantFrom(...TIMES)
const level = fc.integer({ min: -1, max: 3 })

const KEYS = ['a', 'b', 'c']
const ODD_KEYS = ['a.b', '$x', '%a', '__proto__', '', 'ключ']
const scalar = fc.oneof(
  text,
  fc.integer({ min: -2, max: 2 }),
  fc.constantFrom(0.5, -0.5),
  fc.boolean(),
  fc.constant(null),
)
const json: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown; o: Record<string, unknown> }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    tie('o'),
    fc.array(tie('v'), { maxLength: 3 }),
    fc.array(scalar, { minLength: 1, maxLength: 3 }),
  ),
  o: fc
    .array(fc.tuple(fc.constantFrom(...KEYS, ...KEYS, ...ODD_KEYS), tie('v')), { maxLength: 3 })
    .map((entries) => Object.fromEntries(entries)),
})).o

const row = (id: string) =>
  fc
    .record({
      slug: orNull(text),
      title: orNull(text),
      description: orNull(text),
      level: orNull(level),
      layout: orNull(json),
      isActive: orNull(fc.boolean()),
      createdAt: orNull(time),
      updatedAt: orNull(time),
    })
    .map((r): Row => ({ id, ...r }))

const rows = fc
  .uniqueArray(fc.uuid({ version: 4 }), { maxLength: 8 })
  .chain((ids) => (ids.length ? fc.tuple(...ids.map(row)) : fc.constant([] as Row[])))

const cmp = (field: string, op: string, value: unknown, path?: string[]): Cond =>
  ({ kind: 'cmp', field, op, value, ...(path ? { path } : {}) }) as Cond

/** Every operator a field of each type takes (core/query.ts), with values of its type. */
function leafOf(ids: readonly string[]): fc.Arbitrary<Cond> {
  const textField = fc.constantFrom('slug', 'title', 'description')
  const anyId = ids.length
    ? fc.oneof(fc.constantFrom(...ids), fc.uuid({ version: 4 }))
    : fc.uuid({ version: 4 })
  const path = fc.oneof(
    { weight: 3, arbitrary: fc.array(fc.constantFrom(...KEYS), { minLength: 1, maxLength: 2 }) },
    { weight: 1, arbitrary: fc.array(fc.constantFrom(...KEYS), { minLength: 3, maxLength: 3 }) },
  )
  const pathScalar = fc.oneof(text, fc.integer({ min: -2, max: 2 }), fc.boolean(), fc.constant(null))
  const ordered = ['gt', 'gte', 'lt', 'lte'] as const
  const textOps = ['contains', 'startsWith', 'endsWith'] as const
  const typed = <T>(field: fc.Arbitrary<string>, v: fc.Arbitrary<T>, order: boolean, textual: boolean) =>
    fc.oneof(
      fc.tuple(field, fc.constantFrom('eq', 'ne'), orNull(v)).map(([f, op, x]) => cmp(f, op, x)),
      fc
        .tuple(field, fc.constantFrom('in', 'nin'), fc.array(orNull(v), { maxLength: 3 }))
        .map(([f, op, x]) => cmp(f, op, x)),
      fc.tuple(field, fc.boolean()).map(([f, x]) => cmp(f, 'exists', x)),
      ...(order ? [fc.tuple(field, fc.constantFrom(...ordered), v).map(([f, op, x]) => cmp(f, op, x))] : []),
      ...(textual
        ? [fc.tuple(field, fc.constantFrom(...textOps), text).map(([f, op, x]) => cmp(f, op, x))]
        : []),
    )
  return fc.oneof(
    typed(textField, text, true, true),
    typed(fc.constant('level'), level, true, false),
    typed(fc.constant('isActive'), fc.boolean(), false, false),
    typed(fc.constant('createdAt'), time, true, false),
    typed(fc.constant('id'), anyId, true, false),
    fc.oneof(
      fc.tuple(fc.constantFrom('eq', 'ne'), fc.constant(null)).map(([op]) => cmp('layout', op, null)),
      fc.boolean().map((x) => cmp('layout', 'exists', x)),
    ),
    fc.oneof(
      fc.tuple(path, fc.constantFrom('eq', 'ne'), pathScalar).map(([p, op, x]) => cmp('layout', op, x, p)),
      fc
        .tuple(path, fc.constantFrom('in', 'nin'), fc.array(pathScalar, { maxLength: 3 }))
        .map(([p, op, x]) => cmp('layout', op, x, p)),
      fc.tuple(path, fc.boolean()).map(([p, x]) => cmp('layout', 'exists', x, p)),
      fc
        .tuple(path, fc.constantFrom(...ordered), fc.oneof(text, fc.integer({ min: -2, max: 2 })))
        .map(([p, op, x]) => cmp('layout', op, x, p)),
      fc.tuple(path, fc.constantFrom(...textOps), text).map(([p, op, x]) => cmp('layout', op, x, p)),
    ),
  )
}

function condOf(ids: readonly string[], depth: number): fc.Arbitrary<Cond> {
  const leaf = leafOf(ids)
  if (depth === 0) return leaf
  const sub = condOf(ids, depth - 1)
  return fc.oneof(
    { weight: 3, arbitrary: leaf },
    {
      weight: 1,
      arbitrary: fc.array(sub, { minLength: 1, maxLength: 3 }).map((items): Cond => ({ kind: 'and', items })),
    },
    {
      weight: 1,
      arbitrary: fc.array(sub, { minLength: 1, maxLength: 3 }).map((items): Cond => ({ kind: 'or', items })),
    },
    { weight: 1, arbitrary: sub.map((item): Cond => ({ kind: 'not', item })) },
    { weight: 1, arbitrary: fc.constant<Cond>({ kind: 'all' }) },
  )
}

const sortInput = fc
  .uniqueArray(
    fc.constantFrom('slug', 'title', 'description', 'level', 'isActive', 'createdAt', 'updatedAt'),
    { maxLength: 3 },
  )
  .chain((fields) => fc.tuple(...fields.map((f) => fc.tuple(fc.constant(f), fc.constantFrom('asc', 'desc')))))
  .map((pairs) => Object.fromEntries(pairs as [string, string][]))

const compiler = new FilterCompiler(e, { textEnd: '$' })

test(`mingo on the stored documents selects and orders as the reference (${RUNS} runs)`, () => {
  fc.assert(
    fc.property(
      rows.chain((rs) =>
        fc.tuple(
          fc.constant(rs),
          condOf(
            rs.map((r) => r.id as string),
            3,
          ),
          sortInput,
        ),
      ),
      ([rs, cond, sortIn]) => {
        const keys = parseSort(e, sortIn)
        const expected = rs
          .filter((r) => matches(cond, r))
          .sort(comparator(keys))
          .map((r) => r.id)
        const docs = rs.map((r) => toDoc(e, r))
        const found = new Query(compiler.compile(cond)).find(docs).sort(sortOf(e, keys)).all() as Record<
          string,
          unknown
        >[]
        assert.deepEqual(
          found.map((d) => d._id),
          expected,
        )
      },
    ),
    { numRuns: RUNS },
  )
})

/** Rows that random generation meets rarely: arrays (with null) at and above a path's end, a final newline. */
const EDGE_LAYOUTS: unknown[] = [
  { a: [null] },
  { a: [1, 'x'] },
  { a: [{ b: 1 }, { b: null }] },
  { a: { b: [[1], null] } },
  { a: null },
  { a: { b: 'x\n' } },
  { a: 'ß\n' },
  { a: [] },
  {},
  null,
]
const EDGE_ROWS: Row[] = EDGE_LAYOUTS.map((layout, i) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  slug: i % 2 ? null : `s${i}\n`,
  title: null,
  description: null,
  level: i % 3 ? i : null,
  layout,
  isActive: null,
  createdAt: TIMES[i % TIMES.length]!,
  updatedAt: null,
}))

test(`on rows of arrays, nulls and final newlines too (${RUNS} runs)`, () => {
  const ids = EDGE_ROWS.map((r) => r.id as string)
  const docs = EDGE_ROWS.map((r) => toDoc(e, r))
  fc.assert(
    fc.property(condOf(ids, 2), (cond) => {
      const keys = parseSort(e, undefined)
      const expected = EDGE_ROWS.filter((r) => matches(cond, r))
        .sort(comparator(keys))
        .map((r) => r.id)
      const found = new Query(compiler.compile(cond)).find(docs).sort(sortOf(e, keys)).all() as Record<
        string,
        unknown
      >[]
      assert.deepEqual(
        found.map((d) => d._id),
        expected,
      )
    }),
    { numRuns: RUNS },
  )
})

test(`every generated row reads back exactly from its document (${RUNS} runs)`, () => {
  fc.assert(
    fc.property(rows, (rs) => {
      for (const r of rs) assert.deepEqual(fromDoc(e, toDoc(e, r)), r)
    }),
    { numRuns: RUNS },
  )
})

test('the compiled filter of a hostile value keeps it a value', () => {
  const hostile = [{ $gt: '' }, '$where', { $function: {} }, { $regex: '.*' }, { $ne: null }]
  for (const v of hostile) {
    const doc = compiler.compile(cmp('slug', 'eq', v))
    assert.deepEqual(doc, { slug: { $eq: v } })
  }
  assert.deepEqual(compiler.compile(cmp('slug', 'contains', '.*')), { slug__fold: { $regex: '\\.\\*' } })
})
