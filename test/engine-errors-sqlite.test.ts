/**
 * SQLite's conditions provoked on real files, for both families: better-sqlite3 (the sqlite adapter's
 * errors.ts) and sqlite3 under Sequelize must give the same DBALError. BUSY with two connections on one
 * file, LOCKED on one sqlite3 connection (a table dropped under a pending statement; better-sqlite3
 * refuses to get there), FULL past max_page_count, READONLY, NOTADB, NOT NULL.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import Database from 'better-sqlite3'
import { Sequelize } from 'sequelize'
import sqlite3 from 'sqlite3'
import { createSequelizeAdapter, toDBALError, type SequelizeAdapter } from '../adapters/sequelize/index.ts'
import { classify } from '../adapters/sqlite/errors.ts'
import { sqliteAdapter } from '../adapters/sqlite/index.ts'
import type { SqlAdapter } from '../adapters/sql/adapter.ts'
import type { DBALError } from '../core/errors.ts'
import { entityOf } from '../core/schema.ts'
import { caught, expectError } from './engine-errors-common.ts'
import { ID, userRow } from './helpers.ts'

const user = entityOf('User')
const dir = mkdtempSync(join(tmpdir(), 'dbal-engerr-'))
after(() => rmSync(dir, { recursive: true, force: true }))
let files = 0
const file = () => join(dir, `db${++files}.sqlite`)

/** The native family's DBALError for what better-sqlite3 (or any SQLite driver) throws. */
function native(err: unknown): DBALError {
  const f = classify(err, user)
  assert.equal(f.kind, 'error', `a fault, not an error: ${f.kind}`)
  return (f as { error: DBALError }).error
}

/** What `fn` throws synchronously (better-sqlite3 is synchronous). */
function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (e) {
    return e
  }
  return assert.fail('expected a failure')
}

async function both(): Promise<{ a: SqlAdapter; b: SequelizeAdapter; files: [string, string] }> {
  const files: [string, string] = [file(), file()]
  const a = sqliteAdapter({ filename: files[0], busyTimeoutMs: 50 })
  const b = createSequelizeAdapter({ dialect: 'sqlite', url: `sqlite:${files[1]}` })
  for (const x of [a, b]) await x.migrate()
  return { a, b, files }
}

/** A connection holding the write lock of `f` until released. */
interface Holder {
  release(): Promise<void>
}

function nativeHolder(f: string): Holder {
  const db = new Database(f)
  db.exec('BEGIN IMMEDIATE')
  return { release: async () => void (db.open && db.close()) }
}

async function sqlite3Holder(f: string): Promise<Holder> {
  const db = new sqlite3.Database(f)
  await new Promise<void>((resolve, reject) => db.exec('BEGIN IMMEDIATE', (e) => (e ? reject(e) : resolve())))
  let closed: Promise<void> | undefined
  return { release: () => (closed ??= new Promise<void>((r) => db.close(() => r()))) }
}

/** A sqlite3 instance of the application's own on `storage`, configured by `mode`. */
const ownSequelize = (storage: string, mode?: number) =>
  new Sequelize({ dialect: 'sqlite', storage, logging: false, dialectOptions: mode ? { mode } : {} })

describe('SQLite conditions: better-sqlite3 and sqlite3 agree', () => {
  // The holder uses the same SQLite library as the adapter: two copies in one process do not see each
  // other's locks (POSIX locks belong to the process), so better-sqlite3 holds for the native adapter
  // and sqlite3 for Sequelize's.
  it('SQLITE_BUSY: another connection holds the write lock: TIMEOUT, through both adapters', async () => {
    const { a, b, files } = await both()
    await b.db.sequelize.query('PRAGMA busy_timeout = 50') // its one connection, as busyTimeoutMs for a
    const holders = [nativeHolder(files[0]), await sqlite3Holder(files[1])]
    try {
      for (const [adapter, holder] of [
        [a, holders[0]!],
        [b, holders[1]!],
      ] as const) {
        const e = expectError(await caught(() => adapter.create('User', userRow(1))), 'TIMEOUT')
        assert.equal(e.details?.errno, 'SQLITE_BUSY')
        await holder.release()
        // And the adapter goes on once the lock is gone.
        assert.equal(((await adapter.create('User', userRow(2))) as { id: string }).id, ID(2))
      }
    } finally {
      for (const h of holders) await h.release()
      await a.close()
      await b.close()
    }
  })

  it('SQLITE_LOCKED: a table dropped under a pending statement on one connection: DATABASE_ERROR', async () => {
    const db = new sqlite3.Database(file())
    const err = await new Promise<unknown>((resolve, reject) =>
      db.serialize(() => {
        db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1), (2)')
        const pending = db.prepare('SELECT x FROM t')
        pending.get(() => undefined)
        db.run('DROP TABLE t', (e) => {
          pending.finalize()
          if (e) resolve(e)
          else reject(new Error('the table was dropped'))
        })
      }),
    )
    await new Promise<void>((r) => db.close(() => r()))
    assert.equal((err as { code?: unknown }).code, 'SQLITE_LOCKED')
    for (const e of [toDBALError(err), native(err)])
      expectError(e, 'DATABASE_ERROR', { errno: 'SQLITE_LOCKED' })
  })

  it('SQLITE_FULL past max_page_count: DATABASE_ERROR, through both adapters', async () => {
    const files = [file(), file()]
    const database = new Database(files[0]!)
    const s = ownSequelize(files[1]!)
    const a = sqliteAdapter({ database })
    const b = createSequelizeAdapter({ dialect: 'sqlite', sequelize: s })
    try {
      await a.migrate()
      await b.migrate()
      const limit = (n: unknown) => `max_page_count = ${Number(n) + 2}`
      database.pragma(limit(database.pragma('page_count', { simple: true })))
      const [[count]] = (await s.query('PRAGMA page_count')) as [{ page_count: number }[], unknown]
      await s.query(`PRAGMA ${limit(count!.page_count)}`)
      for (const adapter of [a, b]) {
        const e = await caught(async () => {
          for (let n = 1; n <= 2000; n++) await adapter.create('User', userRow(n))
        })
        expectError(e, 'DATABASE_ERROR', { errno: 'SQLITE_FULL' })
      }
    } finally {
      await a.close()
      await b.close()
      database.close() // the owner closes a given Database; the Sequelize adapter closed its instance
    }
  })

  it('SQLITE_READONLY: a write to a read-only database: INTERNAL_ERROR, through both adapters', async () => {
    const { a, b, files } = await both()
    await a.close()
    await b.close()
    const database = new Database(files[0], { readonly: true })
    const s = ownSequelize(files[1], sqlite3.OPEN_READONLY)
    const ra = sqliteAdapter({ database })
    const rb = createSequelizeAdapter({ dialect: 'sqlite', sequelize: s })
    try {
      for (const adapter of [ra, rb]) {
        const e = expectError(await caught(() => adapter.create('User', userRow(1))), 'INTERNAL_ERROR')
        assert.match(String(e.details?.errno), /^SQLITE_READONLY/)
      }
    } finally {
      await ra.close()
      await rb.close()
      database.close() // the owner closes a given Database; the Sequelize adapter closed its instance
    }
  })

  it('SQLITE_NOTADB: a file that is no database: INTERNAL_ERROR in both families', async () => {
    const garbage = file()
    writeFileSync(garbage, Buffer.alloc(8192, 0x41))
    expectError(
      native(thrown(() => new Database(garbage).prepare('SELECT 1 FROM sqlite_master').get())),
      'INTERNAL_ERROR',
      {
        errno: 'SQLITE_NOTADB',
      },
    )
    const b = createSequelizeAdapter({ dialect: 'sqlite', url: `sqlite:${garbage}` })
    try {
      expectError(await caught(() => b.count('User', { kind: 'all' })), 'INTERNAL_ERROR', {
        errno: 'SQLITE_NOTADB',
      })
    } finally {
      await b.close()
    }
  })

  it('NOT NULL: VALIDATION_ERROR naming the field in both families', async () => {
    const { a, b, files } = await both()
    await a.close()
    try {
      const sql = `INSERT INTO users (id, username) VALUES ('${ID(9)}', 'nomail')`
      const raw = new Database(files[0])
      const e1 = native(thrown(() => raw.prepare(sql).run()))
      raw.close()
      const e2 = toDBALError(await caught(() => b.db.sequelize.query(sql)), { entity: user })
      for (const e of [e1, e2]) {
        expectError(e, 'VALIDATION_ERROR')
        assert.deepEqual(e.details?.fields, [{ field: 'email', error: 'is required' }])
      }
    } finally {
      await b.close()
    }
  })
})
