/**
 * The Sequelize adapter against the reference, operation by operation: each step runs on a DBALClient
 * over MemoryAdapter and on one over the Sequelize adapter (sqlite in memory, and the local PostgreSQL
 * and MariaDB servers), and the two answers (or errors, with their details) must be identical once
 * ids are replaced by labels. The two clients count time alike, so timestamps are equal too.
 * If a server is unreachable these tests fail: nothing is skipped.
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { Adapter } from '../core/adapter.ts'
import { DBALClient } from '../core/client.ts'
import { DBALError } from '../core/errors.ts'
import type { JsonObject } from '../core/types.generated.ts'
import { freshAdapter } from '../harness/backend.ts'
import { backendNamed } from '../harness/backends.ts'
import { MemoryAdapter } from '../reference/memory.ts'
import { FAST_SCRYPT, T0 } from './helpers.ts'
import { describeOn } from './servers.ts'

const sequelizeSqliteBackend = backendNamed('sequelize-sqlite')
const sequelizePostgresBackend = backendNamed('sequelize-postgres')
const sequelizeMariadbBackend = backendNamed('sequelize-mariadb')

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** One side: a client, and its ids labelled in order of appearance so that both sides compare. */
class Side {
  readonly client: DBALClient
  private readonly labels = new Map<string, string>()
  private readonly ids = new Map<string, string>()

  constructor(adapter: Adapter) {
    let tick = 0
    this.client = new DBALClient({ adapter, clock: () => T0 + 1000 * tick++, scrypt: FAST_SCRYPT })
  }

  label(v: unknown): unknown {
    if (typeof v === 'string' && UUID.test(v)) {
      if (!this.labels.has(v)) {
        const l = `#${this.labels.size}`
        this.labels.set(v, l)
        this.ids.set(l, v)
      }
      return this.labels.get(v)
    }
    if (Array.isArray(v)) return v.map((x) => this.label(x))
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.label(x)]))
    return v
  }

  /** This side's id for a label seen before. */
  id = (label: unknown): string =>
    this.ids.get(label as string) ?? assert.fail(`no id labelled ${String(label)}`)

  async outcome(op: Op): Promise<unknown> {
    try {
      return { ok: this.label(await op(this.client, this.id)) }
    } catch (e) {
      if (!(e instanceof DBALError)) throw e
      return { error: this.label({ code: e.code, details: e.details ?? null }) }
    }
  }
}

type Op = (c: DBALClient, id: (label: unknown) => string) => Promise<unknown>

class Twins {
  constructor(
    private readonly reference: Side,
    private readonly subject: Side,
  ) {}

  /** Runs `op` on both sides; asserts the same outcome and returns the reference's (labelled) result. */
  async same(what: string, op: Op): Promise<{ ok?: unknown; error?: unknown }> {
    const expected = (await this.reference.outcome(op)) as { ok?: unknown; error?: unknown }
    const actual = await this.subject.outcome(op)
    assert.deepStrictEqual(actual, expected, what)
    return expected
  }

  /** `same`, for a step that must succeed; returns its labelled result. */
  async ok<T = Record<string, unknown>>(what: string, op: Op): Promise<T> {
    const r = await this.same(what, op)
    assert.ok('ok' in r, `${what}: ${JSON.stringify(r.error)}`)
    return r.ok as T
  }

  /** `same`, for a step that must fail with `code`. */
  async fails(what: string, code: string, op: Op): Promise<void> {
    const r = await this.same(what, op)
    assert.equal((r.error as { code?: string } | undefined)?.code, code, what)
  }
}

type Filter = Record<string, unknown>
const names = (rows: { data: { name?: unknown; title?: unknown }[] }) =>
  rows.data.map((r) => r.name ?? r.title)

async function textAndOperators(t: Twins): Promise<void> {
  const owner = await t.ok('owner', (c) => c.users.create({ username: 'owner', email: 'owner@example.com' }))
  const titles = [
    'ÉLODIE',
    'élodie',
    'ΌΣΟΣ',
    'όσος',
    'İSTANBUL',
    'istanbul',
    '100% sure',
    '100 sure',
    'snake_case',
    'snakeXcase',
    'Zoo',
    'apple',
    'trailing ',
    'trailing',
    '😀 grin',
    '\uFF5Afull',
    'ǅ',
    'Ꭰ cherokee',
    'cost $1',
    'a$$b',
    "it's \\n",
  ]
  for (const [i, title] of titles.entries()) {
    const description = i % 3 === 0 ? null : title.toUpperCase()
    await t.ok(`create ${title}`, (c, id) =>
      c.luaScripts.create({
        name: title,
        description,
        code: `return ${i}`,
        timeoutMs: 100 + i * 50,
        isSandboxed: i % 2 === 0,
        createdBy: id(owner.id),
      }),
    )
  }
  const filters: Filter[] = [
    { name: 'élodie' },
    { name: 'trailing' },
    { name: { $in: ['ÉLODIE', 'elodie', 'trailing '] } },
    { name: { $nin: ['Zoo', 'apple'] } },
    { name: { $gt: 'Zoo' } },
    { name: { $gte: 'apple', $lt: '😀' } },
    { name: { $lte: 'ǅ' } },
    { name: { $lt: '\uFF5A' } },
    ...[
      'élo',
      'ÉLO',
      'elo',
      'ΣΟΣ',
      'όσοσ',
      'ος',
      'İ',
      'i̇',
      'is',
      '%',
      '0%',
      '_',
      'e_c',
      'ǆ',
      'ǅ',
      'ꭰ',
      '😀',
      '',
      ' ',
      '$1',
      '$$',
      "'s \\",
    ].flatMap((n) => [{ name: { $contains: n } }, { name: { $startsWith: n } }, { name: { $endsWith: n } }]),
    { description: null },
    { description: { $ne: null } },
    { description: { $ne: 'ZOO' } },
    { description: { $nin: ['ZOO', null] } },
    { description: { $in: ['APPLE', null] } },
    { description: { $exists: false } },
    { description: { $contains: 'É' } },
    { $not: { description: { $contains: 'o' } } },
    { $not: { description: { $gt: 'M' } } },
    { description: { $in: [] } },
    { description: { $nin: [] } },
    { timeoutMs: { $gt: 300, $lte: 700 } },
    { timeoutMs: { $in: [100, 950] } },
    { isSandboxed: false },
    { isSandboxed: { $ne: true } },
    { $or: [{ name: { $startsWith: 'snake' } }, { timeoutMs: { $lt: 200 } }] },
    { $and: [{ isSandboxed: true }, { $not: { name: { $contains: 'e' } } }] },
    { createdAt: { $gt: T0 + 5000, $lt: new Date(T0 + 12_000).toISOString() } },
  ]
  for (const filter of filters) {
    await t.ok(`list ${JSON.stringify(filter)}`, async (c) =>
      names(await c.luaScripts.list({ filter, sort: { name: 'asc' }, limit: 100 })),
    )
    await t.ok(`count ${JSON.stringify(filter)}`, (c) => c.luaScripts.count(filter))
  }
  await t.ok('search folds case', async (c) => (await c.users.search('OWNER')).length)
  // `$` and quotes in a bulk write's filter reach the database intact.
  await t.ok('updateMany by a term with $', (c) =>
    c.luaScripts.updateMany({ name: { $contains: '$1' } }, { description: "$2 'x'" }),
  )
  await t.ok('deleteMany by a term with $', (c) =>
    c.luaScripts.deleteMany({
      $or: [{ name: { $endsWith: '$$B' } }, { description: { $startsWith: '$2' } }],
    }),
  )
  await t.ok('left after the bulk writes', async (c) =>
    names(await c.luaScripts.list({ filter: { name: { $contains: '$' } } })),
  )
}

async function sortsAndPages(t: Twins): Promise<void> {
  const levels = [3, 1, 5, 1, 2, 3, 4, 5, 2, 1, 3, 4, 2]
  const titles = ['b', 'B', 'á', 'a', '😀', '\uFF5A', 'Z', 'z', 'ä', 'A', 'bb', 'é', 'E']
  for (const [i, level] of levels.entries())
    await t.ok(`page ${i}`, (c) =>
      c.pages.create({
        slug: `s-${i}`,
        title: titles[i]!,
        level,
        layout: { i },
        description: i % 4 ? `d${i % 3}` : null,
        isActive: i % 2 === 0,
      }),
    )
  const sorts: Record<string, 'asc' | 'desc'>[] = [
    { title: 'asc' },
    { title: 'desc' },
    { description: 'asc', title: 'asc' },
    { description: 'desc', slug: 'asc' },
    { level: 'desc', isActive: 'asc', slug: 'desc' },
    { isActive: 'desc', title: 'desc' },
    {},
  ]
  // Every sort ends on a unique key: ties would fall to the ids, which differ between the two sides.
  for (const sort of sorts)
    for (const page of [1, 2, 3, 4])
      await t.ok(`sort ${JSON.stringify(sort)} page ${page}`, async (c) => {
        const r = await c.pages.list({ sort, page, limit: 4 })
        return { ...r, data: r.data.map((p) => [p.slug, p.title, p.description]) }
      })
  await t.ok('limit past the end', (c) => c.pages.list({ page: 50, limit: 100 }))
  await t.fails('limit above the maximum', 'VALIDATION_ERROR', (c) => c.pages.list({ limit: 101 }))
}

async function jsonPaths(t: Twins): Promise<void> {
  const manifests: JsonObject[] = [
    { entry: 'Main.lua', n: 2, on: true, deep: { v: 'ÉLODIE' }, z: null },
    { entry: 'util.lua', n: 10, on: false, deep: { v: 'x_y%' } },
    { entry: 'MAIN.LUA', n: '2', on: 'true', deep: 'flat' },
    { n: -1.5, on: 1, deep: { v: { w: 1 } } },
    { entry: ['main.lua'], n: 1e300, big: 0.1 },
    {},
  ]
  for (const [i, manifest] of manifests.entries())
    await t.ok(`package ${i}`, (c) =>
      c.packages.create({ name: `pkg${i}`, version: '1.0.0', author: 'me', manifest }),
    )
  const filters: Filter[] = [
    { 'manifest.entry': 'Main.lua' },
    { 'manifest.entry': { $ne: 'Main.lua' } },
    { 'manifest.entry': { $contains: 'MAIN' } },
    { 'manifest.entry': { $endsWith: '.lua' } },
    { 'manifest.entry': { $gt: 'MAIN.LUA' } },
    { 'manifest.entry': { $exists: true } },
    { 'manifest.entry': null },
    { 'manifest.n': 2 },
    { 'manifest.n': '2' },
    { 'manifest.n': { $gte: 2 } },
    { 'manifest.n': { $lt: 2 } },
    { 'manifest.n': { $in: [10, '2', null] } },
    { 'manifest.n': { $nin: [2, -1.5] } },
    { 'manifest.on': true },
    { 'manifest.on': false },
    { 'manifest.on': 1 },
    { 'manifest.on': { $ne: true } },
    { 'manifest.deep.v': { $startsWith: 'élo' } },
    { 'manifest.deep.v': { $contains: '_y%' } },
    { 'manifest.deep.v': { $exists: true } },
    { 'manifest.deep.v.w': 1 },
    { 'manifest.z': null },
    { 'manifest.z': { $exists: true } },
    { 'manifest.big': 0.1 },
    { $not: { 'manifest.n': { $gt: 0 } } },
  ]
  for (const filter of filters)
    await t.ok(`json ${JSON.stringify(filter)}`, async (c) =>
      names(await c.packages.list({ filter, sort: { name: 'asc' } })),
    )
  await t.ok('round trip', async (c) =>
    (await c.packages.list({ sort: { name: 'asc' } })).data.map((p) => p.manifest),
  )
}

async function writesAndReferences(t: Twins): Promise<void> {
  const alice = await t.ok('Alice', (c) => c.users.create({ username: 'Alice', email: 'alice@example.com' }))
  await t.ok('alice is another user', (c) =>
    c.users.create({ username: 'alice', email: 'Alice@example.com' }),
  )
  await t.fails('Alice again', 'CONFLICT', (c) =>
    c.users.create({ username: 'Alice', email: 'third@example.com' }),
  )
  await t.fails('both keys taken', 'CONFLICT', (c) =>
    c.users.create({ username: 'alice', email: 'alice@example.com' }),
  )
  const wf = (name: string, createdBy: string) => ({
    name,
    trigger: 'event' as const,
    triggerConfig: {},
    steps: { n: name },
    createdBy,
  })
  await t.ok('createMany', (c, id) =>
    c.workflows.createMany([wf('w1', id(alice.id)), wf('w2', id(alice.id)), wf('w3', id(alice.id))]),
  )
  await t.fails('createMany duplicate in the batch', 'CONFLICT', (c, id) =>
    c.workflows.createMany([wf('w4', id(alice.id)), wf('w4', id(alice.id))]),
  )
  await t.fails('createMany dangling', 'VALIDATION_ERROR', (c) =>
    c.workflows.createMany([wf('w5', '00000000-0000-4000-8000-000000000001')]),
  )
  await t.ok('nothing of the failed batches', (c) => c.workflows.count())
  await t.ok('updateMany', (c) =>
    c.workflows.updateMany({ name: { $in: ['w1', 'w3'] } }, { isActive: false }),
  )
  await t.fails('updateMany into a conflict', 'CONFLICT', (c) =>
    c.workflows.updateMany({ isActive: false }, { name: 'same' }),
  )
  await t.fails('delete a referenced user', 'CONFLICT', (c, id) => c.users.delete(id(alice.id)))
  await t.ok('deleteMany', (c) => c.workflows.deleteMany({ isActive: { $ne: true } }))
  await t.ok('session', (c, id) =>
    c.sessions.create({ userId: id(alice.id), token: 'tok-000000000000000001', expiresAt: T0 + 3_600_000 }),
  )
  await t.ok('credential', (c) => c.credentials.set({ username: 'Alice', password: 'secret' }))
  await t.ok('rename cascades to the credential', (c, id) =>
    c.users.update(id(alice.id), { username: 'Alicia' }),
  )
  await t.ok('credential found by its new name', (c) => c.credentials.getFirstLogin({ username: 'Alicia' }))
  await t.ok('and by a folded substring', async (c) => (await c.users.search('ALICI')).map((u) => u.username))
  await t.ok('delete the last workflow', (c) => c.workflows.deleteMany({ name: 'w2' }))
  await t.ok('delete cascades', (c, id) => c.users.delete(id(alice.id)))
  await t.ok('sessions gone', (c) => c.sessions.count())
  const page = await t.ok('page', (c) =>
    c.pages.create({ slug: 'tree', title: 'Tree', level: 1, layout: {} }),
  )
  const root = await t.ok('root', (c, id) =>
    c.components.create({ pageId: id(page.id), componentType: 'Root' }),
  )
  await t.ok('child', (c, id) =>
    c.components.create({
      pageId: id(page.id),
      parentId: id(root.id),
      componentType: 'Child',
      props: { text: 'ΌΣΟΣ' },
    }),
  )
  await t.ok('tree', (c, id) => c.components.getTree(id(page.id)))
  await t.ok('deleteMany parent and child', (c) =>
    c.components.deleteMany({ componentType: { $in: ['Root', 'Child'] } }),
  )
  await t.ok('page stays', (c, id) => c.pages.read(id(page.id)))
}

async function valuesRoundTrip(t: Twins): Promise<void> {
  const user = await t.ok('installer', (c) =>
    c.users.create({ username: 'installer', email: 'installer@example.com' }),
  )
  const dates = [
    '0001-01-01T00:00:00.000Z',
    '0099-12-31T23:59:59.999Z',
    '0999-06-15T12:00:00.001Z',
    '1969-12-31T23:59:59.999Z',
    '2038-01-19T03:14:08.000Z',
    '9999-12-31T23:59:59.999Z',
    null,
  ]
  const manifest = {
    big: 1e308,
    tiny: 5e-324,
    neg: -0.000001,
    int: 9007199254740993,
    text: 'ü😀\n\t"\\\'',
    nested: { a: [null, {}, [], [1, [2]], true] },
    empty: '',
    spaces: ' x ',
  }
  for (const [i, installedAt] of dates.entries())
    await t.ok(`package ${installedAt}`, (c, id) =>
      c.packages.create({
        name: `v${i}`,
        version: `${i}.0.0`,
        author: ' spaced ',
        manifest: { ...manifest, i },
        installedAt,
        installedBy: id(user.id),
        description: i % 2 ? null : 'x'.repeat(10_000),
      }),
    )
  await t.ok('read back', async (c) =>
    (await c.packages.list({ sort: { installedAt: 'asc' } })).data.map((p) => [
      p.name,
      p.installedAt,
      p.manifest,
      p.description?.length ?? null,
    ]),
  )
  await t.ok('datetime range', async (c) =>
    names(
      await c.packages.list({
        filter: { installedAt: { $gt: '0099-12-31T23:59:59.998Z', $lt: '9999-12-31T23:59:59.999Z' } },
        sort: { name: 'asc' },
      }),
    ),
  )
  await t.ok('trailing spaces are part of a value', (c) => c.packages.count({ author: 'spaced' }))
  await t.ok(
    'upper-case id reads the row',
    async (c, id) => (await c.users.read(id(user.id).toUpperCase())).username,
  )
}

/** Trees deeper than InnoDB's cascade limit (15 levels) go away whole, as in the reference. */
async function deepTrees(t: Twins): Promise<void> {
  for (const slug of ['one', 'two']) {
    const page = await t.ok(`page ${slug}`, (c) =>
      c.pages.create({ slug, title: slug, level: 1, layout: {} }),
    )
    let parent: unknown = null
    for (let depth = 0; depth < 24; depth++) {
      const made: Record<string, unknown> = await t.ok(`${slug} depth ${depth}`, (c, id) =>
        c.components.create({
          pageId: id(page.id),
          parentId: parent === null ? null : id(parent),
          componentType: `${slug}${depth}`,
          order: depth,
        }),
      )
      parent = made.id
    }
  }
  await t.ok('delete a root', async (c) =>
    c.components.delete((await c.components.list({ filter: { componentType: 'one0' } })).data[0]!.id),
  )
  await t.ok('its tree is gone', (c) => c.components.count({ componentType: { $startsWith: 'one' } }))
  await t.ok('deleteMany from the middle', (c) =>
    c.components.deleteMany({ componentType: { $in: ['two3', 'two5'] } }),
  )
  await t.ok('what is left', async (c) =>
    (await c.components.list({ sort: { order: 'asc' }, limit: 100 })).data.map((x) => x.componentType),
  )
  await t.ok('delete the page', async (c) => c.pages.deleteMany({ slug: 'two' }))
  await t.ok('no components left', (c) => c.components.count())
}

/** Transactions on the seam itself: a failed write inside one is undone alone, nested ones are savepoints. */
async function transactions(t: Twins): Promise<void> {
  const row = (n: number, username: string) => ({
    id: `00000000-0000-4000-8000-00000000000${n}`,
    username,
    email: `${username}@example.com`,
    role: 'user',
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:00.000Z',
  })
  const all = async (a: Adapter) =>
    (
      await a.list('User', {
        filter: { kind: 'all' },
        sort: [{ field: 'username', dir: 'asc' }],
        offset: 0,
        limit: 10,
      })
    ).data.map((r) => r.username)
  await t.ok('savepoints', (c) =>
    c.adapter.transaction(async (tx) => {
      await tx.create('User', row(1, 'one'))
      const inner = await tx
        .transaction(async (sp) => {
          await sp.create('User', row(2, 'two'))
          await sp.transaction((sp2) => sp2.create('User', row(3, 'three')))
          return sp.create('User', row(4, 'one'))
        })
        .catch((e: unknown) => (e instanceof DBALError ? e.code : 'not a DBALError'))
      const again = await tx
        .create('User', row(5, 'one'))
        .catch((e: unknown) => (e instanceof DBALError ? e.details : 'not a DBALError'))
      await tx.create('User', row(6, 'six'))
      return { inner, again, users: await all(tx) }
    }),
  )
  await t.fails('a failed transaction leaves nothing', 'CONFLICT', (c) =>
    c.adapter.transaction(async (tx) => {
      await tx.create('User', row(7, 'seven'))
      await tx.create('User', row(8, 'six'))
    }),
  )
  await t.ok('after', (c) => all(c.adapter))
}

const SCENARIOS = {
  textAndOperators,
  sortsAndPages,
  jsonPaths,
  writesAndReferences,
  valuesRoundTrip,
  deepTrees,
  transactions,
}

describeOn(
  [sequelizeSqliteBackend, sequelizePostgresBackend, sequelizeMariadbBackend],
  ' against the reference',
  (p) => {
    for (const [title, scenario] of Object.entries(SCENARIOS))
      it(title, async () => {
        await scenario(new Twins(new Side(new MemoryAdapter()), new Side(await freshAdapter(p()))))
      })
    // SQLite has one connection: a write from outside must wait rather than join the open transaction.
    it('a write outside an open transaction is not part of it', async () => {
      const a = await freshAdapter(p())
      const user = (n: number) => ({
        id: `00000000-0000-4000-8000-0000000000${n}0`,
        username: `user${n}`,
        email: `u${n}@example.com`,
        role: 'user',
        createdAt: '2030-01-01T00:00:00.000Z',
        updatedAt: '2030-01-01T00:00:00.000Z',
      })
      let release = () => {}
      let begun = () => {}
      const gate = new Promise<void>((r) => (release = r))
      const started = new Promise<void>((r) => (begun = r))
      const inside = a.transaction(async (tx) => {
        await tx.create('User', user(1))
        begun()
        await gate
        throw new DBALError('CONFLICT')
      })
      await started
      const outside = a.create('User', user(2))
      await new Promise((r) => setTimeout(r, 100))
      release()
      await assert.rejects(inside, (e: unknown) => DBALError.is(e, 'CONFLICT'))
      await outside
      const left = await a.list('User', {
        filter: { kind: 'all' },
        sort: [{ field: 'id', dir: 'asc' }],
        offset: 0,
        limit: 10,
      })
      assert.deepEqual(
        left.data.map((r) => r.username),
        ['user2'],
      )
    })
  },
)
