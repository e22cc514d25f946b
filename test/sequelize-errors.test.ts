/**
 * adapters/sequelize/errors.ts against real errors from the real servers (the local PostgreSQL and
 * MariaDB, SQLite in a temporary file): each native failure becomes the DBALError the contract names,
 * with the native error kept as `cause` and nothing of SQL, URL or password in message or details.
 * If a server is unreachable these tests fail: nothing is skipped.
 */
import assert from 'node:assert/strict'
import { tmpdir } from 'node:os'
import { after, before, describe, it } from 'node:test'
import { ForeignKeyConstraintError, QueryTypes, UniqueConstraintError } from 'sequelize'
import {
  createSequelizeAdapter,
  toDBALError,
  type DialectName,
  type SequelizeAdapter,
} from '../adapters/sequelize/index.ts'
import { DBALClient } from '../core/client.ts'
import { DBALError, type ErrorCode } from '../core/errors.ts'
import { scratchDatabase, type TestDatabase as ScratchDatabase } from './servers.ts'
import { FAST_SCRYPT } from './helpers.ts'
import { skipMariadb, skipPostgres } from './servers.ts'

const ALL = { kind: 'all' } as const
const MISSING = '00000000-0000-4000-8000-000000000404'

async function database(dialect: DialectName): Promise<ScratchDatabase> {
  const db = await scratchDatabase(`sequelize-${dialect}`, `t${process.pid}`, 'seqerr')
  if ('notRun' in db) assert.fail(db.notRun)
  return db
}

/** Awaits a DBALError with `code`; checks it carries no SQL, URL or password, and returns it. */
async function fails(p: Promise<unknown>, code: ErrorCode, secret?: string): Promise<DBALError> {
  const e = await p.then(
    () => assert.fail(`expected ${code}, but it succeeded`),
    (x: unknown) => x,
  )
  assert.ok(e instanceof DBALError, `expected a DBALError, got ${String(e)}`)
  assert.equal(e.code, code, `${e.code} ${JSON.stringify(e.details)}`)
  assert.ok(e.cause !== undefined, 'the native error is kept as cause')
  const wire = JSON.stringify(e.toJSON())
  for (const leak of ['SELECT', 'INSERT', 'DELETE', 'UPDATE ', '://', ...(secret ? [secret] : [])])
    assert.ok(!wire.includes(leak), `${leak} in ${wire}`)
  return e
}

/** Rejects a promise with a DBALError mapped by errors.ts (for statements run below the seam). */
const mapped = (p: Promise<unknown>) => p.catch((e: unknown) => Promise.reject(toDBALError(e)))

/** A query that waits `seconds` on the server. */
const sleep = (d: DialectName, seconds: number) =>
  d === 'postgres' ? `SELECT pg_sleep(${seconds})` : `SELECT SLEEP(${seconds})`

for (const dialect of ['sqlite', 'postgres', 'mariadb'] as const) {
  // The cases build on each other (node:test runs them in order): an owner, then rows referencing it.
  describe(
    `sequelize-${dialect}: native errors become DBALErrors`,
    { skip: dialect === 'postgres' ? skipPostgres : dialect === 'mariadb' && skipMariadb },
    () => {
      let db: ScratchDatabase
      let adapter: SequelizeAdapter
      let client: DBALClient
      let user: { id: string }
      before(async () => {
        db = await database(dialect)
        adapter = createSequelizeAdapter({ dialect, url: db.url })
        await adapter.migrate()
        client = new DBALClient({ adapter, scrypt: FAST_SCRYPT })
        user = await client.users.create({ username: 'owner', email: 'owner@example.com' })
      })
      after(async () => {
        await adapter?.close()
        await db?.drop()
      })
      it('a unique violation is CONFLICT naming the unique fields', async () => {
        const e = await fails(
          client.users.create({ username: 'owner', email: 'other@example.com' }),
          'CONFLICT',
        )
        assert.deepEqual(e.details, { entity: 'User', unique: ['username'] })
        assert.ok(e.cause instanceof UniqueConstraintError)
        await client.packages.create({ name: 'p', version: '1.0.0', author: 'a', manifest: {} })
        const pair = await fails(
          client.packages.create({ name: 'p', version: '1.0.0', author: 'b', manifest: {} }),
          'CONFLICT',
        )
        assert.deepEqual(pair.details, { entity: 'Package', unique: ['name', 'version'] })
        assert.equal(
          (await client.users.create({ username: 'Owner', email: 'Owner@example.com' })).username,
          'Owner',
          'case matters',
        )
      })

      it('a dangling reference on create and update is VALIDATION_ERROR naming the field', async () => {
        const wf = { name: 'w', trigger: 'manual' as const, triggerConfig: {}, steps: {} }
        const e = await fails(client.workflows.create({ ...wf, createdBy: MISSING }), 'VALIDATION_ERROR')
        assert.deepEqual(e.details, {
          entity: 'Workflow',
          fields: [{ field: 'createdBy', error: 'references a missing User' }],
        })
        assert.ok(e.cause instanceof ForeignKeyConstraintError)
        const w = await client.workflows.create({ ...wf, createdBy: user.id })
        const u = await fails(client.workflows.update(w.id, { createdBy: MISSING }), 'VALIDATION_ERROR')
        assert.deepEqual(u.details, e.details)
      })

      it('deleting a referenced row is CONFLICT naming the reference, and deletes nothing', async () => {
        await client.sessions.create({
          userId: user.id,
          token: 'session-token-0123456789',
          expiresAt: Date.now() + 60_000,
        })
        const e = await fails(client.users.delete(user.id), 'CONFLICT')
        assert.deepEqual(e.details, { entity: 'User', referencedBy: 'Workflow.createdBy' })
        assert.ok(e.cause instanceof ForeignKeyConstraintError)
        assert.equal(await client.sessions.count(), 1, 'the cascade was undone with the delete')
        await fails(client.users.deleteMany({ username: 'owner' }), 'CONFLICT')
      })

      it('a closed adapter answers DATABASE_ERROR', async () => {
        const other = createSequelizeAdapter({ dialect, url: db.url })
        await other.count('User', ALL)
        await other.close()
        await fails(other.count('User', ALL), 'DATABASE_ERROR')
      })

      if (dialect === 'sqlite') {
        // SQLITE_CANTOPEN: a retry meets it again, so not retryable (sqlite/codes.ts, as natively).
        it('a database that cannot be opened is INTERNAL_ERROR', async () => {
          const broken = createSequelizeAdapter({ dialect, url: `sqlite:${tmpdir()}` })
          const e = await fails(broken.count('User', ALL), 'INTERNAL_ERROR')
          assert.equal(e.details?.errno, 'SQLITE_CANTOPEN')
          await broken.close()
        })
        return
      }

      it('a statement over the timeout is TIMEOUT, through the seam and below it', async () => {
        const quick = createSequelizeAdapter({ dialect, url: db.url, statementTimeoutMs: 200 })
        try {
          const t = await fails(mapped(quick.db.sequelize.query(sleep(dialect, 3))), 'TIMEOUT')
          assert.equal(t.retryable, true)
          // A write that waits on a row another transaction holds.
          await adapter.transaction(async (tx) => {
            await tx.update('User', user.id, { role: 'admin' })
            const started = Date.now()
            await fails(quick.update('User', user.id, { role: 'god' }), 'TIMEOUT')
            assert.ok(Date.now() - started < 2500, 'gave up at the timeout')
          })
          assert.equal((await client.users.read(user.id)).role, 'admin')
        } finally {
          await quick.close()
        }
      })

      it('a connection killed by the server is DATABASE_ERROR', async () => {
        const victim = createSequelizeAdapter({ dialect, url: db.url })
        try {
          const killed = fails(mapped(victim.db.sequelize.query(sleep(dialect, 8))), 'DATABASE_ERROR')
          await new Promise((r) => setTimeout(r, 300))
          const kill =
            dialect === 'postgres'
              ? "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(8)%' AND pid <> pg_backend_pid()"
              : "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(8)%'"
          const rows = await adapter.db.sequelize.query<Record<string, unknown>>(kill, {
            type: QueryTypes.SELECT,
          })
          assert.equal(rows.length, 1, 'found the sleeping connection')
          if (dialect === 'mariadb')
            await adapter.db.sequelize.query(`KILL CONNECTION ${Number(rows[0]!.ID)}`)
          await killed
        } finally {
          await victim.close()
        }
      })

      it('a refused connection is DATABASE_ERROR without the URL or the password', async () => {
        const url =
          dialect === 'postgres'
            ? 'postgres://dbal:s3cret-pw@127.0.0.1:1/none'
            : 'mariadb://dbal:s3cret-pw@127.0.0.1:1/none'
        const refused = createSequelizeAdapter({ dialect, url, connectTimeoutMs: 2000 })
        try {
          const e = await fails(refused.count('User', ALL), 'DATABASE_ERROR', 's3cret-pw')
          assert.equal(e.retryable, true)
          await fails(
            new DBALClient({ adapter: refused }).users.create({ username: 'x-user', email: 'x@example.com' }),
            'DATABASE_ERROR',
            's3cret-pw',
          )
        } finally {
          await refused.close()
        }
      })
    },
  )
}
