/**
 * The largest filters the validator accepts (core/query.ts: 1000 values per list, 5000 per filter, 256
 * conditions, 16 levels) run on every Sequelize backend and give the reference's answer: every accepted
 * filter must run on every backend (CONTRACT §5, one portable query language). What could refuse them:
 * SQLite's expression depth (1000 by default), MariaDB's max_allowed_packet and thread stack,
 * PostgreSQL's max_stack_depth, statement size. Each filter is checked to sit exactly at the limits (one
 * more value, condition or level is VALIDATION_ERROR), strings at the longest the schema allows, in 4-byte
 * characters. On SQLite the expression depth each one needs is measured, and must leave room for the
 * ACL's row rules. If a server is unreachable these tests fail: nothing is skipped.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import sqlite3 from 'sqlite3'
import type { SequelizeAdapter } from '../adapters/sequelize/index.ts'
import type { Adapter } from '../core/adapter.ts'
import { DBALClient } from '../core/client.ts'
import { DBALError } from '../core/errors.ts'
import { MAX_TEXT, MAX_VALUES } from '../core/query.ts'
import type { PackageInput } from '../core/types.generated.ts'
import { freshAdapter } from '../harness/backend.ts'
import { backendNamed } from '../harness/backends.ts'
import { MemoryAdapter } from '../reference/memory.ts'
import { FAST_SCRYPT, T0 } from './helpers.ts'
import { describeOn } from './servers.ts'

const sequelizeSqliteBackend = backendNamed('sequelize-sqlite')
const sequelizePostgresBackend = backendNamed('sequelize-postgres')
const sequelizeMariadbBackend = backendNamed('sequelize-mariadb')

type Filter = Record<string, unknown>

const LIST = 1000
const CONDITIONS = 256
const DEPTH = 16
/** Headroom kept below SQLite's default expression depth (1000) for the ACL's row rules and expiry. */
const SQLITE_DEPTH_BUDGET = 250

/** A string of `n` code points, `fill` (4-byte by default) but for a tail that makes it distinct for each `i`. */
const long = (i: number, n = 255, fill = '😀') => fill.repeat(n - String(i).length - 1) + `·${i}`
const range = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i))

/** Rows whose values some list elements hit, at the longest the schema allows. */
function packages(): PackageInput[] {
  return range(24, (i) => ({
    name: i % 3 ? long(i) : `pkg${i}`,
    version: `${i}.0.0`,
    author: long(i * 7),
    description: i % 4 ? long(i, 1024) : null,
    manifest: {
      s: long(i),
      n: i % 5 ? i * 1.5 : `${i * 1.5}`,
      m: [long(i), i, i % 2 === 0, null][i % 4] ?? null,
      deps: i % 6 ? `v${i}` : i,
      deep: { x: { y: i % 2 ? long(i) : i } },
      t: `Élodie ΌΣΟΣ ${long(i, 40)}`,
    },
  }))
}

const mixed = (i: number) => [long(i), i * 1.5, i % 2 === 0, null, `${i * 1.5}`][i % 5]

/**
 * 5000 values over five lists on plain columns, long 4-byte text: as long as the filter's text budget
 * (MAX_TEXT UTF-16 units in all) allows over 4000 strings.
 */
const plainLists = (): Filter => ({
  $or: [
    { name: { $in: range(LIST, (i) => long(i, 100)) } },
    { name: { $nin: range(LIST, (i) => long(i + 2, 100)) } },
    { author: { $in: range(LIST, (i) => long(i, 100)) } },
    { description: { $nin: range(LIST, (i) => long(i, 200)) } },
    { version: { $in: range(LIST, (i) => `${i}.0.0`) } },
  ],
})

/** All the text one filter may hold (MAX_TEXT units) in one text match. */
const mostText = (): Filter => ({ description: { $contains: 'é'.repeat(MAX_TEXT) } })

/** 5000 values over five lists on JSON paths, strings, numbers, booleans and null mixed. */
const jsonLists = (): Filter => ({
  $or: [
    { 'manifest.s': { $in: range(LIST, (i) => long(i * 2)) } },
    { 'manifest.n': { $nin: range(LIST, (i) => i * 3) } },
    { 'manifest.m': { $in: range(LIST, mixed) } },
    { 'manifest.deps': { $nin: range(LIST, (i) => `v${i * 2}`) } },
    { 'manifest.deep.x.y': { $in: range(LIST, (i) => (i % 2 ? long(i) : i)) } },
  ],
})

/** The defect as found: one JSON-path list of 1000 values. */
const jsonNin = (): Filter => ({ 'manifest.deps': { $nin: range(LIST, (i) => `v${i}`) } })

/** One condition of each kind, in turn: plain and JSON-path comparisons and text matches. */
function condition(i: number): Filter {
  const term = long(i, 255, 'é')
  const kinds: Filter[] = [
    { 'manifest.s': { $gt: long(i) } },
    { name: { $contains: term } },
    { 'manifest.t': { $contains: 'όσοσ' } },
    { author: { $startsWith: long(i * 7).slice(0, 100) } },
    { description: { $endsWith: term } },
    { 'manifest.n': { $lte: i } },
    { 'manifest.deep.x.y': { $exists: i % 2 === 0 } },
    { version: { $ne: `${i}.0.0` } },
  ]
  return kinds[i % kinds.length]!
}

const conditions = (): Filter => ({ $or: range(CONDITIONS, condition) })

/**
 * 16 levels of $or, $and and $not, 256 conditions over them, and 5000 values in lists at the bottom:
 * every limit at once.
 */
function deepest(): Filter {
  const lists = (jsonLists().$or as Filter[]).slice(0, 4)
  const leaves: Filter[] = [...lists, { name: { $in: range(LIST, (i) => long(i, 50)) } }]
  const ops = range(DEPTH - 1, (i) => ['$or', '$and', '$not'][i % 3]!)
  const holders = ops.filter((op) => op !== '$not').length
  const each = Math.floor((CONDITIONS - leaves.length) / holders)
  let extra = CONDITIONS - leaves.length - each * holders
  let inner: Filter = { $and: leaves }
  let used = 0
  for (const op of ops) {
    if (op === '$not') {
      inner = { $not: inner }
      continue
    }
    const share = each + extra
    extra = 0
    inner = { [op]: [...range(share, (k) => condition(used + k)), inner] }
    used += share
  }
  return inner
}

/** How deep, how many conditions and values, the validator counting (each $in element one value). */
function measure(f: unknown, depth = 0): { depth: number; conditions: number; values: number } {
  const m = { depth, conditions: 0, values: 0 }
  if (f === null || typeof f !== 'object') return m
  for (const [k, v] of Object.entries(f)) {
    const subs = k === '$and' || k === '$or' ? (v as unknown[]) : k === '$not' ? [v] : []
    for (const s of subs) {
      const x = measure(s, depth + 1)
      m.depth = Math.max(m.depth, x.depth)
      m.conditions += x.conditions
      m.values += x.values
    }
    if (!k.startsWith('$'))
      for (const [op, x] of Object.entries(v as object)) {
        m.conditions += op.startsWith('$') ? 1 : 0
        if (Array.isArray(x)) m.values += x.length
      }
  }
  return m
}

const LARGEST: Record<string, { filter: () => Filter; at: Partial<ReturnType<typeof measure>> }> = {
  'a 1000-value list on a JSON path': { filter: jsonNin, at: { values: LIST } },
  '5000 values on plain columns': { filter: plainLists, at: { values: MAX_VALUES } },
  'the most text one filter may hold': { filter: mostText, at: {} },
  '5000 values on JSON paths': { filter: jsonLists, at: { values: MAX_VALUES } },
  '256 conditions, comparisons and text matches': { filter: conditions, at: { conditions: CONDITIONS } },
  'every limit at once, 16 levels deep': {
    filter: deepest,
    at: { depth: DEPTH, conditions: CONDITIONS, values: MAX_VALUES },
  },
}

function client(adapter: Adapter): DBALClient {
  let tick = 0
  return new DBALClient({ adapter, clock: () => T0 + 1000 * tick++, scrypt: FAST_SCRYPT })
}

/** What the filter gives: count, page of names, and how many rows updateMany and deleteMany touch. */
async function answers(c: DBALClient, filter: Filter): Promise<unknown> {
  try {
    const count = await c.packages.count(filter)
    const page = await c.packages.list({ filter, sort: { name: 'desc' }, limit: 100 })
    const updated = await c.packages.updateMany(filter, { isInstalled: true })
    const deleted = await c.packages.deleteMany(filter)
    return { count, names: page.data.map((p) => p.name), total: page.total, updated, deleted }
  } catch (e) {
    if (!(e instanceof DBALError)) throw e
    return { code: e.code, details: e.details ?? null }
  }
}

async function seeded(adapter: Adapter): Promise<DBALClient> {
  const c = client(adapter)
  for (const p of packages()) await c.packages.create(p)
  return c
}

describe('the filters are the largest the validator accepts', () => {
  for (const [name, { filter, at }] of Object.entries(LARGEST))
    it(name, async () => {
      const m = measure(filter())
      for (const [k, v] of Object.entries(at)) assert.equal(m[k as keyof typeof m], v, k)
      const c = await seeded(new MemoryAdapter())
      assert.equal(typeof (await c.packages.count(filter())), 'number', 'accepted')
    })
  it('one more value, condition or level is refused', async () => {
    const c = client(new MemoryAdapter())
    const refused = async (f: Filter) =>
      assert.equal(((await answers(c, f)) as { code?: string }).code, 'VALIDATION_ERROR')
    await refused({ 'manifest.deps': { $nin: range(LIST + 1, (i) => i) } })
    await refused({ $or: [...(plainLists().$or as Filter[]), { name: { $in: ['one more'] } }] })
    await refused({ $or: range(CONDITIONS + 1, condition) })
    await refused({ $not: deepest() })
  })
})

/** Watches the statements an adapter sends; `stop` says how long the longest was (for the report). */
function statementBytes(a: Adapter): { stop(): number } {
  const { options } = (a as SequelizeAdapter).db.sequelize as unknown as { options: { logging: unknown } }
  let longest = 0
  options.logging = (sql: string) => void (longest = Math.max(longest, Buffer.byteLength(sql)))
  return {
    stop() {
      options.logging = false
      return longest
    },
  }
}

/** The sqlite3 connection under a sequelize-sqlite adapter (in memory: one, kept by Sequelize). */
async function sqliteConnection(a: Adapter): Promise<sqlite3.Database> {
  const cm = (a as SequelizeAdapter).db.sequelize.connectionManager as unknown as {
    getConnection(o: object): Promise<sqlite3.Database>
  }
  return cm.getConnection({})
}

/** The smallest expression depth limit under which the filter still runs on SQLite. */
async function sqliteDepth(a: Adapter, c: DBALClient, filter: Filter): Promise<number> {
  const db = await sqliteConnection(a)
  const runs = async (limit: number) => {
    db.configure('limit', sqlite3.LIMIT_EXPR_DEPTH, limit)
    try {
      await c.packages.list({ filter, sort: { name: 'desc' }, limit: 100 })
      return true
    } catch {
      return false
    } finally {
      db.configure('limit', sqlite3.LIMIT_EXPR_DEPTH, 1000)
    }
  }
  let [lo, hi] = [1, 1000]
  assert.ok(await runs(hi), 'runs under the default limit')
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2)
    if (await runs(mid)) hi = mid
    else lo = mid + 1
  }
  return lo
}

describeOn(
  [sequelizeSqliteBackend, sequelizePostgresBackend, sequelizeMariadbBackend],
  ': the largest accepted filters run',
  (p, backend) => {
    for (const [name, { filter }] of Object.entries(LARGEST))
      it(name, async (t) => {
        const expected = await answers(await seeded(new MemoryAdapter()), filter())
        assert.ok(!('code' in (expected as object)), JSON.stringify(expected))
        const adapter = await freshAdapter(p())
        const c = await seeded(adapter)
        const longest = statementBytes(adapter)
        if (backend.name === 'sequelize-sqlite') {
          const depth = await sqliteDepth(adapter, c, filter())
          t.diagnostic(`SQLite expression depth ${depth}`)
          assert.ok(depth <= SQLITE_DEPTH_BUDGET, `needs expression depth ${depth}`)
        }
        assert.deepStrictEqual(await answers(c, filter()), expected)
        t.diagnostic(`longest statement ${longest.stop()} bytes`)
      })
  },
)
