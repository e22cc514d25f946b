/**
 * A failure that recurs on every retry is never retryable. DATABASE_ERROR and TIMEOUT are the retryable
 * codes (schema/errors.yaml; CONTRACT §3: DATABASE_ERROR is for a lost, refused or unreachable
 * database), so the native errors that a retry meets again (a statement the server refuses as too
 * big or malformed, a damaged file, a role or database that does not exist) are INTERNAL_ERROR.
 * Each native error is provoked on a real database: through the adapter where one of its operations
 * can reach it, else on the same driver, and handed to the adapter's errors.ts.
 */
import assert from 'node:assert/strict'
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { PGlite } from '@electric-sql/pglite'
import Database from 'better-sqlite3'
import pg from 'pg'
import { classify as postgresClassify } from '../adapters/postgres/errors.ts'
import { postgresAdapter } from '../adapters/postgres/index.ts'
import { classify as sqliteClassify } from '../adapters/sqlite/errors.ts'
import { sqliteAdapter } from '../adapters/sqlite/index.ts'
import type { Fault } from '../adapters/sql/explain.ts'
import type { DBALError, ErrorCode } from '../core/errors.ts'
import { entityOf } from '../core/schema.ts'
import { provisionPostgres, type ProvisionedDatabase } from '../harness/provision/postgres.ts'
import { skipPostgres } from './servers.ts'
import { ID, rejects, userRow } from './helpers.ts'

const user = entityOf('User')

/** The DBALError a fault carries, checked for its code and whether it is retryable. */
function mapped(f: Fault, code: ErrorCode): DBALError {
  assert.equal(f.kind, 'error')
  const e = (f as Extract<Fault, { kind: 'error' }>).error
  assert.equal(e.code, code, JSON.stringify(e.details))
  assert.equal(e.retryable, code === 'DATABASE_ERROR' || code === 'TIMEOUT')
  return e
}

/** The error `fn` rejects with (it must reject). */
async function failure(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn()
  } catch (e) {
    return e
  }
  assert.fail('expected a failure')
}

const params = (n: number) => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ')
/** 65,536 parameters: the protocol counts them in 16 bits, so the server sees a broken Bind message. */
const TOO_MANY = `SELECT array_length(ARRAY[${params(65_536)}]::int[], 1) AS n`
const TOO_MANY_VALUES = Array.from({ length: 65_536 }, () => 1)
const TOO_MANY_ARGUMENTS = `SELECT concat(${Array.from({ length: 101 }, () => '1').join(', ')})`

describe('PostgreSQL: permanent failures are INTERNAL_ERROR', { skip: skipPostgres }, () => {
  let db: ProvisionedDatabase
  let c: pg.Client
  before(async () => {
    const p = await provisionPostgres(`t${process.pid}`, 'permanent')
    if ('notRun' in p) throw new Error(p.notRun)
    db = p
    c = new pg.Client({ connectionString: db.url })
    await c.connect()
  })
  after(async () => {
    await c?.end()
    await db?.drop()
  })
  const sqlstate = async (sql: string, values?: unknown[]) => {
    const e = await failure(() => c.query(sql, values))
    return mapped(postgresClassify(e, user), 'INTERNAL_ERROR').details?.sqlstate
  }

  it('08P01 protocol_violation (more parameters than the protocol counts)', async () => {
    assert.equal(await sqlstate(TOO_MANY, TOO_MANY_VALUES), '08P01')
    // The connection is fine afterwards: nothing about it was unavailable.
    assert.deepEqual((await c.query('SELECT 1 AS x')).rows, [{ x: 1 }])
  })

  it('class 54 program_limit_exceeded: 54023 too many arguments, 54001 stack depth', async () => {
    assert.equal(await sqlstate(TOO_MANY_ARGUMENTS), '54023')
    await c.query(
      `CREATE FUNCTION dbal_recurse(n int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN dbal_recurse(n + 1); END $$`,
    )
    assert.equal(await sqlstate('SELECT dbal_recurse(0)'), '54001')
  })

  it('58P01 undefined_file', async () => {
    assert.equal(await sqlstate(`SELECT pg_read_file('/nonexistent/dbal-test')`), '58P01')
  })

  it('class 28 (an unknown role) and 3D000 (an unknown database), through the adapter', async () => {
    const url = new URL(db.url)
    const nobody = new URL(db.url)
    nobody.username = 'dbal_no_such_role'
    nobody.password = ''
    const nowhere = new URL(db.url)
    nowhere.pathname = '/dbal_no_such_database'
    for (const [u, state] of [
      [nobody, /^28/],
      [nowhere, /^3D000$/],
    ] as const) {
      const a = postgresAdapter({ url: u.toString(), connectTimeoutMs: 5000 })
      try {
        const e = await rejects(a.read('User', ID(1)), 'INTERNAL_ERROR')
        assert.match(String(e.details?.sqlstate), state)
        assert.equal(e.retryable, false)
        assert.ok(!JSON.stringify(e.toJSON()).includes(url.host), 'no server address in the error')
      } finally {
        await a.close()
      }
    }
  })
})

describe('PGlite: permanent failures are INTERNAL_ERROR', () => {
  let g: PGlite
  before(async () => (g = await PGlite.create()))
  after(() => g?.close())

  it('08P01 and class 54, and the database goes on', async () => {
    for (const [sql, values, state] of [
      [TOO_MANY, TOO_MANY_VALUES, '08P01'],
      [TOO_MANY_ARGUMENTS, [], '54023'],
    ] as const) {
      const e = await failure(() => g.query(sql, [...values]))
      assert.equal(mapped(postgresClassify(e, user), 'INTERNAL_ERROR').details?.sqlstate, state)
    }
    assert.deepEqual((await g.query('SELECT 1 AS x')).rows, [{ x: 1 }])
  })
})

describe('SQLite: permanent failures are INTERNAL_ERROR', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dbal-permanent-'))
  after(() => rmSync(dir, { recursive: true, force: true }))
  const errno = (e: unknown) => mapped(sqliteClassify(e, user), 'INTERNAL_ERROR').details?.errno

  it('SQLITE_CORRUPT: a damaged table, through the adapter', async () => {
    const file = join(dir, 'corrupt.db')
    const a = sqliteAdapter({ filename: file })
    await a.migrate()
    for (let n = 1; n <= 5; n++) await a.create('User', userRow(n))
    await a.close()
    const raw = new Database(file, { readonly: true })
    const { rootpage } = raw.prepare(`SELECT rootpage FROM sqlite_master WHERE name = 'users'`).get() as {
      rootpage: number
    }
    const size = raw.pragma('page_size', { simple: true }) as number
    raw.close()
    const fd = openSync(file, 'r+')
    writeSync(fd, Buffer.alloc(size, 0xff), 0, size, (rootpage - 1) * size)
    closeSync(fd)
    const b = sqliteAdapter({ filename: file })
    try {
      const e = await rejects(b.read('User', ID(3)), 'INTERNAL_ERROR')
      assert.equal(e.details?.errno, 'SQLITE_CORRUPT')
    } finally {
      await b.close()
    }
  })

  it('NOTADB, READONLY, CANTOPEN, TOOBIG, ERROR (too many variables, too deep), bad arguments', () => {
    const notadb = join(dir, 'garbage.db')
    writeFileSync(notadb, Buffer.alloc(8192, 0x41))
    const readonly = join(dir, 'readonly.db')
    new Database(readonly).exec('CREATE TABLE t (x)')
    const cases: [string, () => unknown][] = [
      ['SQLITE_NOTADB', () => new Database(notadb).prepare('SELECT 1 FROM sqlite_master').get()],
      ['SQLITE_READONLY', () => new Database(readonly, { readonly: true }).exec('DELETE FROM t')],
      ['SQLITE_CANTOPEN', () => new Database(dir).prepare('SELECT 1').get()],
      ['SQLITE_TOOBIG', () => new Database(':memory:').prepare('SELECT zeroblob(2000000000)').get()],
      ['SQLITE_ERROR', () => new Database(':memory:').prepare(`SELECT ${'?, '.repeat(32_766)}?`)],
      ['SQLITE_ERROR', () => new Database(':memory:').prepare(`SELECT ${'NOT '.repeat(1001)}1`)],
      [undefined!, () => new Database(':memory:').prepare('SELECT ?').get(1, 2)],
    ]
    for (const [code, provoke] of cases) {
      let err: unknown
      try {
        provoke()
      } catch (e) {
        err = e
      }
      assert.ok(err, `${code} was provoked`)
      assert.equal(errno(err), code)
    }
  })

  it('result codes better-sqlite3 cannot be made to return (its own error class, each code)', () => {
    for (const code of ['SQLITE_PERM', 'SQLITE_AUTH', 'SQLITE_RANGE', 'SQLITE_READONLY_DBMOVED'])
      assert.equal(errno(new Database.SqliteError('native message', code)), code)
    // What a retry can get past stays retryable.
    for (const [code, expected] of [
      ['SQLITE_BUSY', 'TIMEOUT'],
      ['SQLITE_IOERR_WRITE', 'DATABASE_ERROR'],
      ['SQLITE_FULL', 'DATABASE_ERROR'],
      ['SQLITE_NOMEM', 'DATABASE_ERROR'],
      ['SQLITE_LOCKED', 'DATABASE_ERROR'],
      ['SQLITE_PROTOCOL', 'DATABASE_ERROR'],
    ] as const)
      mapped(sqliteClassify(new Database.SqliteError('native message', code), user), expected)
  })
})
