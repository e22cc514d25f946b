/**
 * Long strings compare by code point in full on the Sequelize backends (CONTRACT §5, Sort: strings by
 * code point, never by locale, nothing left out), for every sortable string field of every entity: values
 * that share a prefix as long as the field allows (unbounded text: far past any server's sort key
 * length) and differ only at the end must sort, page and compare ($gt …) exactly as in the reference.
 * MariaDB cuts a sort key at `max_sort_length` bytes (1024 by default): without the adapter's help such
 * values tie and fall back to id order. Runs at the adapter seam, with the same ids on both sides, so
 * that ties broken by id compare too. If a server is unreachable these tests fail: nothing is skipped.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { Adapter } from '../core/adapter.ts'
import type { Cond, SortKey } from '../core/query.ts'
import { schema, type Entity, type Field } from '../core/schema.ts'
import { compareCodePoints } from '../core/text.ts'
import type { Row } from '../core/validate.ts'
import { freshAdapter } from '../harness/backend.ts'
import { backendNamed } from '../harness/backends.ts'
import { MemoryAdapter } from '../reference/memory.ts'
import { ID, TS, userRow } from './helpers.ts'
import { describeOn } from './servers.ts'

const sequelizeSqliteBackend = backendNamed('sequelize-sqlite')
const sequelizePostgresBackend = backendNamed('sequelize-postgres')
const sequelizeMariadbBackend = backendNamed('sequelize-mariadb')

const OWNER = ID(1)
const PAGE = ID(2)
const LATER = '2099-01-01T00:00:00.000Z'

/** A valid row of each entity, numbered `n` (unique keys differ by n), with `patch` on top. */
const BASE: Record<string, (n: number) => Row> = {
  User: (n) => userRow(n, `u${n}`),
  Credential: (n) => ({
    id: ID(n),
    username: `u${n}`,
    passwordHash: 'x',
    firstLogin: true,
    createdAt: TS,
    updatedAt: TS,
  }),
  ComponentHierarchy: (n) => ({
    id: ID(n),
    pageId: PAGE,
    parentId: null,
    componentType: `c${n}`,
    order: n,
    props: {},
    createdAt: TS,
    updatedAt: TS,
  }),
  IdempotencyRecord: (n) => ({
    id: ID(n),
    key: `k${n}`,
    fingerprint: `f${n}`,
    result: {},
    expiresAt: LATER,
    createdAt: TS,
    updatedAt: TS,
  }),
  LoginAttempt: (n) => ({ id: ID(n), username: `u${n}`, createdAt: TS }),
  LuaScript: (n) => ({
    id: ID(n),
    name: `s${n}`,
    description: null,
    code: `return ${n}`,
    isSandboxed: true,
    allowedGlobals: [],
    timeoutMs: 5000,
    createdBy: OWNER,
    createdAt: TS,
    updatedAt: TS,
  }),
  Package: (n) => ({
    id: ID(n),
    name: `p${n}`,
    version: `1.0.${n}`,
    description: null,
    author: 'a',
    manifest: {},
    isInstalled: false,
    installedAt: null,
    installedBy: null,
    createdAt: TS,
    updatedAt: TS,
  }),
  PageView: (n) => ({
    id: ID(n),
    slug: `p-${n}`,
    title: `t${n}`,
    description: null,
    level: 1,
    layout: {},
    isActive: true,
    createdAt: TS,
    updatedAt: TS,
  }),
  Session: (n) => ({
    id: ID(n),
    userId: OWNER,
    token: `token-${String(n).padStart(16, '0')}`,
    expiresAt: LATER,
    createdAt: TS,
    lastActivity: TS,
  }),
  Workflow: (n) => ({
    id: ID(n),
    name: `w${n}`,
    description: null,
    trigger: 'manual',
    triggerConfig: {},
    steps: {},
    isActive: true,
    createdBy: OWNER,
    createdAt: TS,
    updatedAt: TS,
  }),
}

/** Fields a sort may name: text of any kind but enums (their values are the schema's short words). */
const sortable = (e: Entity): Field[] =>
  e.fields.filter((f) => !f.secret && (f.type === 'string' || f.type === 'text' || f.type === 'email'))

/**
 * Values of one field that share long prefixes and differ only at the end, within the field's rules
 * (length, pattern); 4-byte characters where the pattern allows, so the prefix is as many bytes as can be.
 */
function values(f: Field): string[] {
  const joined = (fill: string, n: number, lasts: string[], wrap = (s: string) => s) =>
    lasts.map((last) => wrap(fill.repeat(n) + last))
  if (f.name === 'version') return joined('1', 40, ['0', '5', '9'], (s) => `1.0.${s}`)
  if (f.type === 'email') return joined('x', 240, ['-', 'a', 'é', '😀'], (s) => `${s}@example.com`)
  if (f.pattern) {
    const lasts = ['-', '0', 'a'].filter((c) => f.pattern!.test(`a${c}`))
    return joined('a', f.maxLength! - 1, lasts)
  }
  const lasts = ['', ' ', '!', 'a', 'é', '\uFFFD', '😀']
  if (f.maxLength) return joined('😀', f.maxLength - 1, lasts)
  // Unbounded text: around the server defaults (1024 bytes) and far past them, in 1-, 2- and 4-byte characters.
  return [
    ...joined('x', 1030, lasts),
    ...joined('x', 1023, [' ', 'é']),
    ...joined('😀', 1024, lasts),
    ...joined('é', 3000, [' ', '😀']),
    ...joined('x', 20_000, ['', ' ', 'é']),
  ]
}

/** Rows of `e` with the field set to each value, inserted in reverse code point order (ids against values). */
function rowsFor(e: Entity, f: Field, start: number): Row[] {
  const vs = values(f).sort((a, b) => compareCodePoints(b, a))
  const rows = vs.map((v, i) => ({ ...BASE[e.name]!(start + i), [f.name]: v }))
  if (!f.required) rows.push({ ...BASE[e.name]!(start + vs.length), [f.name]: null })
  return rows
}

/** Parents every row may reference: the owner, a page; and a user for each credential. */
async function seed(a: Adapter, e: Entity, rows: Row[]): Promise<void> {
  await a.create('User', userRow(1, 'owner'))
  await a.create('PageView', BASE.PageView!(2))
  if (e.name === 'Credential')
    for (const [i, r] of rows.entries()) await a.create('User', userRow(1000 + i, r.username as string))
  for (const r of rows) await a.create(e.name, r)
}

interface Probe {
  readonly what: string
  run(a: Adapter): Promise<unknown>
}

const list = (e: Entity, sort: SortKey[], filter: Cond = { kind: 'all' }, offset = 0, limit = 100) => ({
  what: `${e.name} ${JSON.stringify(sort)} ${JSON.stringify(filter).slice(0, 80)} @${offset}`,
  run: async (a: Adapter) => (await a.list(e.name, { filter, sort, offset, limit })).data.map((r) => r.id),
})

/** Sorts both ways, pages across the tied prefix, and every comparison against every value. */
function probes(e: Entity, f: Field): Probe[] {
  const id: SortKey = { field: 'id', dir: 'asc' }
  const out: Probe[] = []
  for (const dir of ['asc', 'desc'] as const) {
    out.push(list(e, [{ field: f.name, dir }, id]))
    for (let offset = 0; offset < 12; offset += 3)
      out.push(list(e, [{ field: f.name, dir }, id], undefined, offset, 3))
    // Every string field of the entity at once: several long keys in one ORDER BY.
    out.push(list(e, [...sortable(e).map((x) => ({ field: x.name, dir })), id]))
  }
  for (const v of values(f))
    for (const op of ['gt', 'gte', 'lt', 'lte', 'eq', 'ne'] as const)
      out.push(list(e, [{ field: f.name, dir: 'asc' }, id], { kind: 'cmp', field: f.name, op, value: v }))
  return out
}

const cases = schema.entities.flatMap((e) => sortable(e).map((f) => ({ e, f })))

describeOn(
  [sequelizeSqliteBackend, sequelizePostgresBackend, sequelizeMariadbBackend],
  ': long strings sort and compare in full',
  (p) => {
    it('every entity has a row builder', () => {
      assert.deepEqual(Object.keys(BASE).sort(), schema.entities.map((e) => e.name).sort())
    })

    // Longer than MariaDB's largest `max_sort_length` (8 MiB): the sort takes it in pieces.
    it('LuaScript.description past 8 MiB', async () => {
      const e = schema.entities.find((x) => x.name === 'LuaScript')!
      const prefix = '😀'.repeat(2_100_000)
      const rows = [prefix + 'é', prefix + ' ', prefix, 'short', null].map((description, i) => ({
        ...BASE.LuaScript!(100 + i),
        description,
      }))
      const reference = new MemoryAdapter()
      const subject = await freshAdapter(p())
      await seed(reference, e, rows)
      await seed(subject, e, rows)
      const id: SortKey = { field: 'id', dir: 'asc' }
      const gt: Cond = { kind: 'cmp', field: 'description', op: 'gt', value: prefix }
      for (const probe of [
        list(e, [{ field: 'description', dir: 'asc' }, id]),
        list(e, [{ field: 'description', dir: 'desc' }, id]),
        list(e, [{ field: 'description', dir: 'desc' }, id], gt),
      ])
        assert.deepStrictEqual(await probe.run(subject), await probe.run(reference), probe.what)
    })

    // Filters on JSON paths compare strings too (JSON fields themselves cannot be sorted on).
    it('Package.manifest.s, a JSON-path string', async () => {
      const e = schema.entities.find((x) => x.name === 'Package')!
      const strings = values(e.field.get('description')!)
      const rows = strings.map((s, i) => ({ ...BASE.Package!(100 + i), manifest: { s } }))
      const reference = new MemoryAdapter()
      const subject = await freshAdapter(p())
      await seed(reference, e, rows)
      await seed(subject, e, rows)
      const id: SortKey = { field: 'id', dir: 'asc' }
      for (const value of strings)
        for (const op of ['gt', 'gte', 'lt', 'lte', 'eq', 'ne'] as const) {
          const probe = list(e, [id], { kind: 'cmp', field: 'manifest', path: ['s'], op, value })
          assert.deepStrictEqual(await probe.run(subject), await probe.run(reference), probe.what)
        }
      const probe = list(e, [id], {
        kind: 'cmp',
        field: 'manifest',
        path: ['s'],
        op: 'in',
        value: strings.slice(3),
      })
      assert.deepStrictEqual(await probe.run(subject), await probe.run(reference), probe.what)
    })

    for (const { e, f } of cases)
      it(`${e.name}.${f.name}`, async () => {
        const rows = rowsFor(e, f, 100)
        const reference = new MemoryAdapter()
        const subject = await freshAdapter(p())
        await seed(reference, e, rows)
        await seed(subject, e, rows)
        for (const probe of probes(e, f))
          assert.deepStrictEqual(await probe.run(subject), await probe.run(reference), probe.what)
      })
  },
)
