/**
 * The undo log (adapters/mongo/undo.ts) on FerretDB, which has no multi-document transactions: the
 * adapter's transaction() takes back every write of a body that throws (creates, updates, cascading
 * deletes), a nested scope that throws takes back only its own writes while the outer one goes on, and
 * the body's own error comes back unchanged. Also: the adapter on a MongoClient the application owns.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { MongoClient } from 'mongodb'
import { databaseOf } from '../adapters/mongo/driver.ts'
import { mongoAdapter, type MongoAdapter } from '../adapters/mongo/index.ts'
import { ID, TS, userRow } from './helpers.ts'
import { scratchDatabase, skipFerretDB, type TestDatabase } from './servers.ts'

describe('the Mongo undo log on FerretDB', { skip: skipFerretDB }, () => {
  let db: TestDatabase
  let a: MongoAdapter

  before(async () => {
    const scratch = await scratchDatabase('ferretdb', `u${process.pid}`, 'mongoundo')
    if ('notRun' in scratch) assert.fail(scratch.notRun)
    db = scratch
    a = await mongoAdapter({ url: db.url })
    await a.migrate()
  })
  after(async () => {
    await a?.close()
    await db?.drop()
  })

  const usernames = async () =>
    (
      await a.list('User', {
        filter: { kind: 'all' },
        sort: [{ field: 'id', dir: 'asc' }],
        offset: 0,
        limit: 100,
      })
    ).data.map((r) => r.username)

  it('declares no transactions on FerretDB, detected at connect', async () => {
    assert.equal((await a.capabilities()).transactions, false)
    assert.equal(a.name, 'ferretdb')
  })

  it('a body that throws leaves nothing of its creates, updates and cascading deletes', async () => {
    await a.reset()
    await a.create('User', userRow(1))
    const session = {
      id: ID(9),
      userId: ID(1),
      token: 't'.repeat(32),
      expiresAt: '2099-01-01T00:00:00.000Z',
      createdAt: TS,
      lastActivity: TS,
    }
    await a.create('Session', session)
    const boom = new Error('boom')
    await assert.rejects(
      a.transaction(async (tx) => {
        await tx.create('User', userRow(2))
        await tx.update('User', ID(1), { username: 'renamed' })
        assert.equal(await tx.delete('User', ID(1)), true)
        assert.equal(await tx.count('Session', { kind: 'all' }), 0)
        throw boom
      }),
      (e: unknown) => e === boom,
    )
    assert.deepEqual(await usernames(), [userRow(1).username])
    assert.deepEqual(await a.read('Session', ID(9)), { ...session })
  })

  it('a nested scope that throws takes back its own writes; the outer one commits', async () => {
    await a.reset()
    await a.transaction(async (tx) => {
      await tx.create('User', userRow(1))
      await tx
        .transaction(async (inner) => {
          await inner.create('User', userRow(2))
          await inner.update('User', ID(1), { email: 'changed@example.com' })
          throw new Error('inner')
        })
        .catch(() => undefined)
      await tx.create('User', userRow(3))
    })
    assert.deepEqual(await usernames(), [userRow(1).username, userRow(3).username])
    assert.equal((await a.read('User', ID(1)))?.email, userRow(1).email)
  })

  it('a failed write inside a transaction undoes itself and the transaction goes on', async () => {
    await a.reset()
    await a.transaction(async (tx) => {
      await tx.create('User', userRow(1))
      await assert.rejects(tx.create('User', { ...userRow(2), email: userRow(1).email }), {
        code: 'CONFLICT',
      })
      await tx.create('User', userRow(3))
    })
    assert.deepEqual(await usernames(), [userRow(1).username, userRow(3).username])
  })

  it('runs on a MongoClient the application owns, and leaves it open when closed', async () => {
    const client = new MongoClient(db.url)
    try {
      const mine = await mongoAdapter({
        client,
        database: databaseOf(db.url),
      })
      await mine.reset()
      await mine.create('User', userRow(5))
      assert.equal((await a.read('User', ID(5)))?.username, userRow(5).username)
      await mine.close()
      assert.equal((await client.db('admin').command({ ping: 1 })).ok, 1)
      await assert.rejects(mine.count('User', { kind: 'all' }), { code: 'DATABASE_ERROR' })
    } finally {
      await client.close()
    }
  })
})
