/**
 * The lifecycle on the seam (core/adapter.ts ManagedAdapter) for the embedded families: `migrate()`
 * creates what the schema needs and then finds nothing to do, `reset()` empties every entity's storage
 * (internal ones included: lockout counters, idempotency records), and an adapter serves the schema it
 * was given, also one with a field the project's schema does not have.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ManagedAdapter } from '../core/adapter.ts'
import { ALL } from '../core/query.ts'
import type { Entity, Field, Schema } from '../core/schema.ts'
import type { Row } from '../core/validate.ts'
import { createSequelizeAdapter } from '../adapters/sequelize/index.ts'
import { sqliteAdapter } from '../adapters/sqlite/index.ts'
import { MemoryAdapter } from '../reference/memory.ts'
import { iso, T0 } from './helpers.ts'
import { grownSchema } from './schema-copy.ts'

const GROWN = grownSchema('login_attempt.yaml', '  reason: { type: string, max_length: 40 }\n')

const FAMILIES: readonly [string, (schema: Schema) => ManagedAdapter][] = [
  ['reference', (schema) => new MemoryAdapter({ schema })],
  ['sqlite', (schema) => sqliteAdapter({ filename: ':memory:', schema })],
  [
    'sequelize-sqlite',
    (schema) => createSequelizeAdapter({ dialect: 'sqlite', url: 'sqlite::memory:', schema }),
  ],
]

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`

/** A valid row of an entity without references: the first allowed value of each field. */
function rowOf(e: Entity, n: number): Row {
  const value = (f: Field): unknown => {
    if (f.type === 'uuid') return id(n)
    if (f.type === 'datetime') return iso(T0 + n)
    if (f.type === 'json') return f.jsonType === 'object' ? {} : []
    if (f.type === 'boolean') return true
    if (f.type === 'integer') return f.min ?? 1
    return f.values?.[0] ?? `v${n}`
  }
  return Object.fromEntries(e.fields.map((f) => [f.name, value(f)]))
}

for (const [name, open] of FAMILIES) {
  describe(`${name}: migrate and reset`, () => {
    it('serves a grown schema, and reset empties every entity, internal ones included', async () => {
      const a = open(GROWN)
      try {
        const changes = await a.migrate()
        assert.deepEqual(await a.migrate(), [], 'a second run finds nothing to do')
        if (name !== 'reference') assert.ok(changes.length > 0, 'the first run created the tables')
        const internal = GROWN.entities.filter((e) => e.internal)
        assert.ok(internal.length >= 2)
        for (const [i, e] of internal.entries()) await a.create(e.name, rowOf(e, i + 1))
        const login = GROWN.entity.get('LoginAttempt')!
        const attempt = { ...rowOf(login, 9), reason: 'locked out' }
        await a.create(login.name, attempt)
        assert.deepEqual((await a.read(login.name, id(9)))?.reason, 'locked out', 'the extra field is stored')
        await a.reset()
        for (const e of GROWN.entities) assert.equal(await a.count(e.name, ALL), 0, `${e.name} is empty`)
        await a.create(login.name, attempt)
        assert.equal(await a.count(login.name, ALL), 1, 'usable after a reset')
      } finally {
        await a.close()
      }
    })
  })
}
