/**
 * Database faults under the adapters (issue 16): the connection killed mid-transaction (PostgreSQL's
 * pg_terminate_backend, MariaDB's KILL), a statement timeout mid-createMany (a lock held by another
 * connection); SQLite out of room is faults-sqlite.test.ts. Each one: the failure is DATABASE_ERROR or TIMEOUT (CONTRACT §3: connection lost / server out of resources is
 * DATABASE_ERROR, a statement past its limit TIMEOUT; both retryable), nothing of a failed write is in
 * the database, every acknowledged one is, and the same adapter writes again without being reopened.
 * Figures: reports/faults.json.
 */
import assert from 'node:assert/strict'
import { EventEmitter } from 'node:events'
import { after, before, describe, it } from 'node:test'
import { createConnection, type Connection } from 'mariadb'
import pg from 'pg'
import { openPostgres } from '../adapters/postgres/driver.ts'
import { postgresAdapter } from '../adapters/postgres/index.ts'
import { createSequelizeAdapter } from '../adapters/sequelize/index.ts'
import type { Adapter } from '../core/adapter.ts'
import { DBALClient } from '../core/client.ts'
import { connectionOptions } from '../harness/provision/mariadb.ts'
import { FaultLedger, report, user, usersByTag } from './fault-ledger.ts'
import { scratchDatabase, skipMariadb, skipPostgres, type TestDatabase } from './servers.ts'

const RUN = `t${process.pid}`

/**
 * Transactions of three creates; in every other one, between its first and second create, `kill` ends
 * the connections of the test database (the transaction's among them). A killed transaction must fail
 * with DATABASE_ERROR and leave nothing; the next one, on the same adapter, must commit.
 */
async function killMidTransaction(
  scenario: string,
  adapter: Adapter,
  kill: () => Promise<number>,
  diagnostic: (m: string) => void,
): Promise<void> {
  const c = new DBALClient({ adapter })
  const ledger = new FaultLedger(scenario)
  let killed = 0
  // Odd ones are killed; the last (12) is not, so the last kill is followed by a commit too.
  for (let i = 0; i < 13; i++) {
    const tag = `${scenario}${i}`
    const outcome = await ledger.track(
      tag,
      () =>
        c.transaction(async (tx) => {
          await tx.users.create(user(`${tag}-0`))
          if (i % 2 === 1) killed += await kill()
          await tx.users.create(user(`${tag}-1`))
          await tx.users.create(user(`${tag}-2`))
        }),
      3,
    )
    if (i % 2 === 1) {
      assert.equal(outcome, 'failed', `transaction ${i} survived its connection's end`)
      ledger.faultEnded()
    }
  }
  assert.ok(killed >= 6, `only ${killed} connections were ended`)
  assert.deepEqual(
    Object.keys(ledger.codes()),
    ['DATABASE_ERROR'],
    `codes met: ${JSON.stringify(ledger.codes())}`,
  )
  const f = await ledger.check(() => usersByTag(c))
  report(f, diagnostic)
  assert.equal(f.acknowledged, 7)
  assert.equal(f.failed, 6)
  assert.equal(f.lost, 0)
  assert.equal(f.duplicated, 0)
  assert.equal(f.phantom, 0, 'a killed transaction left rows behind')
  assert.notEqual(f.recoveryMs, null, 'the adapter never wrote again')
}

describe('PostgreSQL faults', { skip: skipPostgres }, () => {
  let db: TestDatabase
  let admin: pg.Client
  const dbName = () => new URL(db.url).pathname.slice(1)

  before(async () => {
    const p = await scratchDatabase('postgres', RUN, 'faultsdb')
    if ('notRun' in p) assert.fail(p.notRun)
    db = p
    admin = new pg.Client({ connectionString: db.url })
    await admin.connect()
  })
  after(async () => {
    await admin?.end()
    await db?.drop()
  })

  it('pg_terminate_backend mid-transaction: DATABASE_ERROR, nothing written, the pool goes on', async (t) => {
    const a = postgresAdapter({ url: db.url, pool: 4 })
    try {
      await a.migrate()
      await a.reset()
      const kill = async () =>
        (
          await admin.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
            [dbName()],
          )
        ).rowCount ?? 0
      await killMidTransaction('pg-terminate-mid-transaction', a, kill, (m) => t.diagnostic(m))
    } finally {
      await a.close()
    }
  })

  it('statement timeout mid-createMany (a lock held elsewhere): TIMEOUT, none of the rows', async (t) => {
    const a = postgresAdapter({ url: db.url, pool: 2, statementTimeoutMs: 300 })
    const c = new DBALClient({ adapter: a })
    const ledger = new FaultLedger('pg-statement-timeout-createMany')
    const batch = (tag: string) => Array.from({ length: 50 }, (_, k) => user(`${tag}-${k}`))
    try {
      await a.migrate()
      await a.reset()
      assert.equal(
        await ledger.track('before', () => c.users.createMany(batch('before')), 50),
        'acknowledged',
      )
      // SHARE mode conflicts with the ROW EXCLUSIVE lock every INSERT takes: the createMany waits.
      await admin.query('BEGIN')
      await admin.query('LOCK TABLE users IN SHARE MODE')
      try {
        for (const tag of ['held0', 'held1', 'held2'])
          assert.equal(await ledger.track(tag, () => c.users.createMany(batch(tag)), 50), 'failed')
      } finally {
        await admin.query('COMMIT')
        ledger.faultEnded()
      }
      assert.deepEqual(ledger.codes(), { TIMEOUT: 3 })
      assert.equal(await ledger.track('after', () => c.users.createMany(batch('after')), 50), 'acknowledged')
      const f = await ledger.check(() => usersByTag(c))
      report(f, (m) => t.diagnostic(m))
      assert.equal(f.failed, 3)
      assert.equal(f.phantom, 0, 'a timed-out createMany left rows behind')
      assert.equal(f.lost, 0)
      assert.equal(f.duplicated, 0)
      assert.equal(await c.users.count({}), 100)
    } finally {
      if (admin) await admin.query('ROLLBACK').catch(() => undefined)
      await a.close()
    }
  })
})

describe('MariaDB faults (Sequelize mariadb dialect)', { skip: skipMariadb }, () => {
  let db: TestDatabase
  let admin: Connection

  before(async () => {
    const p = await scratchDatabase('sequelize-mariadb', RUN, 'faultsdb')
    if ('notRun' in p) assert.fail(p.notRun)
    db = p
    admin = await createConnection(connectionOptions(db.url))
  })
  after(async () => {
    await admin?.end()
    await db?.drop()
  })

  it('KILL mid-transaction: DATABASE_ERROR, nothing written, the pool goes on', async (t) => {
    const a = createSequelizeAdapter({ dialect: 'mariadb', url: db.url, poolMax: 4 })
    try {
      await a.migrate()
      await a.reset()
      const name = new URL(db.url).pathname.slice(1)
      const kill = async () => {
        const rows = (await admin.query(
          'SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()',
          [name],
        )) as { ID: number | bigint }[]
        for (const r of rows) await admin.query(`KILL CONNECTION ${Number(r.ID)}`).catch(() => undefined)
        return rows.length
      }
      await killMidTransaction('mariadb-kill-mid-transaction', a, kill, (m) => t.diagnostic(m))
    } finally {
      await a.close()
    }
  })
})

describe('the pg driver and a leased connection that ends', () => {
  it('listens for its error while leased, and discards it on release', async () => {
    const emitter = new EventEmitter()
    let destroyed: boolean | undefined
    const client = Object.assign(emitter, {
      query: async () => ({ rows: [], rowCount: 0 }),
      release: (destroy?: boolean) => void (destroyed = destroy === true),
    })
    const driver = openPostgres({
      pool: { connect: async () => client, query: client.query, end: async () => {} },
    })
    const lease = await driver.lease()
    assert.equal(emitter.listenerCount('error'), 1)
    // Without a listener, EventEmitter throws an 'error' event: in pg, an uncaught exception.
    emitter.emit('error', new Error('terminating connection due to administrator command'))
    lease.release(false)
    assert.equal(destroyed, true, 'a connection that reported an error went back to the pool')
    assert.equal(emitter.listenerCount('error'), 0)
  })
})
