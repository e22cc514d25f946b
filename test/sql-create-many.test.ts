/**
 * createMany sends its rows as multi-row INSERTs of up to INSERT_BATCH rows: a batch larger than one
 * statement must still be all or nothing (CONTRACT §4: createMany is atomic), and a bad row in a later
 * statement must be explained like a bad row in the first (CONFLICT naming the field, or
 * VALIDATION_ERROR naming the dangling reference), on every SQL backend.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { INSERT_BATCH } from '../adapters/sql/statements.ts'
import { DBALError } from '../core/errors.ts'
import type { Row } from '../core/validate.ts'
import { sqlBackends, type OpenedSql } from './sql-backends.ts'

const TS = '2030-01-01T00:00:00.000Z'
const N = INSERT_BATCH * 2 + 50
const id = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`
const user = (i: number): Row => ({
  id: id(i),
  username: `u${i}`,
  email: `u${i}@example.com`,
  role: 'user',
  createdAt: TS,
  updatedAt: TS,
})

for (const b of sqlBackends('createmany'))
  describe(`createMany in several statements on ${b.name}`, { skip: b.skip }, () => {
    let db: OpenedSql
    before(async () => (db = await b.open()))
    after(() => db?.close())

    it(`stores ${N} rows, in order`, async () => {
      await db.adapter.reset()
      assert.equal(
        await db.adapter.createMany(
          'User',
          Array.from({ length: N }, (_, i) => user(i)),
        ),
        N,
      )
      assert.equal(await db.adapter.count('User', { kind: 'all' }), N)
      assert.deepEqual(await db.adapter.read('User', id(N - 1)), user(N - 1))
    })

    it('a duplicate in the last statement: CONFLICT naming the field, and nothing stored', async () => {
      await db.adapter.reset()
      const rows = Array.from({ length: N }, (_, i) => user(i))
      rows[N - 3] = { ...user(N - 3), email: user(7).email }
      const e = await db.adapter.createMany('User', rows).then(
        () => assert.fail('stored a duplicate'),
        (x: unknown) => x,
      )
      assert.ok(DBALError.is(e, 'CONFLICT'), String(e))
      assert.deepEqual(e.details?.unique, ['email'])
      assert.equal(await db.adapter.count('User', { kind: 'all' }), 0)
    })

    it('a dangling reference in the second statement: VALIDATION_ERROR naming it, nothing stored', async () => {
      await db.adapter.reset()
      await db.adapter.create('User', user(0))
      const session = (i: number, userId: string): Row => ({
        id: id(10_000 + i),
        userId,
        token: `token-${String(i).padStart(16, '0')}`,
        expiresAt: '2099-01-01T00:00:00.000Z',
        createdAt: TS,
        lastActivity: TS,
      })
      const rows = Array.from({ length: INSERT_BATCH + 10 }, (_, i) => session(i, id(0)))
      rows[INSERT_BATCH + 5] = session(INSERT_BATCH + 5, id(999_999))
      const e = await db.adapter.createMany('Session', rows).then(
        () => assert.fail('stored a dangling reference'),
        (x: unknown) => x,
      )
      assert.ok(DBALError.is(e, 'VALIDATION_ERROR'), String(e))
      assert.deepEqual(
        e.details?.fields?.map((f) => f.field),
        ['userId'],
      )
      assert.equal(await db.adapter.count('Session', { kind: 'all' }), 0)
    })
  })
