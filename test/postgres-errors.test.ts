/**
 * PostgreSQL errors, provoked on the real local server (a database of its own, dropped afterwards): each
 * native failure must arrive as the contract's code with the reference's details, and never carry SQL
 * text, the URL or a password. If the server is unreachable these tests fail; they never skip.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { postgresAdapter } from '../adapters/postgres/index.ts'
import type { SqlAdapter } from '../adapters/sql/adapter.ts'
import type { DBALError } from '../core/errors.ts'
import { provisionPostgres, type ProvisionedDatabase } from '../harness/provision/postgres.ts'
import { skipPostgres } from './servers.ts'
import { ID, rejects, TS, userRow } from './helpers.ts'

const user = userRow
const workflow = (n: number, createdBy: string) => ({
  id: ID(100 + n),
  name: `wf${n}`,
  description: null,
  trigger: 'manual',
  triggerConfig: {},
  steps: {},
  isActive: true,
  createdBy,
  createdAt: TS,
  updatedAt: TS,
})

/** Nothing of the statement, the server address or a password may reach an error's JSON. */
function assertClean(e: DBALError): void {
  const json = JSON.stringify(e.toJSON())
  for (const leak of ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'postgres://', '127.0.0.1', 's3cret'])
    assert.ok(!json.includes(leak), `${leak} in ${json}`)
}

let db: ProvisionedDatabase
let a: SqlAdapter
let admin: pg.Client

before(async () => {
  if (skipPostgres) return
  const p = await provisionPostgres(`t${process.pid}`, 'errors')
  if ('notRun' in p) throw new Error(p.notRun)
  db = p
  a = postgresAdapter({ url: db.url, pool: 4 })
  await a.migrate()
  admin = new pg.Client({ connectionString: db.url })
  await admin.connect()
  // A deliberately slow statement: inserting a script sleeps in a trigger.
  await admin.query(
    `CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(3); RETURN NEW; END $$`,
  )
  await admin.query(`CREATE TRIGGER slow BEFORE INSERT ON lua_scripts FOR EACH ROW EXECUTE FUNCTION slow()`)
})

after(async () => {
  await admin?.end()
  await a?.close()
  await db?.drop()
})

const script = (n: number, createdBy: string) => ({
  id: ID(200 + n),
  name: `s${n}`,
  description: null,
  code: 'return 1',
  isSandboxed: true,
  allowedGlobals: [],
  timeoutMs: 1000,
  createdBy,
  createdAt: TS,
  updatedAt: TS,
})

describe('postgres constraint errors', { skip: skipPostgres }, () => {
  it('23505 → CONFLICT naming the unique fields', async () => {
    await a.create('User', user(1, 'alice'))
    const e = await rejects(a.create('User', user(2, 'alice')), 'CONFLICT')
    assert.deepEqual(e.details, { entity: 'User', unique: ['username'] })
    assert.deepEqual((await rejects(a.create('User', user(1, 'bob')), 'CONFLICT')).details, {
      entity: 'User',
      unique: ['id'],
    })
    assertClean(e)
  })

  it('concurrent creates of one username: exactly one wins, the others are CONFLICT', async () => {
    const results = await Promise.allSettled(
      [10, 11, 12, 13, 14, 15].map((n) => a.create('User', user(n, 'racer'))),
    )
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1)
    for (const r of results)
      if (r.status === 'rejected')
        assert.deepEqual((r.reason as DBALError).toJSON().details, { entity: 'User', unique: ['username'] })
  })

  it('23503 on insert and update → VALIDATION_ERROR naming the field', async () => {
    const e = await rejects(a.create('Workflow', workflow(1, ID(999))), 'VALIDATION_ERROR')
    assert.deepEqual(e.details, {
      entity: 'Workflow',
      fields: [{ field: 'createdBy', error: 'references a missing User' }],
    })
    await a.create('Workflow', workflow(2, ID(1)))
    const u = await rejects(a.update('Workflow', ID(102), { createdBy: ID(998) }), 'VALIDATION_ERROR')
    assert.deepEqual(u.details?.fields, [{ field: 'createdBy', error: 'references a missing User' }])
    assertClean(e)
  })

  it('23503 on delete → CONFLICT naming the reference', async () => {
    const e = await rejects(a.delete('User', ID(1)), 'CONFLICT')
    assert.deepEqual(e.details, { entity: 'User', referencedBy: 'Workflow.createdBy' })
    assert.ok(await a.read('User', ID(1)))
  })

  it('a failed statement inside a transaction leaves the transaction usable', async () => {
    const r = await a.transaction(async (tx) => {
      const e = await tx.create('User', user(3, 'alice')).catch((x: unknown) => x)
      await tx.create('User', user(4, 'dave'))
      return e
    })
    assert.equal((r as DBALError).code, 'CONFLICT')
    assert.ok(await a.read('User', ID(4)))
  })

  it('22xxx (a value PostgreSQL refuses) → VALIDATION_ERROR', async () => {
    const e = await rejects(a.create('User', { ...user(5), createdAt: 'not a date' }), 'VALIDATION_ERROR')
    assert.equal(e.details?.sqlstate, '22007')
    assertClean(e)
  })
})

describe('postgres timeouts and lost connections', { skip: skipPostgres }, () => {
  it('57014 (statement timeout) → TIMEOUT, and the adapter keeps working', async () => {
    const quick = postgresAdapter({ url: db.url, statementTimeoutMs: 200 })
    try {
      // 57014: the server cancelled the statement (it did not run to its end and fail otherwise).
      const e = await rejects(quick.create('LuaScript', script(1, ID(1))), 'TIMEOUT')
      assert.equal(e.details?.sqlstate, '57014')
      assertClean(e)
      await rejects(
        quick.transaction((tx) => tx.create('LuaScript', script(2, ID(1)))),
        'TIMEOUT',
      )
      assert.equal(await quick.count('LuaScript', { kind: 'all' }), 0)
      assert.ok(await quick.read('User', ID(1)))
    } finally {
      await quick.close()
    }
  })

  it('a connection killed mid-query → DATABASE_ERROR, then the pool reconnects', async () => {
    // Awaited from the start, so that its rejection is handled the moment it comes.
    const pending = rejects(a.create('LuaScript', script(3, ID(1))), 'DATABASE_ERROR')
    let killed = 0
    for (let i = 0; i < 50 && killed === 0; i++) {
      await new Promise((r) => setTimeout(r, 50))
      const r = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'dbal' AND query LIKE 'INSERT INTO "lua_scripts"%' AND state = 'active'`,
      )
      killed = r.rowCount ?? 0
    }
    assert.equal(killed, 1, 'the slow insert was found and terminated')
    assertClean(await pending)
    assert.ok(await a.read('User', ID(1)))
  })

  it('connection refused → DATABASE_ERROR without the URL or password', async () => {
    const nowhere = postgresAdapter({
      url: 'postgres://postgres:s3cret@127.0.0.1:1/test',
      connectTimeoutMs: 2000,
    })
    try {
      const e = await rejects(nowhere.read('User', ID(1)), 'DATABASE_ERROR')
      assert.equal(e.details?.errno, 'ECONNREFUSED')
      assertClean(e)
      await rejects(
        nowhere.transaction(async () => 1),
        'DATABASE_ERROR',
      )
    } finally {
      await nowhere.close()
    }
  })
})
