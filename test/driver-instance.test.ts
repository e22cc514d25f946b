/**
 * Adapters built on the application's own driver instance (the Kysely way): a pg Pool, a better-sqlite3
 * Database, a PGlite, a Sequelize instance. Each serves create/read/list through DBALClient, and its
 * close() leaves the instance to its owner unless asked to close it. The driver packages' own types must fit the structural options.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { PGlite } from '@electric-sql/pglite'
import Database from 'better-sqlite3'
import pg from 'pg'
import { Sequelize } from 'sequelize'
import { pgliteAdapter } from '../adapters/pglite/index.ts'
import { postgresAdapter } from '../adapters/postgres/index.ts'
import { createSequelizeAdapter } from '../adapters/sequelize/index.ts'
import { sqliteAdapter } from '../adapters/sqlite/index.ts'
import type { ManagedAdapter } from '../core/adapter.ts'
import { DBALClient } from '../core/client.ts'
import { FAST_SCRYPT, rejects } from './helpers.ts'
import { scratchDatabase, skipPostgres, type TestDatabase } from './servers.ts'

const dir = mkdtempSync(join(tmpdir(), 'dbal-instance-'))
after(() => rmSync(dir, { recursive: true, force: true }))

/** create, read and list through the client; then the adapter refuses work once closed. */
async function serves(adapter: ManagedAdapter): Promise<void> {
  await adapter.migrate()
  const client = new DBALClient({ adapter, scrypt: FAST_SCRYPT })
  const u = await client.users.create({ username: 'owned', email: 'owned@example.com' })
  assert.equal((await client.users.read(u.id)).username, 'owned')
  const page = await client.users.list({})
  assert.deepEqual(
    page.data.map((x) => x.id),
    [u.id],
  )
  await adapter.close()
  await rejects(client.users.read(u.id), 'DATABASE_ERROR')
}

describe('postgresAdapter({ pool }) on a pg Pool', { skip: skipPostgres }, () => {
  let db: TestDatabase
  before(async () => {
    const p = await scratchDatabase('postgres', `t${process.pid}`, 'instance')
    if ('notRun' in p) assert.fail(p.notRun)
    db = p
  })
  after(() => db?.drop())

  it('serves the client and leaves the Pool open for its owner', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 2 })
    try {
      await serves(postgresAdapter({ pool }))
      assert.deepEqual((await pool.query('SELECT 1 AS x')).rows, [{ x: 1 }])
    } finally {
      await pool.end()
    }
  })

  it('closePool: true ends it', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 2 })
    const a = postgresAdapter({ pool, closePool: true })
    await a.count('User', { kind: 'all' }).catch(() => undefined)
    await a.close()
    assert.equal(pool.ended, true)
  })

  it('a number is still the size of a pool the adapter makes (and ends)', async () => {
    const a = postgresAdapter({ url: db.url, pool: 2 })
    await a.migrate()
    await a.close()
    await rejects(a.count('User', { kind: 'all' }), 'DATABASE_ERROR')
  })
})

describe('sqliteAdapter({ database }) on a better-sqlite3 Database', () => {
  it('serves the client and leaves the Database open for its owner', async () => {
    const database = new Database(join(dir, 'own.sqlite'))
    await serves(sqliteAdapter({ database }))
    assert.equal(database.open, true)
    assert.deepEqual(database.prepare('SELECT count(*) AS n FROM users').get(), { n: 1 })
    // Configured as the adapter needs it.
    assert.equal(database.pragma('foreign_keys', { simple: true }), 1)
    assert.equal(database.pragma('journal_mode', { simple: true }), 'wal')
    database.close()
  })

  it('closeDatabase: true closes it; a filename and a database together are refused', async () => {
    const database = new Database(':memory:')
    await sqliteAdapter({ database, closeDatabase: true }).close()
    assert.equal(database.open, false)
    const other = new Database(':memory:')
    assert.throws(() => sqliteAdapter({ database: other, filename: ':memory:' }), /not both/)
    other.close()
  })
})

describe('pgliteAdapter({ db }) on a PGlite', () => {
  it('serves the client and leaves the PGlite open for its owner; closeDb: true closes it', async () => {
    const db = await PGlite.create()
    await serves(await pgliteAdapter({ db }))
    assert.equal(db.closed, false)
    assert.deepEqual((await db.query('SELECT count(*)::int AS n FROM users')).rows, [{ n: 1 }])
    await (await pgliteAdapter({ db, closeDb: true })).close()
    assert.equal(db.closed, true)
  })
})

describe('createSequelizeAdapter({ sequelize }) on a Sequelize instance', () => {
  it('serves the client and leaves the instance open for its owner; closeSequelize: true closes it', async () => {
    const sequelize = new Sequelize({ dialect: 'sqlite', storage: join(dir, 'seq.sqlite'), logging: false })
    await serves(createSequelizeAdapter({ dialect: 'sqlite', sequelize }))
    // Left to its owner, as the other drivers' instances are.
    assert.ok(await sequelize.query('SELECT 1'))
    await sequelize.close()
    const owned = new Sequelize({ dialect: 'sqlite', storage: join(dir, 'seq2.sqlite'), logging: false })
    await serves(createSequelizeAdapter({ dialect: 'sqlite', sequelize: owned, closeSequelize: true }))
    await assert.rejects(owned.query('SELECT 1'))
  })

  it('refuses an instance of another dialect, or without the settings the codec needs', () => {
    const sqlite = new Sequelize({ dialect: 'sqlite', storage: ':memory:', logging: false })
    assert.throws(
      () => createSequelizeAdapter({ dialect: 'postgres', sequelize: sqlite }),
      /postgres instance/,
    )
    const local = new Sequelize('postgres://postgres@127.0.0.1:5432/test', {
      logging: false,
      timezone: '+02:00',
    })
    assert.throws(() => createSequelizeAdapter({ dialect: 'postgres', sequelize: local }), /timezone/)
    assert.throws(
      () => createSequelizeAdapter({ dialect: 'sqlite', sequelize: sqlite, url: 'sqlite::memory:' }),
      /exactly one/,
    )
    void sqlite.close()
    void local.close()
  })
})
