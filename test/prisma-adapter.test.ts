/**
 * The Prisma adapter on the real servers (PostgreSQL, MariaDB) and on SQLite: an application's own
 * PrismaClient passed in (the DBAL and Prisma's model API see the same rows), nested transactions, and
 * the error mapping (errors.ts) on errors the databases really raise, through the adapter and as
 * Prisma's model API throws them (P2002, P2003, P2025), plus connection failures and timeouts.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { ManagedAdapter } from '../core/adapter.ts'
import { DBALClient } from '../core/client.ts'
import { DBALError } from '../core/errors.ts'
import {
  classifyPrisma,
  openPrisma,
  prismaAdapter,
  type PrismaProviderName,
} from '../adapters/prisma/index.ts'
import { FAST_SCRYPT, ID, TS, userRow } from './helpers.ts'
import { appPrisma, BACKEND_OF, type AppPrisma } from './prisma-helpers.ts'
import { scratchDatabase, skipMariadb, skipPostgres, type TestDatabase } from './servers.ts'

const SKIP: Readonly<Record<PrismaProviderName, string | false>> = {
  postgresql: skipPostgres,
  sqlite: false,
  mysql: skipMariadb,
}

/** The DBALError `p` rejects with. */
async function failure(p: Promise<unknown>): Promise<DBALError> {
  try {
    await p
  } catch (e) {
    assert.ok(e instanceof DBALError, `a DBALError, got ${String(e)}`)
    return e
  }
  return assert.fail('expected a failure')
}

/** What Prisma's model API threw, and what errors.ts makes of it. */
async function prismaFailure(p: Promise<unknown>, provider: PrismaProviderName) {
  try {
    await p
  } catch (e) {
    return { code: (e as { code?: unknown }).code, fault: classifyPrisma(provider, e) }
  }
  return assert.fail('expected Prisma to throw')
}

const script = (n: number, createdBy: string) => ({
  id: ID(n),
  name: `script${n}`,
  description: null,
  code: 'return 1',
  isSandboxed: true,
  allowedGlobals: [],
  timeoutMs: 1000,
  createdBy,
  createdAt: TS,
  updatedAt: TS,
})

for (const provider of ['postgresql', 'sqlite', 'mysql'] as const)
  describe(`${BACKEND_OF[provider]}: an application's own PrismaClient`, { skip: SKIP[provider] }, () => {
    let db: TestDatabase
    let prisma: AppPrisma
    let adapter: ManagedAdapter

    before(async () => {
      const made = await scratchDatabase(BACKEND_OF[provider], `t${process.pid}`, 'own')
      if ('notRun' in made) assert.fail(made.notRun)
      db = made
      prisma = await appPrisma(provider, db.url)
      adapter = prismaAdapter({ client: prisma, provider })
      assert.ok((await adapter.migrate()).length > 0, 'the first migrate creates the tables')
      assert.deepEqual(await adapter.migrate(), [], 'a second migrate changes nothing')
    })
    after(async () => {
      await adapter?.close()
      await prisma?.$disconnect()
      await db?.drop()
    })

    it('rows the DBAL writes are the rows Prisma’s model API reads, and back', async () => {
      const client = new DBALClient({ adapter, scrypt: FAST_SCRYPT })
      const alice = await client.users.create({ username: 'alice', email: 'alice@example.com' })
      const seen = await prisma.user.findUnique({ where: { username: 'alice' } })
      assert.equal(seen?.id, alice.id)
      assert.equal(seen?.email, 'alice@example.com')
      // SQLite keeps datetimes as canonical ISO text; the others as timestamps Prisma reads as Dates.
      const created = seen?.createdAt instanceof Date ? seen.createdAt.toISOString() : seen?.createdAt
      assert.equal(created, alice.createdAt)

      const at = provider === 'sqlite' ? TS : new Date(TS)
      await prisma.user.create({
        data: {
          id: ID(70),
          username: 'bob',
          email: 'bob@example.com',
          role: 'admin',
          createdAt: at,
          updatedAt: at,
        },
      })
      const bob = await client.users.read(ID(70))
      assert.equal(bob.role, 'admin')
      assert.equal(bob.createdAt, TS)
      const admins = await client.users.list({
        filter: { role: 'admin' },
        sort: { createdAt: 'desc' },
        limit: 10,
      })
      assert.deepEqual(
        admins.data.map((u) => u.username),
        ['bob'],
      )
    })

    it('plain reads go through Prisma’s query API, text operators and transactions through SQL', async () => {
      await adapter.reset()
      await adapter.create('User', userRow(1))
      await adapter.create('User', { ...userRow(2), role: 'admin' })
      const calls: string[] = []
      // The application's client, its user model watched: every other call is the client's own.
      const watched = new Proxy(prisma, {
        get(target, key, receiver) {
          const v: unknown = Reflect.get(target, key, receiver)
          if (key !== 'user') return typeof v === 'function' ? v.bind(target) : v
          return new Proxy(v as object, {
            get(d, m) {
              const f: unknown = Reflect.get(d, m)
              if (typeof f !== 'function') return f
              return (...args: unknown[]) => {
                calls.push(String(m))
                return f.apply(d, args)
              }
            },
          })
        },
      })
      const a = prismaAdapter({ client: watched, provider })
      const role = { kind: 'cmp', field: 'role', op: 'eq', value: 'admin' } as const
      const page = await a.list('User', {
        filter: role,
        sort: [{ field: 'id', dir: 'asc' }],
        offset: 0,
        limit: 10,
      })
      assert.deepEqual(
        page.data.map((u) => u.username),
        ['user2'],
      )
      assert.equal(page.total, 1)
      assert.equal((await a.read('User', ID(1)))?.username, 'user1')
      assert.equal(await a.count('User', role), 1)
      assert.deepEqual(calls, ['findMany', 'count', 'findUnique', 'count'])

      calls.length = 0
      const folded = { kind: 'cmp', field: 'username', op: 'contains', value: 'USER' } as const
      assert.equal(await a.count('User', folded), 2)
      assert.equal(await a.transaction((tx) => tx.count('User', role)), 1)
      assert.deepEqual(calls, [], 'case-folded matching and transactions are the DBAL’s SQL')
    })

    it('a failed nested transaction rolls back to its savepoint; the outer one commits', async () => {
      await adapter.reset()
      await adapter.transaction(async (tx) => {
        await tx.create('User', userRow(1))
        const inner = tx.transaction(async (t2) => {
          await t2.create('User', userRow(2))
          throw new Error('undo the inner one')
        })
        await assert.rejects(inner, /undo the inner one/)
      })
      assert.equal(await prisma.user.count(), 1)
      assert.notEqual(await adapter.read('User', ID(1)), null)
      assert.equal(await adapter.read('User', ID(2)), null)
    })

    it('maps constraint failures through the adapter: CONFLICT and VALIDATION_ERROR naming the field', async () => {
      await adapter.reset()
      await adapter.create('User', userRow(1))
      const dup = await failure(adapter.create('User', { ...userRow(2), username: 'user1' }))
      assert.equal(dup.code, 'CONFLICT')
      assert.deepEqual(dup.details?.unique, ['username'])

      const dangling = await failure(adapter.create('LuaScript', script(10, ID(99))))
      assert.equal(dangling.code, 'VALIDATION_ERROR')
      assert.deepEqual(
        (dangling.details?.fields as { field: string }[]).map((f) => f.field),
        ['createdBy'],
      )

      await adapter.create('LuaScript', script(11, ID(1)))
      const restricted = await failure(adapter.delete('User', ID(1)))
      assert.equal(restricted.code, 'CONFLICT')
      assert.notEqual(await adapter.read('User', ID(1)), null, 'the restricted delete left the row')

      assert.equal(await adapter.update('User', ID(98), { role: 'admin' }), null)
      assert.equal(await adapter.delete('User', ID(98)), false)
    })

    it('maps Prisma’s own P2002, P2003 and P2025 from its model API', async () => {
      await adapter.reset()
      await adapter.create('User', userRow(1))
      const at = provider === 'sqlite' ? TS : new Date(TS)
      const user = (n: number, username: string) => ({
        id: ID(n),
        username,
        email: `${username}-${n}@example.com`,
        role: 'user',
        createdAt: at,
        updatedAt: at,
      })
      const dup = await prismaFailure(prisma.user.create({ data: user(3, 'user1') }), provider)
      assert.equal(dup.code, 'P2002')
      assert.equal(dup.fault.kind, 'unique')

      const json = provider === 'postgresql' ? [] : '[]'
      const ref = await prismaFailure(
        prisma.luaScript.create({
          data: { ...script(12, ID(97)), allowedGlobals: json, createdAt: at, updatedAt: at },
        }),
        provider,
      )
      assert.equal(ref.code, 'P2003')
      assert.equal(ref.fault.kind, 'reference')

      const missing = await prismaFailure(
        prisma.user.update({ where: { id: ID(96) }, data: { role: 'admin' } }),
        provider,
      )
      assert.equal(missing.code, 'P2025')
      assert.equal(missing.fault.kind === 'error' && missing.fault.error.code, 'NOT_FOUND')
    })
  })

describe('prisma-postgres: connection failures and timeouts', { skip: skipPostgres }, () => {
  it('a server that does not answer is DATABASE_ERROR', async () => {
    const a = await openPrisma({
      provider: 'postgresql',
      url: 'postgres://postgres@127.0.0.1:1/none',
      connectTimeoutMs: 2000,
    })
    try {
      assert.equal((await failure(a.read('User', ID(1)))).code, 'DATABASE_ERROR')
    } finally {
      await a.close()
    }
  })
  it('a statement past statement_timeout is TIMEOUT', async () => {
    const made = await scratchDatabase('prisma-postgres', `t${process.pid}`, 'timeout')
    if ('notRun' in made) assert.fail(made.notRun)
    const prisma = await appPrisma(
      'postgresql',
      `${made.url}${made.url.includes('?') ? '&' : '?'}options=-c%20statement_timeout%3D200`,
    )
    try {
      const f = await prismaFailure(prisma.$queryRawUnsafe('SELECT pg_sleep(3)'), 'postgresql')
      assert.equal(f.fault.kind === 'error' && f.fault.error.code, 'TIMEOUT')
    } finally {
      await prisma.$disconnect()
      await made.drop()
    }
  })
})

describe('prisma-mariadb: connection failures and timeouts', { skip: skipMariadb }, () => {
  it('a server that does not answer is DATABASE_ERROR', async () => {
    const a = await openPrisma({
      provider: 'mysql',
      url: 'mariadb://root@127.0.0.1:1/none',
      connectTimeoutMs: 2000,
    })
    try {
      assert.equal((await failure(a.read('User', ID(1)))).code, 'DATABASE_ERROR')
    } finally {
      await a.close()
    }
  })
  it('a statement past max_statement_time is TIMEOUT', async () => {
    const made = await scratchDatabase('prisma-mariadb', `t${process.pid}`, 'timeout')
    if ('notRun' in made) assert.fail(made.notRun)
    const prisma = await appPrisma('mysql', made.url)
    try {
      // A cross join of the catalog runs for seconds; max_statement_time stops it with 1969.
      const slow = `SET STATEMENT max_statement_time = 0.2 FOR SELECT COUNT(*) AS n FROM information_schema.COLUMNS a, information_schema.COLUMNS b, information_schema.COLUMNS c`
      const f = await prismaFailure(prisma.$queryRawUnsafe(slow), 'mysql')
      assert.equal(f.fault.kind === 'error' && f.fault.error.code, 'TIMEOUT')
    } finally {
      await prisma.$disconnect()
      await made.drop()
    }
  })
})
