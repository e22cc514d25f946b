/** CONTRACT §5: filters, sorts and pages parse to the normalized tree, and nothing else gets through. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  ALL,
  MAX_TEXT,
  MAX_VALUES,
  parseFilter,
  parsePage,
  parseSort,
  type Comparison,
} from '../core/query.ts'
import { entityOf } from '../core/schema.ts'
import { failsOn, testClient } from './helpers.ts'

const User = entityOf('User')
const Page = entityOf('PageView')
const Pkg = entityOf('Package')
const Lua = entityOf('LuaScript')
const Session = entityOf('Session')
const Credential = entityOf('Credential')
const ID = 'A0B1C2D3-E4F5-4A6B-8C7D-8E9F0A1B2C3D'

const cmp = (field: string, op: Comparison, value: unknown, path?: string[]) => ({
  kind: 'cmp',
  field,
  path,
  op,
  value,
})
const refused = (filter: unknown, ...fields: string[]) => failsOn(() => parseFilter(User, filter), ...fields)

describe('filters parse to the normalized tree', () => {
  it('an absent or empty filter is ALL', () => {
    for (const f of [undefined, null, {}]) assert.deepEqual(parseFilter(User, f), ALL)
  })
  it('a bare value is equality; null is kept', () => {
    assert.deepEqual(parseFilter(User, { username: 'alice' }), cmp('username', 'eq', 'alice'))
    assert.deepEqual(parseFilter(Page, { description: null }), cmp('description', 'eq', null))
  })
  it('every comparison operator', () => {
    const ops: [Comparison, unknown, unknown][] = [
      ['eq', 'a', 'a'],
      ['ne', 'a', 'a'],
      ['gt', 'a', 'a'],
      ['gte', 'a', 'a'],
      ['lt', 'a', 'a'],
      ['lte', 'a', 'a'],
      ['in', ['a', 'b'], ['a', 'b']],
      ['nin', [], []],
      ['contains', 'Ä%', 'Ä%'],
      ['startsWith', 'a_', 'a_'],
      ['endsWith', 'z', 'z'],
      ['exists', false, false],
    ]
    for (const [op, v, out] of ops)
      assert.deepEqual(parseFilter(User, { username: { [`$${op}`]: v } }), cmp('username', op, out), op)
  })
  it('values become canonical: uuids lowercase, datetimes ISO UTC', () => {
    assert.deepEqual(parseFilter(User, { id: { $in: [ID] } }), cmp('id', 'in', [ID.toLowerCase()]))
    assert.deepEqual(
      parseFilter(User, { createdAt: { $gte: '2030-01-01' } }),
      cmp('createdAt', 'gte', '2030-01-01T00:00:00.000Z'),
    )
    assert.deepEqual(parseFilter(Page, { level: { $lte: 3 }, isActive: true }), {
      kind: 'and',
      items: [cmp('level', 'lte', 3), cmp('isActive', 'eq', true)],
    })
  })
  it('several operators on one field are an and', () => {
    assert.deepEqual(parseFilter(Page, { level: { $gt: 1, $lt: 4 } }), {
      kind: 'and',
      items: [cmp('level', 'gt', 1), cmp('level', 'lt', 4)],
    })
  })
  it('$and, $or, $not nest', () => {
    const tree = parseFilter(User, {
      $or: [
        { role: 'admin' },
        { $and: [{ username: { $startsWith: 'a' } }, { $not: { email: { $endsWith: '.org' } } }] },
      ],
    })
    assert.deepEqual(tree, {
      kind: 'or',
      items: [
        cmp('role', 'eq', 'admin'),
        {
          kind: 'and',
          items: [
            cmp('username', 'startsWith', 'a'),
            { kind: 'not', item: cmp('email', 'endsWith', '.org') },
          ],
        },
      ],
    })
  })
  it('a filter that matches everything is ALL, however it is spelt', () => {
    for (const f of [
      { $and: [{}] },
      { $or: [{}, { username: 'a' }] },
      { $and: [{ $and: [{}] }, { $or: [{}] }] },
    ])
      assert.deepEqual(parseFilter(User, f), ALL)
    assert.deepEqual(parseFilter(User, { $and: [{}, { username: 'a' }] }), cmp('username', 'eq', 'a'))
    assert.deepEqual(parseFilter(User, { $or: [{ username: 'a' }] }), cmp('username', 'eq', 'a'))
  })
  it('JSON object fields take dot paths', () => {
    assert.deepEqual(
      parseFilter(Pkg, { 'manifest.entry': 'main.lua' }),
      cmp('manifest', 'eq', 'main.lua', ['entry']),
    )
    assert.deepEqual(
      parseFilter(Pkg, { 'manifest.a.b_2': { $gt: 1.5 } }),
      cmp('manifest', 'gt', 1.5, ['a', 'b_2']),
    )
    assert.deepEqual(parseFilter(Pkg, { manifest: { $exists: true } }), cmp('manifest', 'exists', true))
  })
})

describe('filters refuse what they do not know', () => {
  it('unknown fields and operators', async () => {
    await refused({ nickname: 'x' }, 'filter.nickname')
    await refused({ username: { $like: 'a%' } }, 'filter.username.$like')
    await refused({ $nor: [{ username: 'a' }] }, 'filter.$nor')
  })
  it('the secret passwordHash is an unknown field', async () => {
    const [e] = await failsOn(
      () => parseFilter(Credential, { passwordHash: { $startsWith: 'scrypt$' } }),
      'filter.passwordHash',
    )
    assert.equal(e!.error, 'unknown field')
    await failsOn(() => parseSort(Credential, { passwordHash: 'asc' }), 'sort.passwordHash')
  })
  it('operators that do not apply to the type, or wrong operands', async () => {
    await failsOn(() => parseFilter(Page, { isActive: { $gt: false } }), 'filter.isActive.$gt')
    await failsOn(() => parseFilter(Page, { level: { $contains: '1' } }), 'filter.level.$contains')
    await refused({ id: { $startsWith: 'a' } }, 'filter.id.$startsWith')
    await failsOn(() => parseFilter(Pkg, { manifest: { $gt: 1 } }), 'filter.manifest.$gt')
    await failsOn(() => parseFilter(Pkg, { manifest: 'x' }), 'filter.manifest')
    await refused(
      { username: { $exists: 1 }, email: { $in: 'a' }, role: { $gt: null }, id: 'nope' },
      'filter.email.$in',
      'filter.id',
      'filter.role.$gt',
      'filter.username.$exists',
    )
    await refused({ username: { a: 1 } }, 'filter.username')
    await refused({ username: ['a'] }, 'filter.username')
    await refused({ username: { $eq: 'a', b: 1 } }, 'filter.username')
    await refused({ $and: [] }, 'filter.$and')
    await refused({ $or: {} }, 'filter.$or')
    await refused({ $not: {} }, 'filter.$not')
    await refused([{ username: 'a' }], 'filter')
  })
})

describe('the injection barrier', () => {
  it('field names are schema names only', async () => {
    const keys = [
      'username; DROP TABLE users',
      "username' OR '1'='1",
      'username"',
      'constructor',
      'toString',
      'a.b',
      'username.length',
      'email.x',
      'USERNAME',
      'user_name',
    ]
    for (const key of keys) await refused({ [key]: 'x' }, `filter.${key}`)
    await refused(JSON.parse('{"__proto__": {"username": "x"}}'), 'filter.__proto__')
  })
  it('JSON paths are plain keys only', async () => {
    const paths = [
      "manifest.a'b",
      'manifest.a"b',
      'manifest.a[0]',
      "manifest.a']",
      'manifest.$where',
      'manifest..x',
      'manifest.',
      'manifest.a b',
      'manifest.a;DROP',
      'manifest.1a',
      `manifest${'.k'.repeat(9)}`,
      'name.x',
    ]
    for (const key of paths) await failsOn(() => parseFilter(Pkg, { [key]: 'x' }), `filter.${key}`)
    await failsOn(() => parseFilter(Lua, { 'allowedGlobals.x': 'os' }), 'filter.allowedGlobals.x')
    assert.ok(parseFilter(Pkg, { [`manifest${'.k'.repeat(8)}`]: 'x' }))
  })
  it('operators are the fixed set only', async () => {
    await refused({ username: { $regex: '.*' } }, 'filter.username.$regex')
    await refused({ username: { $where: 'sleep(100)' } }, 'filter.username.$where')
    await refused({ $where: 'this.role == "god"' }, 'filter.$where')
    await refused({ $expr: { $eq: ['$username', '$email'] } }, 'filter.$expr')
    await refused({ $or: [{ username: { $regex: 'a' } }] }, 'filter.$or[0].username.$regex')
  })
  it('sort keys and directions', async () => {
    await failsOn(
      () => parseSort(User, { 'username; DROP TABLE users': 'asc' }),
      'sort.username; DROP TABLE users',
    )
    for (const dir of ['asc; DROP TABLE users', 1, -1, 'ASC', 'descending', null])
      await failsOn(() => parseSort(User, { username: dir }), 'sort.username')
    await failsOn(() => parseSort(User, JSON.parse('{"__proto__": "asc"}')), 'sort.__proto__')
    await failsOn(() => parseSort(User, ['username']), 'sort')
    await failsOn(() => parseSort(User, 'username asc'), 'sort')
    await failsOn(() => parseSort(Pkg, { manifest: 'asc' }), 'sort.manifest')
  })
  it('page and limit', async () => {
    for (const page of [0, -1, 1.5, '10', Number.NaN, Infinity, 1e10, Number.MAX_SAFE_INTEGER + 1, true])
      await failsOn(() => parsePage(User, page, 10), 'page')
    for (const limit of [0, -1, 1.5, '10', 101, 1e10, Infinity])
      await failsOn(() => parsePage(User, 1, limit), 'limit')
    await failsOn(() => parsePage(Session, 1, 201), 'limit')
    await failsOn(() => parsePage(User, '2', '5'), 'limit', 'page')
  })
  it('reaches the caller through the client as VALIDATION_ERROR naming the field', async () => {
    const { client } = testClient()
    await failsOn(
      () => client.users.list({ filter: { "username' OR '1'='1": 'x' } }),
      "filter.username' OR '1'='1",
    )
    await failsOn(() => client.users.count({ username: { $where: '1' } }), 'filter.username.$where')
    await failsOn(() => client.users.list({ sort: { username: 'asc; DROP' as 'asc' } }), 'sort.username')
    await failsOn(() => client.users.list({ page: 0, limit: 101 }), 'limit', 'page')
    await failsOn(() => client.users.deleteMany({ $where: '1' }), 'filter.$where')
    await failsOn(
      () => client.execute('User', 'list', { filter: {}, offset: 5, $where: '1' }),
      '$where',
      'offset',
    )
  })
})

describe('sort and page normalization', () => {
  it('defaults to createdAt asc, id asc', () => {
    const def = [
      { field: 'createdAt', dir: 'asc' },
      { field: 'id', dir: 'asc' },
    ]
    assert.deepEqual(parseSort(User, undefined), def)
    assert.deepEqual(parseSort(User, {}), def)
    assert.deepEqual(parseSort(Session, null), def)
  })
  it('keeps the given order and always ends with id asc', () => {
    assert.deepEqual(parseSort(User, { role: 'desc', username: 'asc' }), [
      { field: 'role', dir: 'desc' },
      { field: 'username', dir: 'asc' },
      { field: 'id', dir: 'asc' },
    ])
    assert.deepEqual(parseSort(User, { id: 'desc' }), [{ field: 'id', dir: 'desc' }])
  })
  it('pages default to the entity limit and give the offset', () => {
    assert.deepEqual(parsePage(User, undefined, undefined), { page: 1, limit: 20, offset: 0 })
    assert.deepEqual(parsePage(Session, undefined, undefined), { page: 1, limit: 50, offset: 0 })
    assert.deepEqual(parsePage(Session, 3, 200), { page: 3, limit: 200, offset: 400 })
    assert.deepEqual(parsePage(User, 2, 100), { page: 2, limit: 100, offset: 100 })
  })
})

describe('the bulk-write guard and normalization', () => {
  it('a double negation is what it negates: {$not: {$not: X}} is X, and of {} is ALL', () => {
    assert.deepEqual(parseFilter(User, { $not: { $not: { $and: [{}] } } }), ALL)
    assert.deepEqual(parseFilter(User, { $not: { $not: { username: 'a' } } }), cmp('username', 'eq', 'a'))
    assert.deepEqual(parseFilter(User, { $not: { username: 'a' } }), {
      kind: 'not',
      item: cmp('username', 'eq', 'a'),
    })
  })
  it('an $or of 20,000 failing branches is refused with bounded details', async () => {
    const c = testClient().client
    const e = await c.users
      .count({ $or: Array.from({ length: 20_000 }, (_, i) => ({ [`nope${i}`]: 1 })) })
      .then(
        () => assert.fail('accepted'),
        (x: unknown) => x as { code: string; details: { fields: unknown[]; truncated?: boolean } },
      )
    assert.equal(e.code, 'VALIDATION_ERROR')
    assert.ok(e.details.fields.length <= 50 && e.details.truncated === true)
    assert.ok(JSON.stringify(e.details).length < 10_000, `${JSON.stringify(e.details).length} bytes`)
  })
  it(`at most ${MAX_VALUES} values in one whole filter, over all its lists`, async () => {
    const list = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `u${from + i}`)
    const lists = (k: number) => ({
      $or: Array.from({ length: k }, (_, i) => ({ username: { $in: list(1000, i * 1000) } })),
    })
    assert.ok(parseFilter(User, lists(MAX_VALUES / 1000)))
    const [e] = await failsOn(
      () => parseFilter(User, lists(MAX_VALUES / 1000 + 1)),
      `filter.$or[${MAX_VALUES / 1000}].username.$in`,
    )
    assert.match(e!.error, /values in one filter/)
  })
})

describe('text in a filter', () => {
  it(`at most ${MAX_TEXT} characters of strings in one filter`, async () => {
    const half = 'x'.repeat(MAX_TEXT / 2)
    assert.ok(parseFilter(Lua, { $or: [{ code: half }, { description: { $contains: half } }] }))
    const [e] = await failsOn(
      () => parseFilter(Lua, { $or: [{ code: half }, { description: { $contains: `${half}y` } }] }),
      'filter.$or[1].description.$contains',
    )
    assert.match(e!.error, /characters of text/)
  })
})

describe('depth and size limits', () => {
  const nest = (n: number): object => (n === 0 ? { username: 'a' } : { $and: [nest(n - 1)] })
  it('nesting: 16 levels pass, 17 fail', async () => {
    assert.ok(parseFilter(User, nest(16)))
    const [e] = await failsOn(() => parseFilter(User, nest(17)), `filter${'.$and[0]'.repeat(17)}`)
    assert.match(e!.error, /deeper/)
  })
  it('at most 256 conditions, 1000 $in values, 8 sort keys', async () => {
    assert.ok(parseFilter(User, { $or: Array.from({ length: 256 }, () => ({ username: 'a' })) }))
    await failsOn(
      () => parseFilter(User, { $or: Array.from({ length: 257 }, () => ({ username: 'a' })) }),
      'filter.$or[256].username',
    )
    assert.ok(parseFilter(User, { username: { $in: Array.from({ length: 1000 }, (_, i) => `u${i}`) } }))
    await refused(
      { username: { $in: Array.from({ length: 1001 }, (_, i) => `u${i}`) } },
      'filter.username.$in',
    )
    const nine = {
      id: 'asc',
      name: 'asc',
      description: 'asc',
      code: 'asc',
      isSandboxed: 'asc',
      timeoutMs: 'asc',
      createdBy: 'asc',
      createdAt: 'asc',
      updatedAt: 'asc',
    }
    await failsOn(() => parseSort(Lua, nine), 'sort')
  })
})
