/**
 * DBALClient.transaction on real SQLite files (and the reference): the result comes back, a throw rolls
 * back and is rethrown unchanged, entity operations with transactions of their own (credentials.set,
 * components.reorder) nest inside and roll back with it, the ACL and the audit apply to every call of a
 * client from as(), a timeout rolls back, calls after the end fail, and capabilities decide what a
 * backend without (nested) transactions answers.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import type { Adapter, Capabilities } from '../core/adapter.ts'
import { sqliteAdapter } from '../adapters/sqlite/index.ts'
import { MemoryAuditSink } from '../core/audit.ts'
import { DBALClient } from '../core/client.ts'
import { MemoryAdapter } from '../reference/memory.ts'
import { FAST_SCRYPT, rejects } from './helpers.ts'

const dir = mkdtempSync(join(tmpdir(), 'dbal-tx-'))
after(() => rmSync(dir, { recursive: true, force: true }))
let files = 0

async function sqlite(): Promise<Adapter> {
  const a = sqliteAdapter({ filename: join(dir, `db${++files}.sqlite`) })
  await a.migrate()
  return a
}

/** The same adapter declaring fewer capabilities: a backend without them, as far as the client can tell. */
function lacking(a: Adapter, names: (keyof Capabilities)[]): Adapter {
  const limited = Object.create(a) as Adapter
  limited.capabilities = async () => ({
    ...(await a.capabilities()),
    ...Object.fromEntries(names.map((n) => [n, false])),
  })
  return limited
}

const user = (name: string, role = 'user') => ({
  username: name,
  email: `${name}@example.com`,
  role: role as 'user',
})

for (const [name, open] of [
  ['sqlite', sqlite],
  ['reference', async () => new MemoryAdapter()],
] as const) {
  describe(`DBALClient.transaction (${name})`, () => {
    it('returns the result of fn and keeps its writes, entity operations included', async () => {
      const db = new DBALClient({ adapter: await open(), scrypt: FAST_SCRYPT })
      const username = await db.transaction(async (tx) => {
        const u = await tx.users.create(user('alice'))
        await tx.credentials.set({ username: 'alice', password: 'correct horse' })
        return (await tx.users.read(u.id)).username
      })
      assert.equal(username, 'alice')
      assert.equal(await db.credentials.verify({ username: 'alice', password: 'correct horse' }), true)
    })

    it('rolls back on a throw and rethrows the very error; nested operations roll back with it', async () => {
      const db = new DBALClient({ adapter: await open(), scrypt: FAST_SCRYPT })
      const page = await db.pages.create({ slug: '/p', title: 'P', level: 1, layout: {} })
      const x = await db.components.create({ pageId: page.id, componentType: 'X', order: 0 })
      const mine = new Error('no')
      const thrown = await db
        .transaction(async (tx) => {
          await tx.users.create(user('bob'))
          await tx.credentials.set({ username: 'bob', password: 'pw pw pw' })
          await tx.components.reorder([{ id: x.id, order: 5 }])
          throw mine
        })
        .catch((e: unknown) => e)
      assert.equal(thrown, mine)
      assert.equal(await db.users.count(), 0)
      assert.equal((await db.components.read(x.id)).order, 0)
      await rejects(db.credentials.verify({ username: 'bob', password: 'pw pw pw' }), 'UNAUTHORIZED')
    })

    it('rolls back a savepoint alone and commits the outer transaction', async () => {
      const db = new DBALClient({ adapter: await open() })
      await db.transaction(async (tx) => {
        await tx.users.create(user('alice'))
        await rejects(
          tx.transaction(async (inner) => {
            await inner.users.create(user('bob'))
            await inner.users.create(user('alice'))
          }),
          'CONFLICT',
        )
        assert.equal(await tx.users.count(), 1)
      })
      assert.deepEqual(
        (await db.users.list()).data.map((u) => u.username),
        ['alice'],
      )
    })

    it('authorizes and audits every call of a client from as(), and a refusal rolls back', async () => {
      const audit = new MemoryAuditSink()
      const db = new DBALClient({ adapter: await open(), audit })
      const alice = await db.users.create(user('alice'))
      const asAlice = db.as(alice)
      await rejects(
        asAlice.transaction(async (tx) => {
          await tx.users.update(alice.id, { email: 'new@example.com' })
          await tx.pages.create({ slug: '/x', title: 'X', level: 1, layout: {} })
        }),
        'FORBIDDEN',
      )
      assert.equal((await db.users.read(alice.id)).email, 'alice@example.com')
      const actor = { id: alice.id, username: 'alice', role: 'user' }
      assert.deepEqual(
        audit.records.map((r) => [r.actor, `${r.entity}.${r.operation}`, r.success, r.code]),
        [
          [actor, 'User.update', true, undefined],
          [actor, 'PageView.create', false, 'FORBIDDEN'],
        ],
      )
    })

    it('rolls back with TIMEOUT past timeoutMs, and refuses calls on tx after the end', async () => {
      const db = new DBALClient({ adapter: await open() })
      let kept: DBALClient | undefined
      await rejects(
        db.transaction(
          async (tx) => {
            kept = tx
            await tx.users.create(user('alice'))
            await new Promise((r) => setTimeout(r, 200))
          },
          { timeoutMs: 20 },
        ),
        'TIMEOUT',
      )
      assert.equal(await db.users.count(), 0)
      const late = await rejects(kept!.users.count(), 'VALIDATION_ERROR')
      assert.match(String(late.details?.reason), /transaction has ended/)
      await rejects(
        kept!.transaction(async () => 1),
        'VALIDATION_ERROR',
      )
    })

    it('answers CAPABILITY_NOT_SUPPORTED where the backend lacks (nested) transactions', async () => {
      const a = await open()
      await rejects(
        new DBALClient({ adapter: lacking(a, ['transactions']) }).transaction(async () => 1),
        'CAPABILITY_NOT_SUPPORTED',
      )
      const flat = new DBALClient({ adapter: lacking(a, ['nestedTransactions']) })
      await rejects(
        flat.transaction(async (tx) => {
          await tx.users.create(user('carol'))
          return tx.transaction(async () => 1)
        }),
        'CAPABILITY_NOT_SUPPORTED',
      )
      assert.equal(await flat.users.count(), 0)
    })
  })
}
