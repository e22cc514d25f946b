/**
 * Operator injection against the Mongo adapter, for real on the `ferretdb` backend (CONTRACT §5: field
 * names and operators are checked against the schema; a value stays a value). Every known payload goes
 * through every filter position (a field's value, each operator's operand, inside $in, a field name, a
 * dot path, a sort key, a bulk write's filter) and into every JSON field, and each is either refused as
 * VALIDATION_ERROR or stored and matched literally: which one is asserted, and that nothing else matched
 * or changed (every collection is compared before and after).
 */
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { backendNamed } from '../harness/backends.ts'
import { freshAdapter } from '../harness/backend.ts'
import { DBALClient } from '../core/client.ts'
import { DBALError } from '../core/errors.ts'
import { describeOn } from './servers.ts'

const OPERATOR_PAYLOADS: readonly unknown[] = [
  { $gt: '' },
  { $ne: null },
  { $regex: '.*' },
  { $where: 'sleep(100) || true' },
  { $function: { body: 'function () { return true }', args: [], lang: 'js' } },
  { $expr: { $eq: [1, 1] } },
  { $in: ['a', 'b'] },
  { $exists: true },
  { $or: [{}] },
  JSON.parse('{"__proto__": {"polluted": true}}'),
  { '': 1 },
  { 'a.b': 1 },
]
const STRING_PAYLOADS = ['$where', '.*', '^', '$gt', '{"$gt": ""}', 'a.b', '__proto__', '%2E', '\\', '$$ROOT']

/** JSON objects the caller may store: keys with dots, leading $, '%', __proto__, operators, nesting. */
const JSON_PAYLOADS: readonly Record<string, unknown>[] = [
  { $gt: '' },
  { $where: 'function () { return true }' },
  { $function: { body: 'return 1', args: [], lang: 'js' } },
  { 'a.b': 1, 'c.d.e': { 'f.g': [1, { 'h.i': 2 }] } },
  { $x: { $y: [{ $z: null }] }, $: 1, '$.': 2 },
  { '%': '%25', '%2E': '.', '%24': '$', '%a': [[1, [2]], []] },
  JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"bad": 1}}}'),
  { '': { '': '' }, ' ': '\n', 'ключ.$': 'значение' },
]

describeOn([backendNamed('ferretdb')], ' operator injection', (p) => {
  let c: DBALClient
  let userId: string

  const run = (entity: string, op: string, input: unknown) => c.execute(entity, op, input)

  /** Every row of every entity the test writes. */
  async function snapshot(): Promise<unknown> {
    const out: Record<string, unknown> = {}
    for (const entity of ['User', 'PageView', 'Workflow', 'Package', 'ComponentHierarchy', 'LuaScript'])
      out[entity] = await run(entity, 'list', { limit: 100, sort: { id: 'asc' } })
    return out
  }

  async function refused(
    entity: string,
    op: string,
    input: unknown,
    code = 'VALIDATION_ERROR',
  ): Promise<void> {
    const before = await snapshot()
    await assert.rejects(
      run(entity, op, input),
      (e: unknown) => e instanceof DBALError && e.code === code,
      `${entity}.${op} ${JSON.stringify(input)} should be ${code}`,
    )
    assert.deepEqual(await snapshot(), before, 'a refused call changed nothing')
  }

  const ids = async (entity: string, filter: unknown) =>
    ((await run(entity, 'list', { filter, limit: 100 })) as { data: { id: string }[] }).data
      .map((r) => r.id)
      .sort()

  it('sets up on a fresh database', async () => {
    c = new DBALClient({ adapter: await freshAdapter(p()) })
    userId = (
      (await run('User', 'create', { username: 'alice', email: 'alice@example.com' })) as { id: string }
    ).id
    await run('User', 'create', { username: 'bob', email: 'bob@example.com' })
  })

  it('refuses an operator payload as a field value, as an operand of every operator and inside $in', async () => {
    const ops = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$contains', '$startsWith', '$endsWith']
    for (const payload of OPERATOR_PAYLOADS) {
      for (const field of ['username', 'email', 'role', 'id', 'createdAt']) {
        for (const op of ops) await refused('User', 'list', { filter: { [field]: { [op]: payload } } })
        await refused('User', 'list', { filter: { [field]: { $in: [payload] } } })
        await refused('User', 'count', { filter: { [field]: { $nin: ['x', payload] } } })
      }
      await refused('User', 'list', { filter: { $or: [{ username: 'alice' }, { email: { $eq: payload } }] } })
      await refused('User', 'list', { filter: { $not: { username: { $eq: payload } } } })
    }
  })

  it('refuses unknown operators and operator-like field names, at the top, in combinators and as paths', async () => {
    const filters: unknown[] = [
      { $where: 'true' },
      { $expr: { $eq: ['$username', 'alice'] } },
      { $function: { body: 'return true', args: [], lang: 'js' } },
      { username: { $regex: '.*' } },
      { username: { $where: 'true' } },
      { username: { $options: 'i', $regex: 'A' } },
      { $and: [{ $where: 'true' }] },
      { $nor: [{ username: 'x' }] },
      { 'username.$gt': '' },
      { $comment: 'x' },
      JSON.parse('{"__proto__": {"username": "alice"}}'),
      { constructor: 'x' },
      { _id: { $exists: true } },
      { passwordHash: { $exists: true } },
    ]
    for (const filter of filters) {
      await refused('User', 'list', { filter })
      await refused('User', 'count', { filter })
      await refused('User', 'deleteMany', { filter })
      await refused('User', 'updateMany', { filter, data: { role: 'admin' } })
    }
  })

  it('refuses operators and odd names as sort keys', async () => {
    for (const sort of [
      { $natural: 'asc' },
      { username: { $meta: 'textScore' } },
      { username: 1 },
      { 'a.b': 'asc' },
    ])
      await refused('User', 'list', { sort })
  })

  it('stores operator-like strings and matches them literally in every filter position', async () => {
    const made = new Map<string, string>()
    for (const [i, title] of STRING_PAYLOADS.entries()) {
      const page = (await run('PageView', 'create', { slug: `p${i}`, title, level: 1, layout: {} })) as {
        id: string
        title: string
      }
      assert.equal(page.title, title)
      made.set(title, page.id)
    }
    for (const s of STRING_PAYLOADS) {
      const only = [made.get(s)!]
      assert.deepEqual(await ids('PageView', { title: s }), only, `title = ${s}`)
      assert.deepEqual(await ids('PageView', { title: { $eq: s } }), only)
      assert.deepEqual(await ids('PageView', { title: { $in: [s] } }), only)
      const others = [...made.values()].filter((id) => id !== made.get(s)).sort()
      assert.deepEqual(await ids('PageView', { title: { $ne: s } }), others)
      assert.deepEqual(await ids('PageView', { title: { $nin: [s] } }), others)
      // Substring matches are literal too: exactly the titles that contain the text, by the reference's rule.
      const containing = STRING_PAYLOADS.filter((t) => t.toLowerCase().includes(s.toLowerCase()))
        .map((t) => made.get(t)!)
        .sort()
      assert.deepEqual(await ids('PageView', { title: { $contains: s } }), containing, `contains ${s}`)
      const starting = STRING_PAYLOADS.filter((t) => t.toLowerCase().startsWith(s.toLowerCase()))
        .map((t) => made.get(t)!)
        .sort()
      assert.deepEqual(await ids('PageView', { title: { $startsWith: s } }), starting, `startsWith ${s}`)
      const ending = STRING_PAYLOADS.filter((t) => t.toLowerCase().endsWith(s.toLowerCase()))
        .map((t) => made.get(t)!)
        .sort()
      assert.deepEqual(await ids('PageView', { title: { $endsWith: s } }), ending, `endsWith ${s}`)
    }
    assert.equal(await run('PageView', 'count', {}), STRING_PAYLOADS.length)
    assert.equal(await run('User', 'count', { filter: { username: '.*' } }), 0)
  })

  it('stores every payload in every JSON object field and reads it back exactly', async () => {
    const before = (await run('PageView', 'count', {})) as number
    for (const [i, payload] of JSON_PAYLOADS.entries()) {
      const page = (await run('PageView', 'create', {
        slug: `j${i}`,
        title: 't',
        level: 1,
        layout: payload,
      })) as { id: string }
      assert.deepEqual(
        ((await run('PageView', 'read', { id: page.id })) as { layout: unknown }).layout,
        payload,
      )
      const wf = (await run('Workflow', 'create', {
        name: `w${i}`,
        trigger: 'manual',
        triggerConfig: payload,
        steps: payload,
        createdBy: userId,
      })) as { id: string }
      const read = (await run('Workflow', 'read', { id: wf.id })) as {
        triggerConfig: unknown
        steps: unknown
      }
      assert.deepEqual([read.triggerConfig, read.steps], [payload, payload])
      const pkg = (await run('Package', 'create', {
        name: `k${i}`,
        version: '1.0.0',
        author: 'a',
        manifest: payload,
        installedBy: userId,
      })) as { id: string }
      assert.deepEqual(
        ((await run('Package', 'read', { id: pkg.id })) as { manifest: unknown }).manifest,
        payload,
      )
      const comp = (await run('ComponentHierarchy', 'create', {
        pageId: page.id,
        componentType: 'x',
        props: payload,
      })) as { id: string }
      assert.deepEqual(
        ((await run('ComponentHierarchy', 'read', { id: comp.id })) as { props: unknown }).props,
        payload,
      )
      // Updated into place, as a whole, the payload is still a value.
      await run('PageView', 'update', { id: page.id, layout: { inner: payload } })
      assert.deepEqual(((await run('PageView', 'read', { id: page.id })) as { layout: unknown }).layout, {
        inner: payload,
      })
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype untouched')
    assert.equal(await run('PageView', 'count', {}), before + JSON_PAYLOADS.length)
    // The stored operators are data: a path filter names them only as the plain keys they are not.
    assert.deepEqual(await ids('Package', { 'manifest.a': 1 }), [])
    await refused('Package', 'list', { filter: { 'manifest.$gt': '' } })
    await refused('Package', 'list', { filter: { 'manifest.a.b': 1, 'manifest.$where': 'x' } })
    await refused('Package', 'list', { filter: { 'manifest.__proto__.polluted': true, 'manifest.%2E': 1 } })
    await refused('Package', 'list', { filter: { manifest: { $gt: '' } } })
    await refused('Package', 'list', { filter: { manifest: { $where: 'x' } } })
    await refused('Package', 'list', { filter: { 'manifest.a': { $eq: { $gt: '' } } } })
  })

  it('allowedGlobals (an array of strings) refuses payloads as names; code stores them as text', async () => {
    for (const g of [...STRING_PAYLOADS, '{"$gt": ""}']) {
      const input = { name: 'l', code: 'return 1', allowedGlobals: ['print', g], createdBy: userId }
      await refused('LuaScript', 'create', input, 'SANDBOX_VIOLATION')
    }
    await refused('LuaScript', 'create', {
      name: 'l',
      code: 'x',
      allowedGlobals: [{ $gt: '' }],
      createdBy: userId,
    })
    await refused('LuaScript', 'create', {
      name: 'l',
      code: 'x',
      allowedGlobals: { $in: ['print'] },
      createdBy: userId,
    })
    const code = `return "${STRING_PAYLOADS.join(' ').replace(/[\\"]/g, '')}" -- {"$where": "1"}`
    const made = (await run('LuaScript', 'create', {
      name: 'l',
      code,
      allowedGlobals: ['print'],
      createdBy: userId,
    })) as {
      id: string
    }
    const read = (await run('LuaScript', 'read', { id: made.id })) as {
      code: string
      allowedGlobals: string[]
    }
    assert.deepEqual([read.code, read.allowedGlobals], [code, ['print']])
    assert.deepEqual(await ids('LuaScript', { code: { $contains: '{"$where": "1"}' } }), [made.id])
    assert.deepEqual(await ids('LuaScript', { code: { $contains: '{"$where": "2"}' } }), [])
  })

  it('the internal JSON field (IdempotencyRecord.result) stores every payload exactly, through the adapter', async () => {
    const a = c.adapter
    for (const [i, payload] of JSON_PAYLOADS.entries()) {
      const id = crypto.randomUUID()
      const now = new Date().toISOString()
      const row = {
        id,
        key: `k${i}`,
        fingerprint: 'f',
        result: payload,
        expiresAt: now,
        createdAt: now,
        updatedAt: now,
      }
      await a.create('IdempotencyRecord', row)
      assert.deepEqual((await a.read('IdempotencyRecord', id))?.result, payload)
    }
    assert.equal(await a.count('IdempotencyRecord', { kind: 'all' }), JSON_PAYLOADS.length)
  })

  it('refuses operators as write data: unknown fields, operator objects where values go', async () => {
    const page = (await run('PageView', 'create', { slug: 'w', title: 'plain', level: 1, layout: {} })) as {
      id: string
    }
    await refused('PageView', 'update', { id: page.id, $set: { title: 'x' } })
    await refused('PageView', 'update', { id: page.id, title: { $set: 'x' } })
    await refused('PageView', 'update', { id: page.id, level: { $inc: 1 } })
    await refused('PageView', 'create', { slug: 'x', title: { $gt: '' }, level: 1, layout: {} })
    await refused('PageView', 'create', { slug: 'x', title: 't', level: 1, layout: {}, $where: 'true' })
    await refused('PageView', 'updateMany', { filter: { id: page.id }, data: { $rename: { title: 'x' } } })
    await refused(
      'User',
      'create',
      JSON.parse('{"username": "mallory", "email": "m@example.com", "__proto__": {"role": "supergod"}}'),
    )
    assert.equal(((await run('PageView', 'read', { id: page.id })) as { title: string }).title, 'plain')
  })
})
