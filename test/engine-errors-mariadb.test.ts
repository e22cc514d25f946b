/**
 * MariaDB's conditions provoked on the real server through Sequelize's mariadb dialect (the one MariaDB
 * family today): a deadlock between two of the adapter's transactions, a lock wait past
 * innodb_lock_wait_timeout, values the column refuses, a refused login and connection; SIGNAL then
 * makes the server send every errno of the table (mariadb/codes.ts) as a real error. A scratch
 * database, dropped afterwards.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Sequelize, Transaction } from 'sequelize'
import { ERROR_OF } from '../adapters/meaning.ts'
import { createSequelizeAdapter, toDBALError, type SequelizeAdapter } from '../adapters/sequelize/index.ts'
import { barrier, caught, expectError, MARIADB_CASES } from './engine-errors-common.ts'
import { ID, userRow } from './helpers.ts'
import { scratchDatabase, skipMariadb, type TestDatabase } from './servers.ts'

describe('MariaDB conditions through Sequelize', { skip: skipMariadb }, () => {
  let db: TestDatabase
  let adapter: SequelizeAdapter
  let s: Sequelize
  /** A statement on the instance (in `t` when given), its failure mapped by errors.ts. */
  const query = (sql: string, t?: Transaction) =>
    s.query(sql, t ? { transaction: t } : {}).catch((e: unknown) => Promise.reject(toDBALError(e)))

  before(async () => {
    const p = await scratchDatabase('sequelize-mariadb', `t${process.pid}`, 'engerr')
    if ('notRun' in p) assert.fail(p.notRun)
    db = p
    adapter = createSequelizeAdapter({ dialect: 'mariadb', url: db.url, poolMax: 4 })
    await adapter.migrate()
    for (const n of [1, 2]) await adapter.create('User', userRow(n))
    s = adapter.db.sequelize
    await s.query('CREATE TABLE refusals (i INT NOT NULL, v VARCHAR(2)) ENGINE=InnoDB')
  })
  after(async () => {
    await adapter?.close()
    await db?.drop()
  })

  it('1213 deadlock between two transactions, through the adapter: DATABASE_ERROR, retryable', async () => {
    const meet = barrier()
    const cross = (first: number, second: number) =>
      adapter.transaction(async (tx) => {
        await tx.update('User', ID(first), { role: 'admin' })
        await meet.arrive()
        await tx.update('User', ID(second), { role: 'admin' })
      })
    const results = await Promise.allSettled([cross(1, 2), cross(2, 1)])
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    assert.equal(failed.length, 1, 'InnoDB rolls one back, the other commits')
    expectError(failed[0]!.reason, 'DATABASE_ERROR', { errno: 1213 })
  })

  it('1205 lock wait past innodb_lock_wait_timeout (1 s, this statement only): TIMEOUT', async () => {
    const holder = await s.transaction()
    const waiter = await s.transaction()
    try {
      await query(`UPDATE users SET role = 'god' WHERE id = '${ID(2)}'`, holder)
      const e = await caught(() =>
        query(
          `SET STATEMENT innodb_lock_wait_timeout = 1 FOR UPDATE users SET role = 'user' WHERE id = '${ID(2)}'`,
          waiter,
        ),
      )
      expectError(e, 'TIMEOUT', { errno: 1205 })
    } finally {
      await waiter.rollback().catch(() => undefined)
      await holder.rollback()
    }
  })

  for (const [errno, sql] of [
    [1264, 'INSERT INTO refusals (i) VALUES (99999999999)'],
    [1406, `INSERT INTO refusals (i, v) VALUES (1, 'abc')`],
    [1366, `INSERT INTO refusals (i) VALUES ('abc')`],
    [1048, 'INSERT INTO refusals (i) VALUES (NULL)'],
  ] as const)
    it(`${errno}: a value the column refuses is VALIDATION_ERROR`, async () => {
      const e = expectError(await caught(() => query(sql)), 'VALIDATION_ERROR', { errno })
      assert.equal(
        e.details?.fields?.[0]?.error,
        errno === 1048 ? 'is required' : 'is not a value the database accepts',
      )
    })

  it('every errno of the table, signalled by the server, gives its code', async () => {
    for (const [errno, meaning] of MARIADB_CASES) {
      if (meaning === 'unique' || meaning === 'reference') continue
      const e = await caught(() =>
        query(`SIGNAL SQLSTATE '45000' SET MYSQL_ERRNO = ${errno}, MESSAGE_TEXT = 'signalled'`),
      )
      expectError(e, ERROR_OF[meaning], { errno })
    }
  })

  it('1045 a login refused: INTERNAL_ERROR, not retryable (a retry is refused again)', async () => {
    const u = new URL(db.url)
    u.username = 'dbal_no_such_user'
    u.password = 'wrong'
    const a = createSequelizeAdapter({ dialect: 'mariadb', url: u.toString() })
    try {
      expectError(await caught(() => a.read('User', ID(1))), 'INTERNAL_ERROR', { errno: 1045 })
    } finally {
      await a.close()
    }
  })

  it('a refused connection: DATABASE_ERROR', async () => {
    const a = createSequelizeAdapter({
      dialect: 'mariadb',
      url: 'mariadb://root@127.0.0.1:1/nowhere',
      connectTimeoutMs: 2000,
    })
    try {
      expectError(await caught(() => a.read('User', ID(1))), 'DATABASE_ERROR')
    } finally {
      await a.close()
    }
  })
})
