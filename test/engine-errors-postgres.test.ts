/**
 * PostgreSQL's conditions provoked on the real server, for both families: the pg adapter (its errors.ts)
 * and Sequelize's postgres dialect must give the same DBALError. Through the adapters where an
 * operation can reach the condition (a deadlock between two transactions), else on each family's own
 * connection (pg.Client, the Sequelize instance). RAISE ... USING ERRCODE then makes the server send
 * every SQLSTATE of the table, so each is checked as a real server error too. Each family has a
 * scratch database of its own, dropped afterwards.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { Transaction, type Sequelize } from 'sequelize'
import { postgresAdapter } from '../adapters/postgres/index.ts'
import { classify } from '../adapters/postgres/errors.ts'
import { createSequelizeAdapter, toDBALError, type SequelizeAdapter } from '../adapters/sequelize/index.ts'
import type { SqlAdapter } from '../adapters/sql/adapter.ts'
import type { DBALError, ErrorCode } from '../core/errors.ts'
import { entityOf } from '../core/schema.ts'
import { ERROR_OF } from '../adapters/meaning.ts'
import { barrier, caught, expectError, POSTGRES_CASES } from './engine-errors-common.ts'
import { ID, userRow } from './helpers.ts'
import { scratchDatabase, skipPostgres, type TestDatabase } from './servers.ts'

const user = entityOf('User')

async function scratch(name: string): Promise<TestDatabase> {
  const db = await scratchDatabase(name, `t${process.pid}`, 'engerr')
  if ('notRun' in db) assert.fail(db.notRun)
  return db
}

/** The native family's DBALError for what a pg connection throws. */
function viaPg(err: unknown): DBALError {
  const f = classify(err, user)
  assert.equal(f.kind, 'error', `a fault, not an error: ${f.kind}`)
  return (f as { error: DBALError }).error
}

/** One family, seen the same way: an adapter, and a statement runner on a connection of its own. */
interface Family {
  readonly name: string
  adapter(): SqlAdapter | SequelizeAdapter
  /** Statements in order, each committed at once or in one transaction on one connection; failures mapped. */
  session(mode: Mode): Promise<Session>
}

type Mode = 'autocommit' | 'transaction' | 'repeatable read'

interface Session {
  query(sql: string): Promise<unknown>
  end(): Promise<void>
}

function pgFamily(db: () => TestDatabase): Family & { close(): Promise<void> } {
  let a: SqlAdapter | undefined
  return {
    name: 'pg',
    adapter: () => (a ??= postgresAdapter({ url: db().url, pool: 4 })),
    async session(mode) {
      const c = new pg.Client({ connectionString: db().url })
      await c.connect()
      if (mode === 'transaction') await c.query('BEGIN')
      if (mode === 'repeatable read') await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ')
      return {
        query: (sql) => c.query(sql).catch((e: unknown) => Promise.reject(viaPg(e))),
        end: () => c.end(),
      }
    },
    close: async () => a?.close(),
  }
}

function sequelizeFamily(db: () => TestDatabase): Family & { close(): Promise<void> } {
  let a: SequelizeAdapter | undefined
  const adapter = () => (a ??= createSequelizeAdapter({ dialect: 'postgres', url: db().url, poolMax: 4 }))
  return {
    name: 'sequelize',
    adapter,
    async session(mode) {
      const s: Sequelize = adapter().db.sequelize
      // A transaction holds one connection; without one, a pool may spread the statements.
      const t =
        mode === 'autocommit'
          ? undefined
          : await s.transaction({
              isolationLevel:
                mode === 'repeatable read' ? Transaction.ISOLATION_LEVELS.REPEATABLE_READ : undefined,
            })
      return {
        query: (sql) =>
          s.query(sql, { transaction: t }).catch((e: unknown) => Promise.reject(toDBALError(e))),
        end: async () => t?.rollback().catch(() => undefined),
      }
    },
    close: async () => a?.close(),
  }
}

/** Opens a session per mode, runs each [session, statement] in order, and ends them all. */
async function steps(f: Family, modes: readonly Mode[], statements: readonly [number, string][]) {
  const sessions: Session[] = []
  try {
    for (const m of modes) sessions.push(await f.session(m))
    for (const [i, sql] of statements) await sessions[i]!.query(sql)
  } finally {
    for (const x of sessions.reverse()) await x.end()
  }
}

describe('PostgreSQL conditions: pg and Sequelize agree', { skip: skipPostgres }, () => {
  let native: TestDatabase
  let seq: TestDatabase
  const families = [pgFamily(() => native), sequelizeFamily(() => seq)]
  before(async () => {
    native = await scratch('postgres')
    seq = await scratch('sequelize-postgres')
    for (const f of families) {
      await f.adapter().migrate()
      for (const n of [1, 2]) await f.adapter().create('User', userRow(n))
    }
  })
  after(async () => {
    for (const f of families) await f.close()
    await native?.drop()
    await seq?.drop()
  })

  /** Runs `provoke` on each family and checks both give `code` with this SQLSTATE. */
  async function agree(code: ErrorCode, sqlstate: string, provoke: (f: Family) => Promise<unknown>) {
    for (const f of families) {
      const e = expectError(await caught(() => provoke(f)), code)
      assert.equal(e.details?.sqlstate, sqlstate, `${f.name}: ${JSON.stringify(e.details)}`)
    }
  }

  it('40P01 deadlock between two transactions, through the adapter: DATABASE_ERROR, retryable', async () => {
    await agree('DATABASE_ERROR', '40P01', async (f) => {
      const meet = barrier()
      const cross = (first: number, second: number) =>
        f.adapter().transaction(async (tx) => {
          await tx.update('User', ID(first), { role: 'admin' })
          await meet.arrive()
          await tx.update('User', ID(second), { role: 'admin' })
        })
      const results = await Promise.allSettled([cross(1, 2), cross(2, 1)])
      const failed = results.filter((r) => r.status === 'rejected')
      assert.equal(failed.length, 1, 'one transaction is the victim, the other commits')
      throw (failed[0] as PromiseRejectedResult).reason
    })
  })

  it('40001 serialization failure (a concurrent update under REPEATABLE READ): DATABASE_ERROR', async () => {
    await agree('DATABASE_ERROR', '40001', async (f) => {
      await steps(
        f,
        ['repeatable read', 'autocommit'],
        [
          [0, `SELECT role FROM users WHERE id = '${ID(1)}'`],
          [1, `UPDATE users SET role = 'god' WHERE id = '${ID(1)}'`],
          [0, `UPDATE users SET role = 'user' WHERE id = '${ID(1)}'`],
        ],
      )
    })
  })

  it('55P03 lock_timeout: TIMEOUT', async () => {
    await agree('TIMEOUT', '55P03', async (f) => {
      await steps(
        f,
        ['transaction', 'transaction'],
        [
          [0, `UPDATE users SET role = 'god' WHERE id = '${ID(2)}'`],
          [1, `SET LOCAL lock_timeout = '50ms'`],
          [1, `UPDATE users SET role = 'user' WHERE id = '${ID(2)}'`],
        ],
      )
    })
  })

  it('57014 statement_timeout: TIMEOUT', async () => {
    await agree('TIMEOUT', '57014', async (f) => {
      await steps(
        f,
        ['transaction'],
        [
          [0, 'SET LOCAL statement_timeout = 50'],
          [0, 'SELECT pg_sleep(2)'],
        ],
      )
    })
  })

  for (const [sqlstate, sql] of [
    ['22P02', `SELECT 'x'::int`],
    ['22012', 'SELECT 1 / 0'],
    ['22003', 'SELECT 2147483647::int + 1'],
  ] as const)
    it(`class 22 ${sqlstate}: VALIDATION_ERROR`, async () => {
      await agree('VALIDATION_ERROR', sqlstate, (f) => steps(f, ['autocommit'], [[0, sql]]))
    })

  it('22001 a value too long for its column, and 23502 NOT NULL naming the field', async () => {
    await agree('VALIDATION_ERROR', '22001', async (f) => {
      await steps(
        f,
        ['transaction'],
        [
          [0, 'CREATE TEMP TABLE short_text (v varchar(2))'],
          [0, `INSERT INTO short_text VALUES ('abc')`],
        ],
      )
    })
    for (const f of families) {
      const s = await f.session('autocommit')
      try {
        const e = expectError(
          await caught(() => s.query(`INSERT INTO users (id, username) VALUES ('${ID(9)}', 'nomail')`)),
          'VALIDATION_ERROR',
          { sqlstate: '23502' },
        )
        assert.ok(
          JSON.stringify(e.details?.fields).includes('"email"'),
          `${f.name}: ${JSON.stringify(e.details)}`,
        )
      } finally {
        await s.end()
      }
    }
  })

  it('every SQLSTATE of the table, raised by the server: both families give its code', async () => {
    for (const [sqlstate, meaning] of POSTGRES_CASES) {
      if (meaning === 'unique' || meaning === 'reference') continue
      for (const f of families) {
        const s = await f.session('autocommit')
        try {
          const e = expectError(
            await caught(() =>
              s.query(`DO $$ BEGIN RAISE EXCEPTION 'raised' USING ERRCODE = '${sqlstate}'; END $$`),
            ),
            ERROR_OF[meaning],
          )
          assert.equal(e.details?.sqlstate, sqlstate, f.name)
        } finally {
          await s.end()
        }
      }
    }
  })

  it('a role that does not exist (class 28): INTERNAL_ERROR, not retryable, in both families', async () => {
    const u = new URL(native.url)
    u.username = 'dbal_no_such_role'
    const v = new URL(seq.url)
    v.username = 'dbal_no_such_role'
    const a = postgresAdapter({ url: u.toString(), connectTimeoutMs: 5000 })
    const b = createSequelizeAdapter({ dialect: 'postgres', url: v.toString() })
    try {
      for (const x of [a, b]) {
        const e = expectError(await caught(() => x.read('User', ID(1))), 'INTERNAL_ERROR')
        assert.match(String(e.details?.sqlstate), /^28/)
      }
    } finally {
      await a.close()
      await b.close()
    }
  })

  it('a refused connection: DATABASE_ERROR in both families', async () => {
    const url = 'postgres://postgres@127.0.0.1:1/nowhere'
    const a = postgresAdapter({ url, connectTimeoutMs: 2000 })
    const b = createSequelizeAdapter({ dialect: 'postgres', url, connectTimeoutMs: 2000 })
    try {
      for (const x of [a, b])
        expectError(await caught(() => x.read('User', ID(1))), 'DATABASE_ERROR', { errno: 'ECONNREFUSED' })
    } finally {
      await a.close()
      await b.close()
    }
  })
})
