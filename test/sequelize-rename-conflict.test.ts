/**
 * Renaming a referenced unique value (User.username, which Credential.username follows by ON UPDATE
 * CASCADE) on the Sequelize backends, against the reference. A rename to a taken name is CONFLICT naming
 * the parent's unique field (CONTRACT §3: a unique violation is CONFLICT), however the database noticed:
 * PostgreSQL and SQLite by the users' own unique key, MariaDB by the cascade (error 1761, the child's key
 * would get a duplicate) or, without child information, error 1762. A rename to a free name carries the
 * credential along (CONTRACT §1: Credential.username → User.username), so verify answers under the new
 * name. If a server is unreachable these tests fail: nothing is skipped.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DatabaseError, UniqueConstraintError } from 'sequelize'
import { toDBALError } from '../adapters/sequelize/index.ts'
import { DBALClient } from '../core/client.ts'
import { DBALError } from '../core/errors.ts'
import { entityOf, schema } from '../core/schema.ts'
import { freshAdapter } from '../harness/backend.ts'
import { backendNamed } from '../harness/backends.ts'
import { MemoryAdapter } from '../reference/memory.ts'
import { FAST_SCRYPT, T0 } from './helpers.ts'
import { describeOn } from './servers.ts'

const sequelizeSqliteBackend = backendNamed('sequelize-sqlite')
const sequelizePostgresBackend = backendNamed('sequelize-postgres')
const sequelizeMariadbBackend = backendNamed('sequelize-mariadb')

const TAKEN = { code: 'CONFLICT', details: { entity: 'User', unique: ['username'] } }

/** What a call gives, comparable across backends: the error's code and details, or `project` of the result. */
async function outcome<T>(p: Promise<T>, project: (r: T) => unknown = (r) => r): Promise<unknown> {
  try {
    return { ok: project(await p) }
  } catch (e) {
    if (!(e instanceof DBALError)) throw e
    return { code: e.code, details: e.details ?? null }
  }
}

const client = (adapter: MemoryAdapter | Awaited<ReturnType<typeof freshAdapter>>) => {
  let tick = 0
  return new DBALClient({ adapter, clock: () => T0 + 1000 * tick++, scrypt: FAST_SCRYPT })
}

/** The steps, run on one client; each step's outcome in order. */
async function story(c: DBALClient): Promise<[string, unknown][]> {
  const out: [string, unknown][] = []
  const step = async <T>(what: string, p: Promise<T>, project?: (r: T) => unknown) =>
    out.push([what, await outcome(p, project)])
  await c.users.create({ username: 'alice', email: 'alice@example.com' })
  const bob = await c.users.create({ username: 'bob', email: 'bob@example.com' })
  await c.users.create({ username: 'carol', email: 'carol@example.com' })
  await c.credentials.set({ username: 'alice', password: 'alice-pw' })
  await c.credentials.set({ username: 'bob', password: 'bob-pw' })
  const names = (r: { data: { username: string }[] }) => r.data.map((u) => u.username)
  const users = () => c.users.list({ sort: { username: 'asc' } })
  await step('update to a name with a credential', c.users.update(bob.id, { username: 'alice' }))
  await step(
    'updateMany to a name with a credential',
    c.users.updateMany({ username: 'bob' }, { username: 'alice' }),
  )
  await step('update to a name without one', c.users.update(bob.id, { username: 'carol' }))
  await step(
    'updateMany to a name without one',
    c.users.updateMany({ username: 'bob' }, { username: 'carol' }),
  )
  await step(
    'updateMany of two users to one free name',
    c.users.updateMany({ username: { $in: ['alice', 'bob'] } }, { username: 'dave' }),
  )
  await step('nothing changed', users(), names)
  await step(
    'both still verify',
    Promise.all([
      c.credentials.verify({ username: 'alice', password: 'alice-pw' }),
      c.credentials.verify({ username: 'bob', password: 'bob-pw' }),
    ]),
  )
  await step('update to a free name', c.users.update(bob.id, { username: 'robert' }), (u) => u.username)
  await step('verify under the new name', c.credentials.verify({ username: 'robert', password: 'bob-pw' }))
  await step('the old name is gone', c.credentials.verify({ username: 'bob', password: 'bob-pw' }))
  await step('updateMany to a free name', c.users.updateMany({ username: 'alice' }, { username: 'alicia' }))
  await step('verify after updateMany', c.credentials.verify({ username: 'alicia', password: 'alice-pw' }))
  await step('first login follows', c.credentials.getFirstLogin({ username: 'alicia' }))
  await step('after', users(), names)
  return out
}

describe('the cascades this test stands for', () => {
  it('Credential.username is the one unique column that follows a rename (ON UPDATE CASCADE)', () => {
    const cascading = schema.entities.flatMap((e) =>
      e.foreignKeys
        .filter((f) => f.foreignKey!.onUpdate === 'cascade' && e.uniques.some((u) => u.fields.includes(f)))
        .map((f) => `${e.name}.${f.name} → ${f.foreignKey!.entity}`),
    )
    assert.deepEqual(cascading, ['Credential.username → User'], 'a new cascade needs its own story here')
  })
})

/** A MariaDB driver error as Sequelize wraps one it does not know (DatabaseError). */
const mariadbError = (errno: number, message: string) =>
  new DatabaseError(
    Object.assign(new Error(message), { errno, sqlState: '23000', sqlMessage: message }) as never,
  )

describe('MariaDB duplicate errors raised by a cascade', () => {
  const update = { entity: entityOf('User'), write: 'update' } as const
  it('1761 (child table and key named) is CONFLICT on the parent unique the key follows', () => {
    const e = toDBALError(
      mariadbError(
        1761,
        "Foreign key constraint for table 'users', record 'dec14fd8-3a11-45a1-902f-ed2a8c443e59' would lead to a duplicate entry in table 'credentials', key 'credentials_username_key'",
      ),
      update,
    )
    assert.deepEqual({ code: e.code, details: e.details }, TAKEN)
  })
  it('1762 (no child information) is the same CONFLICT', () => {
    const e = toDBALError(
      mariadbError(
        1762,
        "Foreign key constraint for table 'users', record 'dec14fd8-3a11-45a1-902f-ed2a8c443e59' would lead to a duplicate entry in a child table",
      ),
      update,
    )
    assert.deepEqual({ code: e.code, details: e.details }, TAKEN)
  })
  it("1062 naming the child's key during the parent's update is the parent's CONFLICT", () => {
    const dup = Object.assign(new Error("Duplicate entry 'alice' for key 'credentials_username_key'"), {
      errno: 1062,
      sqlMessage: "Duplicate entry 'alice' for key 'credentials_username_key'",
    })
    const e = toDBALError(new UniqueConstraintError({ parent: dup as never }), update)
    assert.deepEqual({ code: e.code, details: e.details }, TAKEN)
  })
  it('1022 (a duplicate key in a table, no key named) is CONFLICT', () => {
    const e = toDBALError(mariadbError(1022, "Can't write; duplicate key in table 'credentials'"), update)
    assert.deepEqual({ code: e.code, details: e.details }, TAKEN)
  })
})

describeOn(
  [sequelizeSqliteBackend, sequelizePostgresBackend, sequelizeMariadbBackend],
  ': renaming a referenced username',
  (p) => {
    it('gives the reference answers, step by step', async () => {
      const expected = await story(client(new MemoryAdapter()))
      assert.deepEqual(expected[0], ['update to a name with a credential', TAKEN], 'the reference itself')
      const actual = await story(client(await freshAdapter(p())))
      for (const [i, step] of expected.entries()) assert.deepStrictEqual(actual[i], step)
    })
  },
)
