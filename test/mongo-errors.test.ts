/**
 * The Mongo adapter's error mapping (adapters/mongo/errors.ts), for real on FerretDB: a duplicate is
 * CONFLICT naming the unique field on create, update, updateMany and createMany (and leaves nothing
 * behind, although FerretDB's own insertMany would keep the rows before the duplicate), also between
 * two adapters racing (the unique index decides, not a read before the write); references are
 * the reference's errors; a stopped server or a closed port is DATABASE_ERROR; a read past maxTimeMS is
 * TIMEOUT. The mapper is also checked on the driver's own error classes, built as the server sends them.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { MongoClient, MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb'
import { mongoAdapter, type MongoAdapter } from '../adapters/mongo/index.ts'
import { toDBALError } from '../adapters/mongo/errors.ts'
import { DBALClient } from '../core/client.ts'
import { DBALError, type ErrorCode } from '../core/errors.ts'
import { schema } from '../core/schema.ts'
import { MemoryAdapter } from '../reference/memory.ts'
import { startFerretDB } from '../harness/provision/ferretdb.ts'
import { scratchDatabase, skipFerretDB, type TestDatabase } from './servers.ts'

const code = (expected: ErrorCode, details?: Record<string, unknown>) => (e: unknown) => {
  assert.ok(e instanceof DBALError, `not a DBALError: ${String(e)}`)
  assert.equal(e.code, expected, e.message)
  for (const [k, v] of Object.entries(details ?? {})) assert.deepEqual(e.details?.[k], v, k)
  return true
}

describe('Mongo error mapping on FerretDB', { skip: skipFerretDB }, () => {
  let db: TestDatabase
  let adapter: MongoAdapter
  let c: DBALClient

  before(async () => {
    const scratch = await scratchDatabase('ferretdb', `e${process.pid}`, 'mongoerrors')
    if ('notRun' in scratch) assert.fail(scratch.notRun)
    db = scratch
    adapter = await mongoAdapter({ url: db.url })
    await adapter.migrate()
    c = new DBALClient({ adapter })
  })
  after(async () => {
    await adapter?.close()
    await db?.drop()
  })

  const users = () =>
    c.execute('User', 'list', { sort: { username: 'asc' } }) as Promise<{ data: { username: string }[] }>

  it('a duplicate on create is CONFLICT naming the field, for each unique key', async () => {
    await adapter.reset()
    await c.execute('User', 'create', { username: 'ann', email: 'ann@example.com' })
    await assert.rejects(
      c.execute('User', 'create', { username: 'ann', email: 'other@example.com' }),
      code('CONFLICT', { entity: 'User', unique: ['username'] }),
    )
    await assert.rejects(
      c.execute('User', 'create', { username: 'other', email: 'ann@example.com' }),
      code('CONFLICT', { entity: 'User', unique: ['email'] }),
    )
    assert.deepEqual(
      (await users()).data.map((x) => x.username),
      ['ann'],
    )
  })

  it('a compound unique key (Package name and version) is CONFLICT naming both', async () => {
    await adapter.reset()
    const owner = (await c.execute('User', 'create', { username: 'own', email: 'own@example.com' })) as {
      id: string
    }
    const pkg = { name: 'p', version: '1.0.0', author: 'a', manifest: {}, installedBy: owner.id }
    await c.execute('Package', 'create', pkg)
    await assert.rejects(
      c.execute('Package', 'create', pkg),
      code('CONFLICT', { unique: ['name', 'version'] }),
    )
    await c.execute('Package', 'create', { ...pkg, version: '1.0.1' })
  })

  it('a duplicate made by update and updateMany is CONFLICT naming the field, and changes nothing', async () => {
    await adapter.reset()
    const a = (await c.execute('User', 'create', { username: 'amy', email: 'amy@example.com' })) as {
      id: string
    }
    await c.execute('User', 'create', { username: 'bea', email: 'bea@example.com' })
    await assert.rejects(
      c.execute('User', 'update', { id: a.id, email: 'bea@example.com' }),
      code('CONFLICT', { unique: ['email'] }),
    )
    await assert.rejects(
      c.execute('User', 'updateMany', { filter: { role: 'user' }, data: { email: 'same@example.com' } }),
      code('CONFLICT', { unique: ['email'] }),
    )
    const emails = (
      (await c.execute('User', 'list', { sort: { username: 'asc' } })) as { data: { email: string }[] }
    ).data
    assert.deepEqual(
      emails.map((x) => x.email),
      ['amy@example.com', 'bea@example.com'],
    )
  })

  it('createMany with a duplicate is CONFLICT naming the field, and none of its rows stay', async () => {
    await adapter.reset()
    await c.execute('User', 'create', { username: 'old', email: 'old@example.com' })
    const items = [
      { username: 'new1', email: 'new1@example.com' },
      { username: 'new2', email: 'new2@example.com' },
      { username: 'new3', email: 'old@example.com' },
      { username: 'new4', email: 'new4@example.com' },
    ]
    await assert.rejects(c.execute('User', 'createMany', { items }), code('CONFLICT', { unique: ['email'] }))
    // A duplicate inside the batch: whatever the reference answers, the same, and nothing stays.
    const inBatch = { items: [items[0]!, items[1]!, { ...items[3]!, username: 'new1' }] }
    const ref = new DBALClient({ adapter: new MemoryAdapter() })
    await ref.execute('User', 'create', { username: 'old', email: 'old@example.com' })
    const expected = await ref.execute('User', 'createMany', inBatch).then(
      () => assert.fail('createMany succeeded'),
      (e: DBALError) => e,
    )
    const actual = await c.execute('User', 'createMany', inBatch).then(
      () => assert.fail('createMany succeeded'),
      (e: DBALError) => e,
    )
    assert.deepEqual([actual.code, actual.details], [expected.code, expected.details])
    assert.deepEqual(
      (await users()).data.map((x) => x.username),
      ['old'],
    )
  })

  it('uniqueness is enforced by the database: of concurrent creates through two adapters, one succeeds', async () => {
    await adapter.reset()
    const other = await mongoAdapter({ url: db.url })
    try {
      const clients = [c, new DBALClient({ adapter: other })]
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          clients[i % 2]!.execute('User', 'create', { username: 'race', email: `race${i}@example.com` }),
        ),
      )
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
      for (const r of results)
        if (r.status === 'rejected') code('CONFLICT', { unique: ['username'] })(r.reason)
      assert.equal(await c.execute('User', 'count', { filter: { username: 'race' } }), 1)
    } finally {
      await other.close()
    }
  })

  it('a dangling reference is VALIDATION_ERROR naming the field; a restricting one blocks a delete (CONFLICT)', async () => {
    await adapter.reset()
    const owner = (await c.execute('User', 'create', { username: 'own', email: 'own@example.com' })) as {
      id: string
    }
    const wf = { name: 'w', trigger: 'manual', triggerConfig: {}, steps: {} }
    await assert.rejects(
      c.execute('Workflow', 'create', { ...wf, createdBy: '00000000-0000-4000-8000-000000000000' }),
      code('VALIDATION_ERROR'),
    )
    await c.execute('Workflow', 'create', { ...wf, createdBy: owner.id })
    await assert.rejects(
      c.execute('User', 'delete', { id: owner.id }),
      code('CONFLICT', { entity: 'User', referencedBy: 'Workflow.createdBy' }),
    )
    assert.equal(await c.execute('User', 'count', {}), 1)
  })

  it('a read past maxTimeMS is TIMEOUT', async () => {
    await adapter.reset()
    // 20,000 users written straight through the driver (the DBAL would take minutes), then a regular
    // expression scan of all of them under a 1 ms limit: far longer than 1 ms on FerretDB.
    const raw = new MongoClient(db.url)
    try {
      const coll = raw.db().collection(schema.entity.get('User')!.table)
      for (let n = 0; n < 20_000; n += 5_000)
        await coll.insertMany(
          Array.from({ length: 5_000 }, (_, i) => ({
            _id: crypto.randomUUID() as unknown as never,
            username: `u${n + i}`,
            username__fold: `u${n + i}`,
            email: `u${n + i}@example.com`,
            email__fold: `u${n + i}@example.com`,
            role: 'user',
            created_at: new Date(),
            updated_at: new Date(),
          })),
        )
    } finally {
      await raw.close()
    }
    const slow = await mongoAdapter({ url: db.url, maxTimeMS: 1 })
    try {
      const sc = new DBALClient({ adapter: slow })
      await assert.rejects(
        sc.execute('User', 'list', { filter: { email: { $contains: 'zz' } } }),
        code('TIMEOUT'),
      )
      await assert.rejects(
        sc.execute('User', 'count', { filter: { username: { $endsWith: 'zz' } } }),
        code('TIMEOUT'),
      )
    } finally {
      await slow.close()
    }
    assert.equal(await c.execute('User', 'count', {}), 20_000)
  })

  it('a server that went away is DATABASE_ERROR, and so is a port nobody listens on', async () => {
    const own = await startFerretDB({ own: true })
    const a = await mongoAdapter({ url: `${own.url}gone`, connectTimeoutMs: 1500 })
    await a.migrate()
    await own.stop()
    await assert.rejects(a.count('User', { kind: 'all' }), code('DATABASE_ERROR'))
    await a.close()
    await assert.rejects(mongoAdapter({ url: own.url, connectTimeoutMs: 500 }), code('DATABASE_ERROR'))
  })
})

describe('the Mongo error mapper on the driver error classes', () => {
  it('maps MaxTimeMSExpired (50) to TIMEOUT, network and selection errors to DATABASE_ERROR, E11000 to CONFLICT', () => {
    const expired = new MongoServerError({
      ok: 0,
      code: 50,
      codeName: 'MaxTimeMSExpired',
      errmsg: 'operation exceeded time limit',
    })
    assert.equal(toDBALError(expired).code, 'TIMEOUT')
    assert.equal(toDBALError(new MongoNetworkError('connection reset')).code, 'DATABASE_ERROR')
    const selection = new MongoServerSelectionError('Server selection timed out', {
      type: 'Unknown',
      servers: new Map(),
      stale: false,
      compatible: true,
      heartbeatFrequencyMS: 10000,
      localThresholdMS: 15,
    } as never)
    assert.equal(toDBALError(selection).code, 'DATABASE_ERROR')
    const dup = new MongoServerError({
      ok: 0,
      code: 11000,
      errmsg:
        'E11000 duplicate key error collection: db.users index: users_email_unique dup key: { email: "a" }',
      keyPattern: { email: 1 },
      keyValue: { email: 'a' },
    })
    const mapped = toDBALError(dup, schema.entity.get('User'))
    assert.equal(mapped.code, 'CONFLICT')
    assert.equal(mapped.cause, dup)
    assert.equal(
      toDBALError(new MongoServerError({ ok: 0, code: 2, errmsg: 'BadValue' })).code,
      'INTERNAL_ERROR',
    )
  })
})
