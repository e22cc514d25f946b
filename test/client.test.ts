/** CONTRACT §1, §4, §5: the operations through DBALClient on the reference adapter, with a fixed clock. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { TreeNode } from '../core/client.ts'
import {
  failsOn,
  iso,
  newComponent,
  newPage,
  newUser,
  newWorkflow,
  rejects,
  T0,
  testClient,
} from './helpers.ts'

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const MISSING = '00000000-0000-4000-8000-000000000000'

describe('create, read, update, delete', () => {
  it('create fills id, defaults, nulls and timestamps', async () => {
    const { client } = testClient()
    const u = await client.users.create({ username: 'alice', email: 'alice@example.com' })
    assert.match(u.id, UUID_V4)
    assert.deepEqual(u, {
      id: u.id,
      username: 'alice',
      email: 'alice@example.com',
      role: 'user',
      createdAt: iso(T0),
      updatedAt: iso(T0),
    })
    const s = await client.luaScripts.create({ name: 's', code: 'return 1', createdBy: u.id })
    assert.deepEqual([s.description, s.isSandboxed, s.timeoutMs, s.allowedGlobals], [null, true, 5000, []])
    const p = await newPage(client)
    const c = await client.components.create({ pageId: p.id, componentType: 'Box' })
    assert.deepEqual([p.isActive, c.order, c.props, c.parentId], [true, 0, {}, null])
    const pkg = await client.packages.create({ name: 'p', version: '1.0.0', author: 'a', manifest: {} })
    assert.deepEqual([pkg.isInstalled, pkg.installedAt, pkg.installedBy], [false, null, null])
  })
  it('rows are copies: changing a result changes nothing stored', async () => {
    const { client } = testClient()
    const p = await client.pages.create({ slug: 'x', title: 'X', level: 1, layout: { a: [1] } })
    ;(p.layout.a as number[]).push(2)
    assert.deepEqual((await client.pages.read(p.id)).layout, { a: [1] })
  })
  it('update sets updatedAt and keeps createdAt; a session its lastActivity', async () => {
    const { client, clock } = testClient()
    const u = await newUser(client)
    clock.advance(1500)
    const v = await client.users.update(u.id, { role: 'admin' })
    assert.deepEqual([v.role, v.createdAt, v.updatedAt], ['admin', iso(T0), iso(T0 + 1500)])
    const s = await client.sessions.create({ userId: u.id, token: 't'.repeat(32), expiresAt: T0 + 3_600_000 })
    assert.equal(s.lastActivity, iso(T0 + 1500))
    clock.advance(1000)
    assert.equal(
      (await client.sessions.update(s.id, { expiresAt: T0 + 7_200_000 })).lastActivity,
      iso(T0 + 2500),
    )
  })
  it('a malformed or unknown id is NOT_FOUND for read, update and delete; case does not matter', async () => {
    const { client } = testClient()
    const u = await newUser(client)
    for (const id of ['nope', '', `${u.id}x`, "' OR 1=1 --", MISSING]) {
      await rejects(client.users.read(id), 'NOT_FOUND')
      await rejects(client.users.update(id, { role: 'admin' }), 'NOT_FOUND')
      await rejects(client.users.delete(id), 'NOT_FOUND')
    }
    // By operation name (CONTRACT §9), an id that is no string is NOT_FOUND too; the typed methods
    // refuse it as a call of the wrong shape (test/client-args.test.ts).
    for (const operation of ['read', 'update', 'delete'])
      await rejects(client.execute('User', operation, { id: 42 }), 'NOT_FOUND')
    assert.equal((await client.users.read(u.id.toUpperCase())).id, u.id)
  })
  it('delete answers true, then the row is NOT_FOUND', async () => {
    const { client } = testClient()
    const u = await newUser(client)
    assert.equal(await client.users.delete(u.id), true)
    await rejects(client.users.read(u.id), 'NOT_FOUND')
    await rejects(client.users.delete(u.id), 'NOT_FOUND')
  })
  it('uniques are CONFLICT, case-sensitive; Package is unique on (name, version)', async () => {
    const { client } = testClient()
    await newUser(client, 'alice')
    await rejects(client.users.create({ username: 'alice', email: 'other@example.com' }), 'CONFLICT')
    await rejects(client.users.create({ username: 'bob', email: 'alice@example.com' }), 'CONFLICT')
    await newUser(client, 'Alice')
    const pkg = { name: 'p', author: 'a', manifest: {} }
    await client.packages.create({ ...pkg, version: '1.0.0' })
    await client.packages.create({ ...pkg, version: '1.0.1' })
    await rejects(client.packages.create({ ...pkg, version: '1.0.0' }), 'CONFLICT')
  })
  it('a dangling reference is VALIDATION_ERROR naming the field', async () => {
    const { client } = testClient()
    await failsOn(
      () => client.sessions.create({ userId: MISSING, token: 't'.repeat(16), expiresAt: T0 + 1000 }),
      'userId',
    )
    await failsOn(() => newWorkflow(client, MISSING), 'createdBy')
  })
})

describe('list, count, bulk', () => {
  const five = async () => {
    const { client, clock } = testClient()
    for (const n of ['e', 'c', 'a', 'd', 'b']) {
      await newUser(client, `user_${n}`)
      clock.advance(10)
    }
    return client
  }
  it('pages in default order (createdAt, id) with total and hasMore', async () => {
    const client = await five()
    const p1 = await client.users.list({ limit: 2 })
    assert.deepEqual(
      [p1.data.map((u) => u.username), p1.total, p1.page, p1.limit, p1.hasMore],
      [['user_e', 'user_c'], 5, 1, 2, true],
    )
    const p3 = await client.users.list({ limit: 2, page: 3 })
    assert.deepEqual([p3.data.map((u) => u.username), p3.hasMore], [['user_b'], false])
    assert.deepEqual((await client.users.list({ limit: 2, page: 4 })).data, [])
    assert.equal((await client.users.list()).limit, 20)
    await failsOn(() => client.users.list({ limit: 101 }), 'limit')
    assert.equal((await client.sessions.list({ limit: 200 })).limit, 200)
  })
  it('sorts by the given keys, nulls first ascending and last descending', async () => {
    const { client } = testClient()
    for (const [slug, description] of [
      ['a', 'm'],
      ['b', null],
      ['c', 'b'],
    ] as const)
      await client.pages.create({ slug, title: 't', level: 1, layout: {}, description })
    const order = async (dir: 'asc' | 'desc') =>
      (await client.pages.list({ sort: { description: dir } })).data.map((p) => p.slug)
    assert.deepEqual(await order('asc'), ['b', 'c', 'a'])
    assert.deepEqual(await order('desc'), ['a', 'c', 'b'])
  })
  it('count takes a filter', async () => {
    const client = await five()
    assert.equal(await client.users.count(), 5)
    assert.equal(await client.users.count({ username: { $in: ['user_a', 'user_b', 'nobody'] } }), 2)
  })
  it('createMany is atomic: one bad unique and nothing is inserted', async () => {
    const client = await five()
    const item = (n: string) => ({ username: n, email: `${n}@example.com` })
    await rejects(client.users.createMany([item('new_1'), item('user_a')]), 'CONFLICT')
    await rejects(client.users.createMany([item('new_2'), item('new_2')]), 'CONFLICT')
    assert.equal(await client.users.count(), 5)
    assert.equal(await client.users.createMany([item('new_3'), item('new_4')]), 2)
    assert.equal(await client.users.createMany([]), 0)
  })
  it('updateMany and deleteMany answer counts and refuse an empty filter', async () => {
    const client = await five()
    assert.equal(
      await client.users.updateMany({ username: { $in: ['user_a', 'user_b'] } }, { role: 'admin' }),
      2,
    )
    assert.equal(await client.users.count({ role: 'admin' }), 2)
    for (const filter of [{}, { $and: [{}] }, { $or: [{}, { role: 'admin' }] }]) {
      await failsOn(() => client.users.updateMany(filter, { role: 'god' }), 'filter')
      await failsOn(() => client.users.deleteMany(filter), 'filter')
    }
    assert.equal(await client.users.count({ role: 'god' }), 0)
    assert.equal(await client.users.deleteMany({ role: 'admin' }), 2)
    assert.equal(await client.users.count(), 3)
  })
})

describe('relations', () => {
  it('deleting a user deletes its credential and sessions', async () => {
    const { client } = testClient()
    const u = await newUser(client, 'alice')
    await client.credentials.set({ username: 'alice', password: 'pw' })
    await client.sessions.create({ userId: u.id, token: 'a'.repeat(16), expiresAt: T0 + 1000 })
    await client.users.delete(u.id)
    assert.equal(await client.credentials.count(), 0)
    assert.equal(await client.sessions.count(), 0)
  })
  it('a user referenced by a workflow cannot be deleted: CONFLICT, and nothing changes', async () => {
    const { client } = testClient()
    const u = await newUser(client, 'alice')
    await client.credentials.set({ username: 'alice', password: 'pw' })
    await newWorkflow(client, u.id)
    await rejects(client.users.delete(u.id), 'CONFLICT')
    await rejects(client.users.deleteMany({ id: u.id }), 'CONFLICT')
    assert.equal((await client.users.read(u.id)).id, u.id)
    assert.equal(await client.credentials.count(), 1)
  })
  it('renaming a user carries its credential along', async () => {
    const { client } = testClient()
    const u = await newUser(client, 'alice')
    await client.credentials.set({ username: 'alice', password: 'pw' })
    await client.users.update(u.id, { username: 'alicia' })
    assert.equal(await client.credentials.verify({ username: 'alicia', password: 'pw' }), true)
  })
})

describe('sessions', () => {
  const withSessions = async () => {
    const { client, clock } = testClient()
    const u = await newUser(client)
    const live = await client.sessions.create({
      userId: u.id,
      token: 'live'.repeat(4),
      expiresAt: T0 + 3_600_000,
    })
    const old = await client.sessions.create({
      userId: u.id,
      token: 'old-'.repeat(4),
      expiresAt: T0 + 60_000,
    })
    clock.advance(60_000)
    return { client, clock, u, live, old }
  }
  it('an expired session is invisible: read, update, delete, list and count', async () => {
    const { client, live, old } = await withSessions()
    await rejects(client.sessions.read(old.id), 'NOT_FOUND')
    await rejects(client.sessions.update(old.id, { expiresAt: T0 + 9e6 }), 'NOT_FOUND')
    await rejects(client.sessions.delete(old.id), 'NOT_FOUND')
    assert.deepEqual(
      (await client.sessions.list()).data.map((s) => s.id),
      [live.id],
    )
    assert.equal(await client.sessions.count(), 1)
    assert.equal(await client.sessions.count({ token: 'old-'.repeat(4) }), 0)
  })
  it('purgeExpired removes and counts the expired ones', async () => {
    const { client, clock } = await withSessions()
    assert.equal(await client.sessions.purgeExpired(), 1)
    assert.equal(await client.sessions.purgeExpired(), 0)
    clock.advance(3_600_000)
    assert.equal(await client.sessions.purgeExpired(), 1)
  })
  it('resolve gives the user of a live token, UNAUTHORIZED otherwise', async () => {
    const { client, u } = await withSessions()
    assert.deepEqual(await client.sessions.resolve('live'.repeat(4)), u)
    await rejects(client.sessions.resolve('old-'.repeat(4)), 'UNAUTHORIZED')
    await rejects(client.sessions.resolve('unknown-token-xyz'), 'UNAUTHORIZED')
  })
})

describe('pages', () => {
  it('readBySlug and listByLevel', async () => {
    const { client } = testClient()
    const a = await newPage(client, 2, 'docs/a')
    await newPage(client, 1, 'b')
    const c = await newPage(client, 2, 'c')
    assert.equal((await client.pages.readBySlug('docs/a')).id, a.id)
    await rejects(client.pages.readBySlug('missing'), 'NOT_FOUND')
    assert.deepEqual(
      (await client.pages.listByLevel(2)).map((p) => p.id),
      [a.id, c.id].sort(),
    )
    assert.deepEqual(await client.pages.listByLevel(5), [])
    await failsOn(() => client.pages.listByLevel(6), 'level')
  })

  it('listByLevel returns every row, beyond the batch one query reads (1,000), in creation order', async () => {
    const { client } = testClient()
    const items = Array.from({ length: 2_050 }, (_, i) => ({
      slug: `p${i}`,
      title: `P${i}`,
      level: 3,
      layout: {},
    }))
    assert.equal(await client.pages.createMany(items), 2_050)
    const got = await client.pages.listByLevel(3)
    assert.equal(got.length, 2_050)
    // One createMany shares one createdAt: the id breaks the tie, so the order is by id.
    const ids = got.map((p) => p.id)
    assert.deepEqual(ids, [...ids].sort())
    assert.equal(new Set(ids).size, 2_050)
  })
})

describe('users.search', () => {
  it('is case-insensitive under Unicode simple lowercase; % and _ are literal', async () => {
    const { client } = testClient()
    const mk = (username: string, email: string) => client.users.create({ username, email })
    await mk('elodie', 'ÉLODIE@example.com')
    await mk('odysseus', 'ΌΣΟΣ@example.gr')
    await mk('pct', 'fifty%off@example.com')
    await mk('under_score', 'u@example.com')
    await mk('underXscore', 'fiftyXoff@example.com')
    const found = async (q: string) => (await client.users.search(q)).map((u) => u.username).sort()
    assert.deepEqual(await found('élodie@'), ['elodie'])
    assert.deepEqual(await found('όσοσ'), ['odysseus'])
    assert.deepEqual(await found('ΌΣΟΣ'), ['odysseus'])
    assert.deepEqual(await found('%'), ['pct'])
    assert.deepEqual(await found('fifty%'), ['pct'])
    assert.deepEqual(await found('r_s'), ['under_score'])
    assert.deepEqual(await found('UNDER'), ['underXscore', 'under_score'])
    assert.equal((await client.users.search('example', { limit: 2 })).length, 2)
    await failsOn(() => client.users.search(''), 'query')
  })
})

describe('components', () => {
  const tree = async () => {
    const { client } = testClient()
    const page = await newPage(client)
    const r2 = await newComponent(client, page.id, null, 2)
    const r1 = await newComponent(client, page.id, null, 1)
    const r1b = await newComponent(client, page.id, null, 1)
    const c1 = await newComponent(client, page.id, r1.id, 5)
    const c0 = await newComponent(client, page.id, r1.id, 0)
    const g = await newComponent(client, page.id, c1.id, 0)
    return { client, page, r1, r1b, r2, c0, c1, g }
  }
  const shape = (nodes: TreeNode[]): unknown => nodes.map((n) => [n.id, shape(n.children)])
  it('getTree: roots and children by order, then id', async () => {
    const { client, page, r1, r1b, r2, c0, c1, g } = await tree()
    const [first, second] = [r1, r1b].sort((a, b) => (a.id < b.id ? -1 : 1))
    const t = await client.components.getTree(page.id)
    const expected = (id: string) =>
      id === r1.id
        ? [
            [c0.id, []],
            [c1.id, [[g.id, []]]],
          ]
        : []
    assert.deepEqual(shape(t), [
      [first!.id, expected(first!.id)],
      [second!.id, expected(second!.id)],
      [r2.id, []],
    ])
    assert.equal(t.find((n) => n.id === r1.id)!.componentType, 'Box')
    await rejects(client.components.getTree(MISSING), 'NOT_FOUND')
  })
  it('reorder is atomic: a missing id changes nothing', async () => {
    const { client, r1, r2 } = await tree()
    await rejects(
      client.components.reorder([
        { id: r1.id, order: 9 },
        { id: MISSING, order: 1 },
      ]),
      'NOT_FOUND',
    )
    assert.equal((await client.components.read(r1.id)).order, 1)
    await failsOn(
      () =>
        client.components.reorder([
          { id: r1.id, order: -1 },
          { id: r1.id, order: 2 },
        ]),
      'components[0].order',
      'components[1].id',
    )
    assert.equal(
      await client.components.reorder([
        { id: r1.id, order: 9 },
        { id: r2.id, order: 0 },
      ]),
      true,
    )
    assert.deepEqual(
      [(await client.components.read(r1.id)).order, (await client.components.read(r2.id)).order],
      [9, 0],
    )
  })
  it('move: under itself or a descendant is VALIDATION_ERROR; to root or a sibling is fine', async () => {
    const { client, r1, r2, c1, g } = await tree()
    await failsOn(() => client.components.move(r1.id, r1.id), 'newParentId')
    await failsOn(() => client.components.move(r1.id, g.id), 'newParentId')
    assert.equal((await client.components.read(r1.id)).parentId, null)
    const moved = await client.components.move(c1.id, r2.id, 3)
    assert.deepEqual([moved.parentId, moved.order], [r2.id, 3])
    assert.equal((await client.components.move(c1.id, null)).parentId, null)
  })
  it("move or create under another page's component is VALIDATION_ERROR", async () => {
    const { client, r1 } = await tree()
    const other = await newPage(client)
    const foreign = await newComponent(client, other.id)
    await failsOn(() => client.components.move(r1.id, foreign.id), 'newParentId')
    await failsOn(() => newComponent(client, other.id, r1.id), 'parentId')
    await failsOn(() => client.components.update(r1.id, { parentId: foreign.id }), 'parentId')
  })
  it('deleting a page deletes its components; deleting a parent its subtree', async () => {
    const { client, page, r1 } = await tree()
    await client.components.delete(r1.id)
    assert.equal(await client.components.count(), 2)
    await client.pages.delete(page.id)
    assert.equal(await client.components.count(), 0)
  })
})
