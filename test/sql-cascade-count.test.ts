/**
 * deleteMany returns the number of rows that matched its filter and are gone (CONTRACT §4: `deleteMany`
 * → number), also when a foreign-key cascade of the same table removed some of them first: SQLite's
 * change count leaves those out. ComponentHierarchy cascades onto itself (parentId, CONTRACT §1: deleting
 * a component deletes its subtree). Every backend, directly and through the ACL as the system caller,
 * must give the reference's numbers and leave the reference's rows.
 */
import assert from 'node:assert/strict'
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { cascadesOntoItself } from '../adapters/sql/ddl.ts'
import { AclAdapter } from '../core/acl/adapter.ts'
import { SYSTEM } from '../core/acl/actor.ts'
import type { Adapter } from '../core/adapter.ts'
import { DBALClient } from '../core/client.ts'
import { DBALError } from '../core/errors.ts'
import { loadSchema, schema, SCHEMA_DIR } from '../core/schema.ts'
import { MemoryAdapter } from '../reference/memory.ts'
import { FAST_SCRYPT, T0 } from './helpers.ts'
import { sqlBackends, type OpenedSql } from './sql-backends.ts'

/** `on(adapter)` is a client on another adapter (a transaction's) with the same clock. */
type Step = (c: DBALClient, on: (a: Adapter) => DBALClient, a: Adapter) => Promise<unknown>

/** The components of each page by type, in order: what a scenario leaves behind. */
async function left(c: DBALClient): Promise<string[]> {
  const all = await c.components.list({ sort: { componentType: 'asc' }, limit: 100 })
  return all.data.map((x) => x.componentType)
}

/** A page with the tree R → A → B → C, R → D, and a second page with X → Y. */
async function trees(c: DBALClient): Promise<void> {
  const p = await c.pages.create({ slug: 'tree', title: 'Tree', level: 1, layout: {} })
  const q = await c.pages.create({ slug: 'other', title: 'Other', level: 1, layout: {} })
  const add = async (pageId: string, componentType: string, parentId: string | null = null) =>
    (await c.components.create({ pageId, parentId, componentType })).id
  const r = await add(p.id, 'R')
  const a = await add(p.id, 'A', r)
  const b = await add(p.id, 'B', a)
  await add(p.id, 'C', b)
  await add(p.id, 'D', r)
  await add(q.id, 'Y', await add(q.id, 'X'))
}

const SCENARIOS: Record<string, Step> = {
  'a parent and its child both matched': async (c) => {
    const p = await c.pages.create({ slug: 'p', title: 'P', level: 1, layout: {} })
    const parent = await c.components.create({ pageId: p.id, componentType: 'Parent' })
    await c.components.create({ pageId: p.id, parentId: parent.id, componentType: 'Child' })
    return [await c.components.deleteMany({ id: { $exists: true } }), await c.components.count()]
  },
  'a whole deeper tree matched': async (c) => {
    await trees(c)
    return [
      await c.components.deleteMany({ componentType: { $in: ['R', 'A', 'B', 'C', 'D'] } }),
      await left(c),
    ]
  },
  'an ancestor and a descendant matched, the rows between them not': async (c) => {
    await trees(c)
    return [await c.components.deleteMany({ componentType: { $in: ['A', 'C', 'Y'] } }), await left(c)]
  },
  'only descendants matched': async (c) => {
    await trees(c)
    return [await c.components.deleteMany({ componentType: { $in: ['B', 'C'] } }), await left(c)]
  },
  'only a root matched': async (c) => {
    await trees(c)
    return [await c.components.deleteMany({ componentType: 'R' }), await left(c)]
  },
  'everything matched, inside a transaction that goes on': async (c, on, a) => {
    await trees(c)
    return a.transaction(async (inner) => {
      const tx = on(inner)
      return [
        await tx.components.deleteMany({ componentType: { $ne: 'nothing' } }),
        await tx.components.count(),
        await tx.pages.count(),
      ]
    })
  },
  'pages cascade onto components but count only pages': async (c) => {
    await trees(c)
    return [await c.pages.deleteMany({ slug: 'tree' }), await left(c)]
  },
  'delete and updateMany on a tree count the same as the reference': async (c) => {
    await trees(c)
    const [a] = (await c.components.list({ filter: { componentType: 'A' } })).data
    return [
      await c.components.updateMany({ componentType: { $in: ['R', 'A', 'B', 'C'] } }, { order: 3 }),
      await c.components.delete(a!.id),
      await left(c),
      await c.components.deleteMany({ componentType: 'nothing' }),
    ]
  },
}

async function outcome(adapter: Adapter, step: Step): Promise<unknown> {
  let tick = 0
  const on = (a: Adapter) =>
    new DBALClient({ adapter: a, clock: () => T0 + tick++ * 1000, scrypt: FAST_SCRYPT })
  try {
    return await step(on(adapter), on, adapter)
  } catch (e) {
    if (e instanceof DBALError) return { error: e.code }
    throw e
  }
}

for (const b of sqlBackends('cascade')) {
  for (const acl of [false, true]) {
    describe(`deleteMany counts cascaded matches: ${b.name}${acl ? '+acl' : ''}`, { skip: b.skip }, () => {
      let o: OpenedSql
      before(async () => (o = await b.open()))
      after(() => o?.close())
      for (const [title, step] of Object.entries(SCENARIOS)) {
        it(title, async () => {
          await o.adapter.reset()
          const expected = await outcome(new MemoryAdapter(), step)
          const adapter = acl ? new AclAdapter(o.adapter, SYSTEM) : o.adapter
          assert.deepStrictEqual(await outcome(adapter, step), expected)
        })
      }
    })
  }
}

describe('entities that cascade onto themselves', () => {
  it('in the project schema: only ComponentHierarchy', () => {
    const found = schema.entities.filter((e) => cascadesOntoItself(e)).map((e) => e.name)
    assert.deepEqual(found, ['ComponentHierarchy'])
  })

  it('through another table cannot happen: the loader refuses a cycle of two entities', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dbal-cycle-'))
    try {
      cpSync(SCHEMA_DIR, dir, { recursive: true })
      const entity = (name: string, table: string, other: string) =>
        `entity: ${name}\ninternal: true\ntable: ${table}\npage: { default_limit: 20, max_limit: 100 }\n` +
        `fields:\n  id: { type: uuid, primary: true }\n  tag: { type: string }\n` +
        `  other_id: { type: uuid, foreign_key: { entity: ${other}, field: id, on_delete: cascade } }\n`
      writeFileSync(
        join(dir, 'entities', 'cycle_left.yaml'),
        entity('CycleLeft', 'cycle_lefts', 'CycleRight'),
      )
      writeFileSync(
        join(dir, 'entities', 'cycle_right.yaml'),
        entity('CycleRight', 'cycle_rights', 'CycleLeft'),
      )
      assert.throws(() => loadSchema(dir), /CycleLeft, CycleRight form a cycle/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
