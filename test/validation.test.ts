/** CONTRACT §2: every validation rule, and every failing field reported at once. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { entityOf } from '../core/schema.ts'
import { validateCreate, validateCreateMany, validatePatch, type Row } from '../core/validate.ts'
import { failsOn, fieldErrors, names, newPage, newUser, testClient } from './helpers.ts'

const User = entityOf('User')
const Page = entityOf('PageView')
const Lua = entityOf('LuaScript')
const Pkg = entityOf('Package')
const Component = entityOf('ComponentHierarchy')
const Session = entityOf('Session')
const Workflow = entityOf('Workflow')

const ID = '0b8a3f4e-2c1d-4e5f-8a9b-0c1d2e3f4a5b'
const user = (extra: Row = {}) => ({ username: 'alice', email: 'alice@example.com', ...extra })
const page = (extra: Row = {}) => ({ slug: 'home', title: 'Home', level: 1, layout: {}, ...extra })
const lua = (extra: Row = {}) => ({ name: 'n', code: 'return 1', createdBy: ID, ...extra })
const pkg = (extra: Row = {}) => ({ name: 'p', version: '1.0.0', author: 'a', manifest: {}, ...extra })
const session = (extra: Row = {}) => ({
  userId: ID,
  token: 't'.repeat(16),
  expiresAt: '2099-01-01T00:00:00Z',
  ...extra,
})
const ok = (e = User, input: Row) => validateCreate(e, input).values
const bad = (e: typeof User, input: Row, field: string) => failsOn(() => validateCreate(e, input), field)

describe('lengths count code points', () => {
  it('accepts 255 astral characters (510 UTF-16 units) and refuses 256', async () => {
    assert.equal(
      ok(Workflow, { name: '😀'.repeat(255), trigger: 'manual', triggerConfig: {}, steps: {}, createdBy: ID })
        .name,
      '😀'.repeat(255),
    )
    await bad(
      Workflow,
      { name: '😀'.repeat(256), trigger: 'manual', triggerConfig: {}, steps: {}, createdBy: ID },
      'name',
    )
  })
  it('enforces minimum lengths', async () => {
    await bad(User, user({ username: 'ab' }), 'username')
    await bad(Page, page({ title: '' }), 'title')
    await bad(Session, session({ token: 't'.repeat(15) }), 'token')
    assert.equal(ok(User, user({ username: 'abc' })).username, 'abc')
  })
  it('counts a password in code points too', async () => {
    const { client } = testClient()
    await newUser(client, 'pwlen')
    await client.credentials.create({ username: 'pwlen', password: '😀'.repeat(1024) })
    await failsOn(
      () => client.credentials.create({ username: 'pwlen', password: '😀'.repeat(1025) }),
      'password',
    )
    // A lone surrogate would be hashed as U+FFFD: two different passwords would verify as one.
    await failsOn(() => client.credentials.create({ username: 'pwlen', password: 'pw\ud800' }), 'password')
  })
})

describe('patterns, email, enum', () => {
  it('checks the username and slug patterns', async () => {
    await bad(User, user({ username: 'bad name!' }), 'username')
    await bad(Page, page({ slug: 'Home Page' }), 'slug')
    assert.equal(ok(Page, page({ slug: 'docs/intro-1' })).slug, 'docs/intro-1')
  })
  it('accepts only x.y.z semver with ASCII digits', async () => {
    assert.equal(ok(Pkg, pkg({ version: '10.20.30' })).version, '10.20.30')
    for (const version of ['1.0', '1.0.0-beta', 'v1.0.0', '1.0.0 ', '١.٢.٣'])
      await bad(Pkg, pkg({ version }), 'version')
  })
  it('checks email addresses and their 255 limit', async () => {
    assert.equal(ok(User, user({ email: 'a.b+c@sub.example.co' })).email, 'a.b+c@sub.example.co')
    for (const email of ['a@b.c', 'a b@c.de', 'a@@b.de', 'no-at.de', 'a@b', '@b.de'])
      await bad(User, user({ email }), 'email')
    await bad(User, user({ email: `${'a'.repeat(247)}@b.com.de` }), 'email')
    assert.ok(ok(User, user({ email: `${'a'.repeat(246)}@b.com.de` })))
  })
  it('checks enums case-sensitively and fills the default', async () => {
    assert.equal(ok(User, user()).role, 'user')
    await bad(User, user({ role: 'root' }), 'role')
    await bad(User, user({ role: 'Admin' }), 'role')
  })
})

describe('integers and their bounds', () => {
  const comp = (order: unknown) => ({ pageId: ID, componentType: 'Box', order })
  it('order is an integer from 0 to 2147483647', async () => {
    assert.equal(ok(Component, comp(0)).order, 0)
    assert.equal(ok(Component, comp(2147483647)).order, 2147483647)
    for (const o of [-1, 2147483648, 1.5, '1', Number.NaN, Infinity, true])
      await bad(Component, comp(o), 'order')
  })
  it('level is 1 to 5', async () => {
    for (const level of [1, 5]) assert.equal(ok(Page, page({ level })).level, level)
    for (const level of [0, 6, 2.5]) await bad(Page, page({ level }), 'level')
  })
  it('timeoutMs is 100 to 30000, default 5000', async () => {
    assert.equal(ok(Lua, lua()).timeoutMs, 5000)
    for (const timeoutMs of [100, 30000]) assert.equal(ok(Lua, lua({ timeoutMs })).timeoutMs, timeoutMs)
    for (const timeoutMs of [99, 30001]) await bad(Lua, lua({ timeoutMs }), 'timeoutMs')
  })
})

describe('uuids and datetimes', () => {
  it('ids and foreign keys must be UUIDs, canonically lowercase', async () => {
    assert.equal(ok(Lua, lua({ createdBy: ID.toUpperCase() })).createdBy, ID)
    for (const createdBy of ['not-a-uuid', `${ID}x`, 42]) await bad(Lua, lua({ createdBy }), 'createdBy')
  })
  it('accepts ISO 8601 with a zone, a date alone, or epoch ms, and answers canonical UTC', () => {
    const at = (expiresAt: unknown) => ok(Session, session({ expiresAt })).expiresAt
    assert.equal(at('2099-01-01T00:00:00Z'), '2099-01-01T00:00:00.000Z')
    assert.equal(at('2099-01-01T02:30:00+02:30'), '2099-01-01T00:00:00.000Z')
    assert.equal(at('2099-06-15'), '2099-06-15T00:00:00.000Z')
    assert.equal(at(0), '1970-01-01T00:00:00.000Z')
    assert.equal(at(Date.UTC(2099, 0, 1, 12)), '2099-01-01T12:00:00.000Z')
    assert.equal(at('0001-01-01T00:00:00Z'), '0001-01-01T00:00:00.000Z')
    assert.equal(at('9999-12-31T23:59:59.999Z'), '9999-12-31T23:59:59.999Z')
  })
  it('refuses no zone, impossible dates, out-of-range years and non-dates', async () => {
    const refused = [
      '2099-01-01T00:00:00',
      '2099-01-01T00:00',
      '2024-02-30',
      '2023-02-29T00:00:00Z',
      '2024-13-01',
      '2024-01-01T25:00:00Z',
      '0000-01-01',
      '9999-12-31T23:59:59.999-01:00',
      Date.UTC(10000, 0, 1),
      Date.parse('0001-01-01T00:00:00Z') - 1,
      '1700000000000',
      'tomorrow',
      Number.NaN,
      true,
    ]
    for (const expiresAt of refused) await bad(Session, session({ expiresAt }), 'expiresAt')
    assert.equal(ok(Session, session({ expiresAt: '2024-02-29' })).expiresAt, '2024-02-29T00:00:00.000Z')
  })
})

describe('JSON fields', () => {
  it('have the right JSON type', async () => {
    for (const layout of [[], 'x', 1, true, new Date(0)]) await bad(Page, page({ layout }), 'layout')
    for (const allowedGlobals of [{}, [1], 'print', [null]])
      await bad(Lua, lua({ allowedGlobals }), 'allowedGlobals')
    assert.deepEqual(ok(Lua, lua()).allowedGlobals, [])
  })
  it('keep nested values, unicode and null, and are copies', () => {
    const layout = { a: [1, 2.5, { b: null }], ключ: '値 😀', t: true }
    const out = ok(Page, page({ layout })).layout
    assert.deepEqual(out, layout)
    assert.notEqual(out, layout)
  })
  it('refuse NUL, lone surrogates, non-finite numbers and non-JSON values, in values and keys', async () => {
    for (const layout of [
      { a: 'x\u0000' },
      { 'k\u0000': 1 },
      { a: '\ud800' },
      { '\udc00': 1 },
      { a: [Number.NaN] },
      { a: Infinity },
      { a: new Date(0) },
      { a: () => 1 },
      { a: 1n },
      { a: new Map() },
      { a: undefined },
    ])
      await bad(Page, page({ layout }), 'layout')
    let deep: Row = {}
    for (let i = 0; i < 70; i++) deep = { d: deep }
    await bad(Page, page({ layout: deep }), 'layout')
  })
  it('plain strings refuse NUL and lone surrogates too', async () => {
    await bad(Page, page({ title: 'a\u0000b' }), 'title')
    await bad(Page, page({ title: 'a\ud83d' }), 'title')
  })
})

describe('what may be written', () => {
  it('refuses unknown fields instead of dropping them, secrets included', async () => {
    await bad(User, user({ nickname: 'x' }), 'nickname')
    const [e] = await failsOn(
      () =>
        validateCreate(entityOf('Credential'), {
          username: 'alice',
          password: 'pw',
          passwordHash: 'scrypt$',
        }),
      'passwordHash',
    )
    assert.equal(e!.error, 'unknown field')
  })
  it('id, createdAt and updatedAt are not writable, on create and on update', async () => {
    const fields = await failsOn(
      () => validateCreate(User, user({ id: ID, createdAt: 0, updatedAt: 0 })),
      'createdAt',
      'id',
      'updatedAt',
    )
    assert.ok(fields.every((f) => f.error === 'is not writable'))
    await failsOn(
      () => validatePatch(User, { id: ID, createdAt: 0, updatedAt: 0 }),
      'createdAt',
      'id',
      'updatedAt',
    )
  })
  it('immutable fields cannot change on update', async () => {
    const { client } = testClient()
    const p = await newPage(client)
    const c = await client.components.create({ pageId: p.id, componentType: 'Box' })
    await failsOn(() => client.components.update(c.id, { pageId: p.id, order: 1 }), 'pageId')
    await newUser(client, 'immut')
    const cred = await client.credentials.create({ username: 'immut', password: 'pw' })
    await failsOn(() => client.credentials.update(cred.id, { username: 'other' }), 'username')
  })
  it('null is refused for required fields and kept for optional ones', async () => {
    await failsOn(
      () => validateCreate(Page, page({ title: null, layout: null, isActive: null })),
      'isActive',
      'layout',
      'title',
    )
    await failsOn(() => validatePatch(Page, { title: null }), 'title')
    assert.equal(ok(Page, page({ description: null })).description, null)
    assert.equal(validatePatch(Page, { description: null }).values.description, null)
  })
  it('missing required fields are named; defaults are not required', async () => {
    await failsOn(
      () => validateCreate(Workflow, {}),
      'createdBy',
      'name',
      'steps',
      'trigger',
      'triggerConfig',
    )
    await failsOn(() => validateCreate(entityOf('Credential'), {}), 'password', 'username')
  })
})

describe('details.fields lists every failing field', () => {
  it('on create', async () => {
    const fields = await fieldErrors(() =>
      validateCreate(User, { username: 'x!', email: 'nope', role: 'root', id: ID, extra: 1 }),
    )
    assert.deepEqual(names(fields), ['email', 'extra', 'id', 'role', 'username'])
    assert.ok(fields.every((f) => typeof f.error === 'string' && f.error.length > 0))
  })
  it('on update through the client, with the entity in details', async () => {
    const { client } = testClient()
    const u = await newUser(client)
    const e = await client.users
      .update(u.id, { username: '', email: 'x', role: 'boss' as never })
      .catch((x: unknown) => x)
    assert.deepEqual(names((e as { details: { fields: [] } }).details.fields), ['email', 'role', 'username'])
    assert.equal((e as { details: { entity: string } }).details.entity, 'User')
  })
  it('createMany names items[i].field across all items', async () => {
    const items = [user(), user({ username: 'b!', email: 'bad' }), { email: 'c@example.com', role: 'x' }]
    await failsOn(
      () => validateCreateMany(User, items),
      'items[1].email',
      'items[1].username',
      'items[2].role',
      'items[2].username',
    )
    const { client } = testClient()
    await failsOn(
      () => client.users.createMany(items as never),
      'items[1].email',
      'items[1].username',
      'items[2].role',
      'items[2].username',
    )
    await failsOn(() => validateCreateMany(User, [user(), 'nope']), 'items[1]')
    assert.equal(await client.users.count(), 0)
  })
})
