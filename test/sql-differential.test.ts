/**
 * Differential check: the same operations through DBALClient on each SQL adapter and on the reference
 * (MemoryAdapter) must give identical results and errors (codes and details), ids aside. Both clients
 * run on the same counting clock, so timestamps are equal too and the default order (createdAt) is total.
 * PostgreSQL runs against the real local server: if it is unreachable, these tests fail.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { pgliteAdapter } from '../adapters/pglite/index.ts'
import { postgresAdapter } from '../adapters/postgres/index.ts'
import type { SqlAdapter } from '../adapters/sql/adapter.ts'
import { sqliteAdapter } from '../adapters/sqlite/index.ts'
import type { Adapter } from '../core/adapter.ts'
import { DBALClient } from '../core/client.ts'
import { DBALError } from '../core/errors.ts'
import type { JsonObject } from '../core/types.generated.ts'
import { provisionPostgres } from '../harness/provision/postgres.ts'
import { skipPostgres } from './servers.ts'
import { MemoryAdapter } from '../reference/memory.ts'
import { caseIds } from '../harness/run.ts'
import { FAST_SCRYPT, ID, T0, TS, userRow } from './helpers.ts'

type Run = <T>(label: string, p: () => Promise<T>) => Promise<T | undefined>
type Scenario = (c: DBALClient, run: Run, adapter: Adapter) => Promise<void>
interface Outcome {
  label: string
  ok?: unknown
  error?: unknown
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/**
 * Runs a scenario and records every outcome, ids replaced by their order of first appearance. Both
 * sides get the same id sequence (as the conformance runner gives them): rows created together by one
 * createMany share their createdAt, and their default order is then by id.
 */
async function record(adapter: Adapter, scenario: Scenario, name: string): Promise<Outcome[]> {
  let tick = 0
  const client = new DBALClient({
    adapter,
    clock: () => T0 + tick++ * 1000,
    scrypt: FAST_SCRYPT,
    ids: caseIds(name),
  })
  const ids = new Map<string, string>()
  const norm = (v: unknown): unknown => {
    if (typeof v === 'string' && UUID.test(v)) {
      if (!ids.has(v)) ids.set(v, `<id ${ids.size}>`)
      return ids.get(v)
    }
    if (Array.isArray(v)) return v.map(norm)
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)]))
    return v
  }
  const out: Outcome[] = []
  const run: Run = async (label, p) => {
    try {
      const v = await p()
      out.push({ label, ok: norm(v) })
      return v
    } catch (e) {
      if (!(e instanceof DBALError)) throw e
      out.push({ label, error: norm({ code: e.code, details: e.details ?? null }) })
      return undefined
    }
  }
  await scenario(client, run, adapter)
  return out
}

const SCENARIOS: Record<string, Scenario> = {
  'text operators fold case by code point and take % and _ literally': async (c, run) => {
    const u = await c.users.create({ username: 'owner', email: 'owner@example.com' })
    const names = [
      'ÉLODIE',
      'élodie',
      'ΌΣΟΣ',
      'όσος',
      'İstanbul',
      'istanbul',
      '100%',
      '100x',
      'a_b',
      'axb',
      'Straße',
      'STRASSE',
      'Zebra',
      'apple',
      '😀smile',
      'ǅemal',
    ]
    for (const name of names)
      await run(`create ${name}`, () =>
        c.workflows.create({
          name,
          trigger: 'manual',
          triggerConfig: {},
          steps: {},
          createdBy: u.id,
          description: name.length % 2 ? null : name,
        }),
      )
    const ops = ['$contains', '$startsWith', '$endsWith'] as const
    const needles = [
      'élo',
      'ÉLO',
      'ΣΟΣ',
      'όσοσ',
      'ός',
      'i',
      'İ',
      'İs',
      '%',
      '_',
      '0%',
      'ß',
      'ss',
      '',
      '😀',
      'Ǆ',
      'ǆ',
      'x',
    ]
    for (const op of ops)
      for (const n of needles)
        await run(`${op} ${n}`, async () =>
          (
            await c.workflows.list({ filter: { name: { [op]: n } }, sort: { name: 'asc' }, limit: 100 })
          ).data.map((w) => w.name),
        )
    await run('not contains includes nulls', async () =>
      (
        await c.workflows.list({
          filter: { $not: { description: { $contains: 'e' } } },
          sort: { name: 'asc' },
          limit: 100,
        })
      ).data.map((w) => w.name),
    )
    await run('eq is exact', () => c.workflows.count({ name: 'élodie' }))
    await run('in is exact', () => c.workflows.count({ name: { $in: ['ÉLODIE', 'elodie', 'ΌΣΟΣ'] } }))
    await run('code point order', async () =>
      (await c.workflows.list({ sort: { name: 'desc' }, limit: 100 })).data.map((w) => w.name),
    )
    await run('gt by code point', async () =>
      (await c.workflows.list({ filter: { name: { $gt: 'Z', $lte: 'é' } }, sort: { name: 'asc' } })).data.map(
        (w) => w.name,
      ),
    )
    await run('search', async () => (await c.users.search('OWN')).map((x) => x.username))
  },

  'null semantics of $ne, $nin, $not, $exists and sorting with nulls': async (c, run) => {
    const u = await c.users.create({ username: 'nuller', email: 'n@example.com' })
    for (const [i, d] of ['b', null, 'a', null, 'c', 'B'].entries())
      await run(`create ${i}`, () =>
        c.luaScripts.create({ name: `s${i}`, description: d, code: 'return 1', createdBy: u.id }),
      )
    const q = (label: string, filter: Record<string, unknown>) =>
      run(label, async () =>
        (await c.luaScripts.list({ filter, sort: { name: 'asc' } })).data.map((s) => s.name),
      )
    await q('eq null', { description: null })
    await q('ne null', { description: { $ne: null } })
    await q('ne value', { description: { $ne: 'a' } })
    await q('nin', { description: { $nin: ['a', 'b'] } })
    await q('nin with null', { description: { $nin: ['a', null] } })
    await q('in with null', { description: { $in: ['c', null] } })
    await q('in empty', { description: { $in: [] } })
    await q('nin empty', { description: { $nin: [] } })
    await q('exists', { description: { $exists: true } })
    await q('not exists', { description: { $exists: false } })
    await q('gt', { description: { $gt: 'a' } })
    await q('not gt', { $not: { description: { $gt: 'a' } } })
    await q('or', { $or: [{ description: 'a' }, { description: { $gte: 'c' } }] })
    await q('not and', { $not: { $and: [{ description: { $ne: 'a' } }, { name: { $ne: 's0' } }] } })
    await q('not not', { $not: { $not: { description: { $lt: 'c' } } } })
    for (const dir of ['asc', 'desc'] as const)
      await run(`sort ${dir}`, async () =>
        (await c.luaScripts.list({ sort: { description: dir, name: 'asc' } })).data.map((s) => [
          s.description,
          s.name,
        ]),
      )
    await run(
      'sort booleans',
      async () => (await c.luaScripts.list({ sort: { isSandboxed: 'desc', timeoutMs: 'asc' } })).data.length,
    )
  },

  'JSON dot paths compare same-type scalars only': async (c, run) => {
    const manifests: JsonObject[] = [
      { entry: 'index.js', n: 1, flag: true, nested: { deep: 'x' }, nul: null, arr: [1] },
      { entry: 'main.js', n: 1.5, flag: false, nested: { deep: 'y' } },
      { entry: 'ÉLODIE.JS', n: '1', flag: 1 },
      { entry: null, n: 10, nested: 'flat' },
      {},
      { n: -3, entry: 'a%b_c.js', nested: { deep: { deeper: true } } },
    ]
    for (const [i, manifest] of manifests.entries())
      await run(`create ${i}`, () =>
        c.packages.create({ name: `p${i}`, version: '1.0.0', author: 'me', manifest }),
      )
    const filters: Record<string, unknown>[] = [
      { 'manifest.entry': 'index.js' },
      { 'manifest.entry': { $ne: 'index.js' } },
      { 'manifest.entry': null },
      { 'manifest.entry': { $exists: true } },
      { 'manifest.entry': { $exists: false } },
      { 'manifest.n': 1 },
      { 'manifest.n': '1' },
      { 'manifest.n': { $gt: 1 } },
      { 'manifest.n': { $lte: 1.5 } },
      { 'manifest.n': { $in: [1, '1', null] } },
      { 'manifest.n': { $nin: [1, 10] } },
      { 'manifest.flag': true },
      { 'manifest.flag': false },
      { 'manifest.flag': 1 },
      { 'manifest.flag': { $ne: true } },
      { 'manifest.nested.deep': 'x' },
      { 'manifest.nested.deep': { $exists: false } },
      { 'manifest.nested.deep.deeper': true },
      { 'manifest.nested': null },
      { 'manifest.arr': { $exists: true } },
      { 'manifest.arr': null },
      { 'manifest.nul': null },
      { 'manifest.nul': { $exists: true } },
      { 'manifest.entry': { $contains: 'élo' } },
      { 'manifest.entry': { $startsWith: 'MA' } },
      { 'manifest.entry': { $endsWith: '.JS' } },
      { 'manifest.entry': { $contains: '%b_' } },
      { 'manifest.entry': { $gt: 'index.js' } },
      { 'manifest.n': { $gt: 'a' } },
      { $not: { 'manifest.n': { $gt: 1 } } },
      { 'manifest.missing.key': null },
      { manifest: null },
    ]
    for (const filter of filters)
      await run(JSON.stringify(filter), async () =>
        (await c.packages.list({ filter, sort: { name: 'asc' } })).data.map((p) => p.name),
      )
    await run('round trip', async () =>
      (await c.packages.list({ sort: { name: 'asc' } })).data.map((p) => p.manifest),
    )
  },

  'sorts, pages, integers, booleans and datetimes': async (c, run) => {
    for (let i = 0; i < 25; i++)
      await run(`page ${i}`, () =>
        c.pages.create({
          slug: `p-${String(i).padStart(2, '0')}`,
          title: `T${i % 4}`,
          level: (i % 5) + 1,
          layout: { i },
          isActive: i % 3 !== 0,
        }),
      )
    for (const page of [1, 2, 3, 4])
      await run(`page ${page}`, async () => {
        const r = await c.pages.list({ sort: { level: 'desc', title: 'asc', slug: 'desc' }, page, limit: 10 })
        return { ...r, data: r.data.map((p) => p.slug) }
      })
    const slugs =
      (filter: Record<string, unknown>, sort: Record<string, 'asc' | 'desc'> = { slug: 'asc' }) =>
      async () =>
        (await c.pages.list({ filter, sort, limit: 100 })).data.map((p) => p.slug)
    await run('int ranges', slugs({ level: { $gte: 2, $lt: 4 } }))
    await run('int beyond int4', slugs({ level: { $lt: 10_000_000_000 } }))
    await run('int in', slugs({ level: { $in: [1, 5] }, isActive: true }))
    await run('boolean ne', slugs({ isActive: { $ne: true } }, { isActive: 'asc', slug: 'desc' }))
    await run(
      'datetime',
      slugs({
        createdAt: { $gt: new Date(T0 + 10_000).toISOString(), $lte: new Date(T0 + 20_000).toISOString() },
      }),
    )
    await run('datetime as epoch', slugs({ createdAt: { $lt: T0 + 5_000 } }))
    await run('default order', async () =>
      (await c.pages.list({ limit: 5, page: 3 })).data.map((p) => p.slug),
    )
    await run('past the end', () => c.pages.list({ page: 9, limit: 10 }))
    await run('listByLevel', async () => (await c.pages.listByLevel(3)).map((p) => p.slug))
    await run('readBySlug', () => c.pages.readBySlug('p-07'))
  },

  'bulk writes are atomic and count what they match': async (c, run) => {
    const u = await c.users.create({ username: 'bulk', email: 'bulk@example.com' })
    const item = (name: string, trigger: 'manual' | 'event' = 'manual') => ({
      name,
      trigger,
      triggerConfig: {},
      steps: {},
      createdBy: u.id,
    })
    await run('createMany', () =>
      c.workflows.createMany([item('a'), item('b', 'event'), item('c'), item('d', 'event')]),
    )
    await run('createMany duplicate inside', () => c.workflows.createMany([item('e'), item('f'), item('e')]))
    await run('createMany duplicate existing', () => c.workflows.createMany([item('g'), item('a')]))
    await run('createMany dangling', () =>
      c.workflows.createMany([
        item('h'),
        { ...item('i'), createdBy: '00000000-0000-4000-8000-000000000000' },
      ]),
    )
    await run('count after', () => c.workflows.count())
    await run('updateMany', () =>
      c.workflows.updateMany({ trigger: 'event' }, { isActive: false, description: 'ev' }),
    )
    await run('updateMany conflict', () => c.workflows.updateMany({ trigger: 'manual' }, { name: 'same' }))
    await run('updateMany dangling', () =>
      c.workflows.updateMany({ trigger: 'manual' }, { createdBy: '00000000-0000-4000-8000-000000000001' }),
    )
    await run('unchanged', async () =>
      (await c.workflows.list({ sort: { name: 'asc' } })).data.map((w) => [
        w.name,
        w.isActive,
        w.description,
      ]),
    )
    await run('deleteMany', () => c.workflows.deleteMany({ isActive: false }))
    await run('deleteMany none', () => c.workflows.deleteMany({ name: 'nope' }))
    await run('deleteMany empty filter', () => c.workflows.deleteMany({}))
    await run('left', async () => (await c.workflows.list()).data.map((w) => w.name))
  },

  'cascades and restricting references': async (c, run) => {
    const u = await c.users.create({ username: 'casc', email: 'casc@example.com' })
    const v = await c.users.create({ username: 'other', email: 'other@example.com' })
    await run('session', () =>
      c.sessions.create({ userId: u.id, token: 'tok-0123456789abcdef', expiresAt: T0 + 3_600_000 }),
    )
    await run('credential', () => c.credentials.set({ username: 'casc', password: 'pw' }))
    const w = await run('workflow', () =>
      c.workflows.create({ name: 'w', trigger: 'manual', triggerConfig: {}, steps: {}, createdBy: u.id }),
    )
    await run('script', () => c.luaScripts.create({ name: 's', code: 'return 1', createdBy: u.id }))
    await run('delete referenced user', () => c.users.delete(u.id))
    await run('deleteMany referenced', () => c.users.deleteMany({ username: { $in: ['casc', 'other'] } }))
    await run('users left', () => c.users.count())
    await run('rename cascades to credential', () => c.users.update(u.id, { username: 'renamed' }))
    await run('credential follows', () => c.credentials.getFirstLogin({ username: 'renamed' }))
    await run('verify', () => c.credentials.verify({ username: 'renamed', password: 'pw' }))
    await run('delete workflow', () => c.workflows.delete(w!.id))
    await run('still blocked by script', () => c.users.delete(u.id))
    await run('delete scripts', () => c.luaScripts.deleteMany({ createdBy: u.id }))
    await run('delete user', () => c.users.delete(u.id))
    await run('sessions gone', () => c.sessions.count())
    await run('credentials gone', () => c.credentials.getFirstLogin({ username: 'renamed' }))
    await run('other stays', () => c.users.read(v.id))
    const page = await c.pages.create({ slug: 'tree', title: 'Tree', level: 1, layout: {} })
    const root = await c.components.create({ pageId: page.id, componentType: 'Root' })
    const mid = await c.components.create({
      pageId: page.id,
      parentId: root.id,
      componentType: 'Mid',
      order: 1,
    })
    await run('leaf', () =>
      c.components.create({ pageId: page.id, parentId: mid.id, componentType: 'Leaf', order: 2 }),
    )
    await run('tree', () => c.components.getTree(page.id))
    await run('delete mid', () => c.components.delete(mid.id))
    await run('tree after', () => c.components.getTree(page.id))
    await run('delete page', () => c.pages.delete(page.id))
    await run('components gone', () => c.components.count())
  },

  'conflicts and dangling references name their fields': async (c, run) => {
    const u = await c.users.create({ username: 'taken', email: 'taken@example.com' })
    await run('username', () => c.users.create({ username: 'taken', email: 'x@example.com' }))
    await run('email', () => c.users.create({ username: 'fresh', email: 'taken@example.com' }))
    await run('both', () => c.users.create({ username: 'taken', email: 'taken@example.com' }))
    await run('case differs', () => c.users.create({ username: 'Taken', email: 'TAKEN@example.com' }))
    await run('update into conflict', () => c.users.update(u.id, { email: 'TAKEN@example.com' }))
    await run('pkg', () => c.packages.create({ name: 'p', version: '1.0.0', author: 'a', manifest: {} }))
    await run('pkg other version', () =>
      c.packages.create({ name: 'p', version: '1.0.1', author: 'a', manifest: {} }),
    )
    await run('pkg pair', () => c.packages.create({ name: 'p', version: '1.0.0', author: 'b', manifest: {} }))
    await run('pkg installedBy', () =>
      c.packages.create({
        name: 'q',
        version: '1.0.0',
        author: 'a',
        manifest: {},
        installedBy: '00000000-0000-4000-8000-000000000000',
      }),
    )
    const missing = '00000000-0000-4000-8000-00000000beef'
    await run('component both missing', () => c.components.create({ pageId: missing, componentType: 'X' }))
    await run('session missing user', () =>
      c.sessions.create({ userId: missing, token: 'tok-fedcba9876543210', expiresAt: T0 + 60_000 }),
    )
    const w = await c.workflows.create({
      name: 'wf',
      trigger: 'manual',
      triggerConfig: {},
      steps: {},
      createdBy: u.id,
    })
    await run('update dangling', () => c.workflows.update(w.id, { createdBy: missing }))
    await run('update missing row', () => c.workflows.update(missing, { description: 'x' }))
    await run('delete missing row', () => c.workflows.delete(missing))
    await run('read malformed', () => c.workflows.read('not-a-uuid'))
    await run('read upper case', () => c.workflows.read(w.id.toUpperCase()))
  },

  'sessions expire, credentials lock out, components reorder': async (c, run) => {
    const u = await c.users.create({ username: 'sess', email: 'sess@example.com' })
    for (const [i, ttl] of [5_000, 50_000, 500_000].entries())
      await run(`session ${i}`, () =>
        c.sessions.create({ userId: u.id, token: `token-${i}-0123456789`, expiresAt: T0 + ttl }),
      )
    for (let i = 0; i < 8; i++) await run(`tick ${i}`, () => c.sessions.count())
    await run('purge', () => c.sessions.purgeExpired())
    await run('resolve', () => c.sessions.resolve('token-2-0123456789'))
    await run('set', () => c.credentials.set({ username: 'sess', password: 'right' }))
    for (let i = 0; i < 7; i++)
      await run(`wrong ${i}`, () =>
        c.credentials.verify({ username: i % 4 === 3 ? 'ghost' : 'sess', password: 'wrong' }),
      )
    await run('locked', () => c.credentials.verify({ username: 'sess', password: 'right' }))
    const page = await c.pages.create({ slug: 'order', title: 'Order', level: 1, layout: {} })
    const a = await c.components.create({ pageId: page.id, componentType: 'A', order: 0 })
    const b = await c.components.create({ pageId: page.id, componentType: 'B', order: 1 })
    await run('reorder', () =>
      c.components.reorder([
        { id: a.id, order: 5 },
        { id: b.id, order: 2 },
      ]),
    )
    await run('reorder missing', () =>
      c.components.reorder([
        { id: a.id, order: 0 },
        { id: '00000000-0000-4000-8000-000000000000', order: 1 },
      ]),
    )
    await run('move under', () => c.components.move(b.id, a.id, 3))
    await run('move cycle', () => c.components.move(a.id, b.id))
    await run('tree', () => c.components.getTree(page.id))
  },
}

/** The same transaction moves on the seam itself, with fixed ids (savepoints, caught errors, rollback). */
const user = userRow
const names = async (a: Adapter) =>
  (
    await a.list('User', {
      filter: { kind: 'all' },
      sort: [{ field: 'id', dir: 'asc' }],
      offset: 0,
      limit: 100,
    })
  ).data.map((r) => r.username)

const SEAM: Scenario = async (_c, run, a) => {
  await run('outer rolls back', () =>
    a.transaction(async (tx) => {
      await tx.create('User', user(1, 'one'))
      throw new DBALError('CONFLICT', { entity: 'User' })
    }),
  )
  await run('inner savepoint', () =>
    a.transaction(async (tx) => {
      await tx.create('User', user(2, 'two'))
      await tx
        .transaction(async (inner) => {
          await inner.create('User', user(3, 'three'))
          await inner.create('User', user(4, 'two'))
        })
        .catch((e: unknown) => (e instanceof DBALError ? e.code : 'other'))
      const err = await tx
        .create('User', user(5, 'two'))
        .catch((e: unknown) => (e instanceof DBALError ? [e.code, e.details] : 'other'))
      await tx.create('User', user(6, 'six'))
      return [err, await names(tx)]
    }),
  )
  await run('after', () => names(a))
  await run('ties break by id', async () => {
    await a.createMany('User', [user(9, 'nine'), user(7, 'seven'), user(8, 'eight')])
    return (
      await a.list('User', {
        filter: { kind: 'all' },
        sort: [
          { field: 'createdAt', dir: 'desc' },
          { field: 'id', dir: 'asc' },
        ],
        offset: 1,
        limit: 3,
      })
    ).data.map((r) => r.username)
  })
  await run('update absent', () => a.update('User', ID(99), { username: 'x' }))
  await run('delete absent', () => a.delete('User', ID(99)))
}

interface Opened {
  adapter: SqlAdapter
  close(): Promise<void>
}

const BACKENDS: Record<string, () => Promise<Opened>> = {
  sqlite: async () => {
    const adapter = sqliteAdapter()
    return { adapter, close: () => adapter.close() }
  },
  pglite: async () => {
    const adapter = await pgliteAdapter()
    return { adapter, close: () => adapter.close() }
  },
  postgres: async () => {
    const db = await provisionPostgres(`t${process.pid}`, 'diff')
    if ('notRun' in db) throw new Error(db.notRun)
    const adapter = postgresAdapter({ url: db.url })
    return { adapter, close: async () => (await adapter.close(), await db.drop()) }
  },
}

for (const [backend, open] of Object.entries(BACKENDS)) {
  describe(
    `differential: ${backend} against the reference`,
    { skip: backend === 'postgres' && skipPostgres },
    () => {
      let b: Opened
      before(async () => {
        b = await open()
        await b.adapter.migrate()
      })
      after(() => b?.close())
      for (const [title, scenario] of [
        ...Object.entries(SCENARIOS),
        ['transactions on the seam', SEAM] as const,
      ]) {
        it(title, async () => {
          await b.adapter.reset()
          const expected = await record(new MemoryAdapter(), scenario, title)
          const actual = await record(b.adapter, scenario, title)
          assert.ok(expected.length > 3, 'the scenario ran')
          for (const [i, exp] of expected.entries())
            assert.deepStrictEqual(actual[i], exp, `step ${i}: ${exp.label}`)
          assert.equal(actual.length, expected.length)
        })
      }
    },
  )
}
