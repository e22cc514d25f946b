/**
 * The filter compiler never splices a value into SQL: hostile strings, JSON path keys and field names
 * either become bound parameters or are refused. Checked on the SQL text of both dialects, and by
 * running hostile filters against a real SQLite database.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { postgresDialect } from '../adapters/postgres/dialect.ts'
import { compileOrder, compileWhere } from '../adapters/sql/compile.ts'
import { Params, type Dialect } from '../adapters/sql/dialect.ts'
import { sqliteDialect } from '../adapters/sqlite/dialect.ts'
import { sqliteAdapter } from '../adapters/sqlite/index.ts'
import { DBALClient } from '../core/client.ts'
import { DBALError } from '../core/errors.ts'
import { parseFilter, type Cond } from '../core/query.ts'
import { entityOf } from '../core/schema.ts'
import { rejects } from './helpers.ts'

const HOSTILE = [
  `'; DROP TABLE users; --`,
  `" OR 1=1 --`,
  `\\'); DELETE FROM users; --`,
  `$1`,
  `?`,
  `%_%`,
  `\u202e'`,
  `) OR (1=1`,
]
const DIALECTS: Record<string, Dialect> = { sqlite: sqliteDialect, postgres: postgresDialect }
const users = entityOf('User')
const packages = entityOf('Package')

/** The fixed literals the dialects may write themselves (JSON type names, empty, UTC formatting). */
const FIXED_LITERALS = /'(text|integer|real|null|string|number|boolean|true|false)'/g

function compile(d: Dialect, entity = users, c: Cond): { sql: string; params: unknown[] } {
  const p = new Params(d.placeholder)
  return { sql: compileWhere(d, entity, c, p), params: p.values }
}

const cmp = (field: string, op: string, value: unknown, path?: string[]): Cond =>
  ({ kind: 'cmp', field, op, value, path }) as Cond

for (const [name, d] of Object.entries(DIALECTS)) {
  describe(`compile (${name})`, () => {
    it('binds every hostile value instead of writing it', () => {
      for (const v of HOSTILE) {
        for (const op of ['eq', 'ne', 'gt', 'contains', 'startsWith', 'endsWith']) {
          const { sql, params } = compile(d, users, cmp('username', op, v))
          // The text is the one a harmless value of the same length gives: the value is not in it.
          assert.equal(
            sql,
            compile(d, users, cmp('username', op, 'x'.repeat([...v].length))).sql,
            `${op} ${v}`,
          )
          assert.ok(
            params.some((x) => typeof x === 'string' && x.toLowerCase() === v.toLowerCase()),
            `${op}: the value is a parameter`,
          )
          assert.equal(sql.replace(FIXED_LITERALS, '').includes("'"), false, sql)
        }
        const list = compile(d, users, cmp('email', 'nin', [v, 'x', null]))
        assert.equal(list.sql, compile(d, users, cmp('email', 'nin', ['y', 'x', null])).sql)
        // PostgreSQL binds a list as one array parameter.
        assert.ok(list.params.flat().includes(v))
      }
    })

    it('binds JSON path keys, even ones the parser would refuse', () => {
      for (const key of HOSTILE) {
        const { sql, params } = compile(d, packages, cmp('manifest', 'eq', 'x', ['entry', key]))
        assert.equal(sql, compile(d, packages, cmp('manifest', 'eq', 'x', ['entry', 'plain'])).sql)
        assert.ok(
          JSON.stringify(params).includes(JSON.stringify(key).slice(1, -1)),
          'the path is a parameter',
        )
      }
    })

    it('numbers its placeholders in order, one per parameter', () => {
      const c = parseFilter(packages, {
        $or: [{ name: { $in: ['a', 'b'] } }, { 'manifest.n': { $gt: 2 } }],
        $not: { version: { $startsWith: '1.' } },
      })
      const { sql, params } = compile(d, packages, c)
      const marks = sql.match(name === 'sqlite' ? /\?/g : /\$\d+/g) ?? []
      if (name === 'sqlite') assert.equal(marks.length, params.length)
      else
        assert.deepEqual(
          [...new Set(marks)],
          params.map((_, i) => `$${i + 1}`),
        )
    })

    it('gives one SQL text per shape, whatever the values', () => {
      const a = compile(
        d,
        users,
        parseFilter(users, { username: { $contains: 'a' }, role: { $in: ['user', 'admin'] } }),
      )
      const b = compile(
        d,
        users,
        parseFilter(users, { username: { $contains: HOSTILE[0] }, role: { $in: ['god', 'supergod'] } }),
      )
      assert.equal(a.sql, b.sql)
      assert.notDeepEqual(a.params, b.params)
    })

    it('wraps every negation so that NULL never leaks through NOT', () => {
      const { sql } = compile(
        d,
        users,
        parseFilter(users, { $not: { email: { $gt: 'm' } }, username: { $ne: 'x' } }),
      )
      assert.equal((sql.match(/NOT COALESCE\(/g) ?? []).length, 2, sql)
    })

    it('refuses what is not in the schema instead of writing it', () => {
      for (const field of [...HOSTILE, 'passwordHash"', 'users.id']) {
        assert.throws(
          () => compile(d, users, cmp(field, 'eq', 1)),
          (e: unknown) => DBALError.is(e, 'VALIDATION_ERROR'),
        )
        assert.throws(
          () => compileOrder(d, users, [{ field, dir: 'asc' }]),
          (e: unknown) => DBALError.is(e, 'VALIDATION_ERROR'),
        )
      }
      assert.throws(
        () => compile(d, users, cmp('username', 'like', 'a')),
        (e: unknown) => DBALError.is(e, 'VALIDATION_ERROR'),
      )
      assert.throws(
        () => compile(d, users, cmp('username', 'eq', 'a', ['x'])),
        (e: unknown) => DBALError.is(e, 'VALIDATION_ERROR'),
      )
      assert.throws(
        () => compileOrder(d, packages, [{ field: 'manifest', dir: 'asc' }]),
        (e: unknown) => DBALError.is(e, 'VALIDATION_ERROR'),
      )
    })
  })
}

describe('hostile filters on a real database (SQLite)', () => {
  it('match hostile text literally and leave the tables alone', async () => {
    const adapter = sqliteAdapter()
    await adapter.migrate()
    const c = new DBALClient({ adapter })
    try {
      const u = await c.users.create({ username: 'victim', email: 'v@example.com' })
      for (const [i, v] of HOSTILE.entries()) {
        await c.workflows.create({
          name: v,
          description: `d${i}`,
          trigger: 'manual',
          triggerConfig: { [`k${i}`]: v },
          steps: {},
          createdBy: u.id,
        })
      }
      for (const [i, v] of HOSTILE.entries()) {
        assert.equal(await c.workflows.count({ name: v }), 1, v)
        assert.equal(
          await c.workflows.count({ name: { $contains: v } }),
          HOSTILE.filter((x) => x.toLowerCase().includes(v.toLowerCase())).length,
          v,
        )
        assert.equal(await c.workflows.count({ [`triggerConfig.k${i}`]: v }), 1, v)
      }
      // The parser is the first barrier: a hostile key in a dot path is refused before any SQL exists.
      await rejects(c.workflows.count({ [`triggerConfig.${HOSTILE[0]}`]: 'x' }), 'VALIDATION_ERROR')
      assert.equal(await c.users.count(), 1)
      assert.equal(await c.workflows.count(), HOSTILE.length)
    } finally {
      await adapter.close()
    }
  })
})
