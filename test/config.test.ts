/**
 * The design's configuration at work (issue 9, item 4): its usage example against SQLite in
 * development mode and against a daemon in production mode, migration on first use (and not), one
 * shared initialization, sessions resolved to their users, and failures that name the package or URL.
 * The refusals at construction are in client-construct.test.ts.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { RemoteExecutor } from '../adapters/remote/index.ts'
import { sqliteAdapter } from '../adapters/sqlite/index.ts'
import { MemoryAuditSink } from '../core/audit.ts'
import { DBALClient } from '../core/client.ts'
import { createDbal, type DbalConfig } from '../core/config.ts'
import { DBALError } from '../core/errors.ts'
import { LocalExecutor } from '../core/executor.ts'
import { scratchDatabase } from './servers.ts'
import { testDaemon } from './daemon-helpers.ts'
import { FAST_SCRYPT, rejects } from './helpers.ts'

const dir = mkdtempSync(join(tmpdir(), 'dbal-config-'))
after(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
const file = () => join(dir, `app-${++n}.db`)
const week = () => new Date(Date.now() + 7 * 86_400_000).toISOString()

/** The design's usage example, as the README shows it, on any client. */
async function designExample(client: DBALClient): Promise<void> {
  const user = await client.users.create({ username: 'john', email: 'john@example.com', role: 'user' })
  const users = await client.users.list({ filter: { role: 'user' }, sort: { createdAt: 'desc' }, limit: 10 })
  assert.equal(users.data[0]?.id, user.id, 'the newest first')
  assert.ok(users.data.every((u) => u.role === 'user'))
}

describe('development mode', () => {
  it("the design's example: ready at once, the in-memory database migrated on first use", async () => {
    const client = new DBALClient({ mode: 'development', adapter: 'sqlite', database: { url: ':memory:' } })
    await designExample(client)
    await client.close()
  })

  it('concurrent first calls share one initialization (one database, migrated once)', async () => {
    // Two initializations would open two separate in-memory databases and split the rows between them.
    const client = new DBALClient({ mode: 'development', adapter: 'sqlite', database: { url: ':memory:' } })
    const made = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        client.users.create({ username: `user_${i}`, email: `u${i}@x.io` }),
      ),
    )
    assert.equal(made.length, 8)
    assert.equal(await client.users.count(), 8)
    await client.close()
  })

  it('migrate: false leaves a new database alone; production mode never migrates', async () => {
    for (const config of [{ mode: 'development', migrate: false }, { mode: 'production' }] as const) {
      const url = file()
      const client = new DBALClient({ ...config, adapter: 'sqlite', database: { url } })
      const e = await client.users.count().then(
        () => assert.fail('counted users in a database that has no tables'),
        (err: unknown) => err,
      )
      assert.ok(e instanceof DBALError, String(e))
      await client.close()
      const probe = sqliteAdapter({ filename: url })
      assert.ok((await probe.migrate()).length > 0, 'the client created tables')
      await probe.close()
    }
  })

  it('production mode works on a database migrated beforehand (dbal migrate)', async () => {
    const url = file()
    const setup = sqliteAdapter({ filename: url })
    await setup.migrate()
    await setup.close()
    const client = await createDbal({ mode: 'production', adapter: 'sqlite', database: { url } })
    await designExample(client)
    await client.close()
  })

  it('createDbal returns a client whose initialization is done: its adapter is there', async () => {
    const url = file()
    const client = await createDbal({ mode: 'development', adapter: 'sqlite', database: { url } })
    assert.equal(client.adapter.name, 'sqlite')
    assert.ok(client.executor instanceof LocalExecutor)
    assert.equal(await client.users.count(), 0)
    await client.close()
  })

  it('every named embedded adapter opens and migrates on its URL', async () => {
    for (const config of [
      { adapter: 'sequelize-sqlite', database: { url: `sqlite:${file()}` } },
      { adapter: 'pglite', database: { url: 'memory://' } },
      { adapter: 'memory' },
    ] as const) {
      const client = await createDbal({ mode: 'development', ...config })
      await designExample(client)
      await client.close()
    }
  })

  it('postgres by URL, migrated in development mode', async () => {
    const db = await scratchDatabase('postgres', `cfg${randomBytes(3).toString('hex')}`, 'config')
    assert.ok(!('notRun' in db), 'the local PostgreSQL server is required for this test')
    try {
      const client = await createDbal({ mode: 'development', adapter: 'postgres', database: { url: db.url } })
      await designExample(client)
      await client.close()
    } finally {
      await db.drop()
    }
  })

  it('a failure to open names the URL (never INTERNAL_ERROR); the password is not shown', async () => {
    const missing = join(dir, 'no-such-folder', 'app.db')
    const e = await rejects(
      createDbal({ mode: 'development', adapter: 'sqlite', database: { url: missing } }),
      'VALIDATION_ERROR',
    )
    const [field] = e.details!.fields!
    assert.equal(field!.field, 'options.database.url')
    assert.ok(field!.error.includes(missing), field!.error)
    assert.ok(!existsSync(missing))

    const url = 'postgres://dbal:s3cret-pw@127.0.0.1:1/x'
    const down = await rejects(
      createDbal({ mode: 'development', adapter: 'postgres', database: { url } }),
      'DATABASE_ERROR',
    )
    assert.equal(down.details?.database, 'postgres://dbal:***@127.0.0.1:1/x')
    assert.ok(!JSON.stringify(down.details).includes('s3cret-pw'))
    // On the typed client, the first call gets the same error, and the next call tries again.
    const lazy = new DBALClient({ mode: 'development', adapter: 'postgres', database: { url } })
    for (let i = 0; i < 2; i++)
      assert.equal((await rejects(lazy.users.count(), 'DATABASE_ERROR')).details?.step, 'migrating')
  })

  it('auth { user, session }: the session resolved to its stored user, who must be the one given', async () => {
    const url = file()
    const setup = await createDbal({
      mode: 'development',
      adapter: 'sqlite',
      database: { url },
      scrypt: FAST_SCRYPT,
    })
    const alice = await setup.users.create({ username: 'alice', email: 'a@x.io', role: 'user' })
    const bob = await setup.users.create({ username: 'bob', email: 'b@x.io', role: 'user' })
    const token = randomBytes(24).toString('hex')
    await setup.sessions.create({ userId: alice.id, token, expiresAt: week() })
    await setup.close()

    const base = { mode: 'development', adapter: 'sqlite', database: { url } } as const
    const audit = new MemoryAuditSink()
    const asAlice = await createDbal({ ...base, auth: { user: alice, session: token }, security: { audit } })
    assert.equal((await asAlice.users.read(alice.id)).username, 'alice')
    await rejects(asAlice.users.read(bob.id), 'FORBIDDEN')
    assert.ok(
      audit.records.some((r) => r.actor.username === 'alice'),
      'calls are audited as alice',
    )
    await asAlice.close()

    const sessionOnly = await createDbal({ ...base, auth: { session: { token, userId: alice.id } } })
    assert.equal((await sessionOnly.users.read(alice.id)).id, alice.id)
    await sessionOnly.close()

    for (const auth of [
      { user: bob, session: token },
      { session: { token, userId: bob.id } },
      { session: 'no-such-session-token' },
    ] satisfies DbalConfig['auth'][])
      await rejects(createDbal({ ...base, auth }), 'UNAUTHORIZED')
  })
})

describe('production mode: the endpoint is a daemon', () => {
  it("the design's example as a user with its session; the user and the session must agree", async () => {
    const d = await testDaemon()
    try {
      const sys = new RemoteExecutor({ url: d.url, token: d.token })
      const admin = (await sys.execute('User', 'create', {
        username: 'ada',
        email: 'ada@x.io',
        role: 'admin',
      })) as {
        id: string
        username: string
        role: string
      }
      const other = (await sys.execute('User', 'create', {
        username: 'eve',
        email: 'eve@x.io',
      })) as typeof admin
      const session = randomBytes(24).toString('hex')
      await sys.execute('Session', 'create', { userId: admin.id, token: session, expiresAt: week() })
      await sys.close()

      const client = new DBALClient({ mode: 'production', endpoint: d.url, auth: { user: admin, session } })
      await designExample(client)
      await client.close()

      await rejects(
        createDbal({ mode: 'production', endpoint: d.url, auth: { user: other, session } }),
        'UNAUTHORIZED',
      )
      await rejects(
        createDbal({ mode: 'production', endpoint: d.url, auth: { session: 'not-a-session' } }),
        'UNAUTHORIZED',
      )
      const service = await createDbal({ mode: 'production', endpoint: d.url, auth: { token: d.token } })
      assert.equal(await service.users.count(), 3, 'ada, eve and john')
      await service.close()
    } finally {
      await d.stop()
    }
  })
})
