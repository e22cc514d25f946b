/**
 * What is particular to the SQLite adapter: the async lock around its one connection, savepoints,
 * storage formats in the file, WAL, busy and closed databases, and the primary-key read cost.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import Database from 'better-sqlite3'
import type { SqlAdapter } from '../adapters/sql/adapter.ts'
import { sqliteAdapter } from '../adapters/sqlite/index.ts'
import type { Adapter } from '../core/adapter.ts'
import { DBALError } from '../core/errors.ts'
import { ID, rejects, TS, userRow } from './helpers.ts'

const user = userRow
const page = (n: number) => ({
  id: ID(100 + n),
  slug: `p${n}`,
  title: 'T',
  description: null,
  level: 1,
  layout: { n, deep: { ok: true } },
  isActive: n % 2 === 0,
  createdAt: TS,
  updatedAt: TS,
})
const count = (a: Adapter) => a.count('User', { kind: 'all' })
const tick = () => new Promise((r) => setTimeout(r, 5))

async function fresh(filename?: string): Promise<SqlAdapter> {
  const a = sqliteAdapter({ filename })
  await a.migrate()
  return a
}

const dir = mkdtempSync(join(tmpdir(), 'dbal-sqlite-'))
after(() => rmSync(dir, { recursive: true, force: true }))

describe('sqlite transactions', () => {
  it('commits, and rolls back everything when the function throws', async () => {
    const a = await fresh()
    await a.transaction(async (tx) => void (await tx.create('User', user(1))))
    await assert.rejects(
      a.transaction(async (tx) => {
        await tx.create('User', user(2))
        await tx.createMany('User', [user(3), user(4)])
        throw new Error('boom')
      }),
      /boom/,
    )
    assert.equal(await count(a), 1)
    await a.close()
  })

  it('rolls a failed nested transaction back to its savepoint and keeps the outer one', async () => {
    const a = await fresh()
    const result = await a.transaction(async (tx) => {
      await tx.create('User', user(1))
      const inner = await tx
        .transaction(async (t2) => {
          await t2.create('User', user(2))
          await t2.create('User', user(3, 'user1'))
        })
        .catch((e: unknown) => e)
      // A failed statement does not end the transaction: the next one goes through.
      await tx.create('User', user(4))
      return inner
    })
    assert.ok(DBALError.is(result, 'CONFLICT'))
    assert.deepEqual(
      (
        await a.list('User', {
          filter: { kind: 'all' },
          sort: [{ field: 'id', dir: 'asc' }],
          offset: 0,
          limit: 10,
        })
      ).data.map((r) => r.username),
      ['user1', 'user4'],
    )
    await a.close()
  })

  it('makes operations from outside wait until the transaction has finished', async () => {
    const a = await fresh()
    const seen: string[] = []
    let outside: Promise<number> | undefined
    await a.transaction(async (tx) => {
      await tx.create('User', user(1))
      outside = count(a).then((n) => (seen.push(`outside saw ${n}`), n))
      await tick()
      await tx.create('User', user(2))
      seen.push('commit')
    })
    assert.equal(await outside, 2)
    assert.deepEqual(seen, ['commit', 'outside saw 2'])
    await a.close()
  })

  it('refuses an adapter whose transaction has finished', async () => {
    const a = await fresh()
    let leaked: Adapter | undefined
    await a.transaction(async (tx) => void (leaked = tx))
    await rejects(leaked!.create('User', user(1)), 'INTERNAL_ERROR')
    assert.equal(await count(a), 0)
    await a.close()
  })

  it('writes createMany all or nothing', async () => {
    const a = await fresh()
    const rows = Array.from({ length: 2000 }, (_, i) => user(i + 1))
    await rejects(a.createMany('User', [...rows, user(5000, 'user7')]), 'CONFLICT')
    assert.equal(await count(a), 0)
    assert.equal(await a.createMany('User', rows), 2000)
    assert.equal(await count(a), 2000)
    await a.close()
  })
})

describe('sqlite storage', () => {
  it('keeps booleans as 0/1, JSON as text and timestamps as canonical ISO text, in WAL mode', async () => {
    const file = join(dir, 'storage.db')
    const a = await fresh(file)
    const stored = await a.create('PageView', page(1))
    assert.deepEqual(stored, page(1))
    assert.deepEqual(await a.read('PageView', ID(101)), page(1))
    await a.close()
    const db = new Database(file, { readonly: true })
    const raw = db.prepare('SELECT is_active, layout, created_at FROM page_views').get() as Record<
      string,
      unknown
    >
    assert.deepEqual(raw, { is_active: 0, layout: JSON.stringify(page(1).layout), created_at: TS })
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal')
    db.close()
  })

  it('returns null and false for ids that cannot exist', async () => {
    const a = await fresh()
    const id = 'abcdef00-0000-4000-8000-00000000000a'
    await a.create('User', { ...user(1), id })
    assert.equal((await a.read('User', id))?.id, id)
    assert.equal(await a.read('User', id.toUpperCase()), null)
    assert.equal(await a.update('User', 'nope', { username: 'x' }), null)
    assert.equal(await a.delete('User', ID(2)), false)
    await a.close()
  })

  it('maps NOT NULL to VALIDATION_ERROR naming the wire field', async () => {
    const a = await fresh()
    const e = await rejects(
      a.create('Session', {
        id: ID(1),
        userId: null,
        token: 't'.repeat(16),
        expiresAt: TS,
        createdAt: TS,
        lastActivity: TS,
      }),
      'VALIDATION_ERROR',
    )
    assert.deepEqual(e.details?.fields, [{ field: 'userId', error: 'is required' }])
    await a.close()
  })
})

describe('sqlite failures', () => {
  it('reports a write lock held by another connection as TIMEOUT', async () => {
    const file = join(dir, 'busy.db')
    const holder = await fresh(file)
    const waiter = sqliteAdapter({ filename: file, busyTimeoutMs: 50 })
    let release!: () => void
    const held = holder.transaction(async (tx) => {
      await tx.create('User', user(1))
      await new Promise<void>((r) => (release = r))
    })
    await tick()
    // SQLITE_BUSY after the busy timeout: TIMEOUT, not an error of the write itself.
    const e = await rejects(waiter.create('User', user(2)), 'TIMEOUT')
    assert.equal(e.details?.entity, 'User')
    release()
    await held
    assert.ok(await waiter.create('User', user(2)))
    await Promise.all([holder.close(), waiter.close()])
  })

  it('reports a closed database as DATABASE_ERROR with the native error as cause', async () => {
    const a = await fresh()
    await a.close()
    const e = await rejects(a.read('User', ID(1)), 'DATABASE_ERROR')
    assert.ok(e.cause instanceof Error)
    assert.equal(JSON.stringify(e.toJSON()).includes('SELECT'), false)
  })
})

/** Run in a child process: inside node:test every await costs microseconds more (its async tracking). */
