/**
 * The schema is passed, not a singleton (issue 10, item 3): a client built with a grown copy of schema/
 * validates and stores the new field, while a client on the project's schema refuses it as unknown.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DBALClient } from '../core/client.ts'
import { createDbal } from '../core/config.ts'
import { DBALError } from '../core/errors.ts'
import { MemoryAdapter } from '../reference/memory.ts'
import { rejects } from './helpers.ts'
import { grownSchema } from './schema-copy.ts'

const schema = grownSchema('user.yaml', '  nickname:\n    type: string\n    max_length: 20\n')
const alice = { username: 'alice', email: 'alice@example.com' }

/** VALIDATION_ERROR whose field errors name exactly `fields`. */
async function refusedOn(p: Promise<unknown>, fields: string[]): Promise<string[]> {
  const e = await rejects(p, 'VALIDATION_ERROR')
  assert.deepEqual(
    e.details?.fields?.map((f) => f.field),
    fields,
  )
  return e.details!.fields!.map((f) => f.error)
}

describe('a client on a schema passed in', () => {
  it('validates and stores a field only that schema has', async () => {
    const client = new DBALClient({ adapter: new MemoryAdapter({ schema }), schema })
    const u = (await client.users.create({ ...alice, nickname: 'Al' } as never)) as unknown as Record<
      string,
      unknown
    >
    assert.equal(u.nickname, 'Al')
    assert.equal(
      ((await client.users.read(u.id as string)) as unknown as Record<string, unknown>).nickname,
      'Al',
    )
    const [error] = await refusedOn(
      client.users.create({ username: 'bob', email: 'bob@example.com', nickname: 'x'.repeat(21) } as never),
      ['nickname'],
    )
    assert.match(error!, /at most 20/)
    // Filters are checked against the same schema.
    assert.equal(await client.users.count({ nickname: 'Al' }), 1)
  })
  it('the default client refuses that field as unknown', async () => {
    const client = new DBALClient({ adapter: new MemoryAdapter() })
    await refusedOn(client.users.create({ ...alice, nickname: 'Al' } as never), ['nickname'])
    await rejects(client.users.count({ nickname: 'Al' }), 'VALIDATION_ERROR')
  })
  it('createDbal({ schema, adapter }) takes it too', async () => {
    const db = await createDbal({ mode: 'development', schema, adapter: new MemoryAdapter({ schema }) })
    const u = (await db.users.create({ ...alice, nickname: 'Al' } as never)) as unknown as Record<
      string,
      unknown
    >
    assert.equal(u.nickname, 'Al')
    // as() and transactions keep the client's schema.
    const n = await db.transaction((tx) => tx.users.count({ nickname: 'Al' }))
    assert.equal(n, 1)
  })
  it('an adapter named in the config is opened on that schema too (SQLite creates the column)', async () => {
    const db = await createDbal({
      mode: 'development',
      schema,
      adapter: 'sqlite',
      database: { url: ':memory:' },
    })
    try {
      const u = (await db.users.create({ ...alice, nickname: 'Al' } as never)) as unknown as Record<
        string,
        unknown
      >
      assert.equal(u.nickname, 'Al')
      assert.equal(await db.users.count({ nickname: 'Al' }), 1)
    } finally {
      await db.close()
    }
  })
  it('a schema that is not a loaded Schema, or an unknown option, is VALIDATION_ERROR', () => {
    const refused = (options: unknown, field: string) => {
      assert.throws(
        () => new DBALClient(options as never),
        (e: unknown) => DBALError.is(e, 'VALIDATION_ERROR') && e.details?.fields?.[0]?.field === field,
      )
    }
    refused({ adapter: new MemoryAdapter(), schema: 'schema/' }, 'options.schema')
    refused({ mode: 'development', adapter: 'memory', schema: {} }, 'options.schema')
    refused({ adapter: new MemoryAdapter(), schemas: schema }, 'options.schemas')
  })
})
