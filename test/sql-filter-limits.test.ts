/**
 * Every filter the validator accepts runs on every SQL backend and gives the reference's answer
 * (CONTRACT §5: one portable query language), however large: core/query.ts allows 1000 values per
 * $in/$nin, 5000 values per filter, 256 conditions, nesting 16 deep and JSON paths of 8 keys, and filter
 * strings of any length. SQLite refuses expressions deeper than 1000 and more than 32,766 bound
 * parameters, PostgreSQL and PGlite more than 65,535 parameters, so the compiler must stay inside all
 * of them. One step past a validator limit is VALIDATION_ERROR on every backend.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import Database from 'better-sqlite3'
import { postgresDialect } from '../adapters/postgres/dialect.ts'
import { compileWhere } from '../adapters/sql/compile.ts'
import { Params, type Dialect } from '../adapters/sql/dialect.ts'
import { sqliteDialect } from '../adapters/sqlite/dialect.ts'
import { sqliteAdapter } from '../adapters/sqlite/index.ts'
import type { Adapter } from '../core/adapter.ts'
import { parseFilter } from '../core/query.ts'
import { entityOf } from '../core/schema.ts'
import { DBALClient } from '../core/client.ts'
import { DBALError } from '../core/errors.ts'
import { MemoryAdapter } from '../reference/memory.ts'
import { FAST_SCRYPT, rejects, T0 } from './helpers.ts'
import { sqlBackends, type OpenedSql } from './sql-backends.ts'
import { LARGEST, onPages, seed, TOO_LARGE, type Filter } from './sql-limit-filters.ts'

/** What a filter gives: list (names in order, total), count, and a bulk update and delete of its rows. */
async function answer(c: DBALClient, filter: Filter): Promise<unknown> {
  const page = await c.packages.list({ filter, sort: { name: 'asc', version: 'asc' }, limit: 100 })
  const anonymous = c.as('anonymous')
  const pages = await anonymous.pages.list({ filter: onPages(filter), sort: { slug: 'asc' }, limit: 100 })
  return {
    names: page.data.map((p) => p.name),
    total: page.total,
    count: await c.packages.count(filter),
    pages: pages.data.map((p) => p.slug),
    pagesCount: await anonymous.pages.count(onPages(filter)),
    updated: await c.packages.updateMany(filter, { description: 'touched' }),
    deleted: await c.packages.deleteMany(filter),
    left: await c.packages.count(),
  }
}

const client = (adapter: Adapter) => {
  let tick = 0
  return new DBALClient({ adapter, clock: () => T0 + tick++ * 1000, scrypt: FAST_SCRYPT })
}

for (const b of sqlBackends('limits')) {
  describe(`the largest accepted filters on ${b.name}`, { skip: b.skip }, () => {
    let o: OpenedSql
    before(async () => (o = await b.open()))
    after(() => o?.close())

    for (const [title, filter] of Object.entries(LARGEST)) {
      it(`${title}: the reference's answer`, async () => {
        const ref = client(new MemoryAdapter())
        await seed(ref)
        const expected = await answer(ref, filter)
        await o.adapter.reset()
        const c = client(o.adapter)
        await seed(c)
        let actual: unknown
        try {
          actual = await answer(c, filter)
        } catch (e) {
          const cause = e instanceof DBALError ? String(e.cause) : ''
          throw new Error(`${title}: ${String(e)} ${cause}`, { cause: e })
        }
        assert.deepStrictEqual(actual, expected)
        const { total, pagesCount } = expected as { total: number; pagesCount: number }
        assert.ok(
          total > 0 && total < 40 && pagesCount > 0,
          `the filter tells rows apart: ${total}, ${pagesCount}`,
        )
      })
    }

    for (const [title, filter] of Object.entries(TOO_LARGE)) {
      it(`${title}: VALIDATION_ERROR`, async () => {
        const c = client(o.adapter)
        await rejects(c.packages.count(filter), 'VALIDATION_ERROR')
        await rejects(c.packages.list({ filter }), 'VALIDATION_ERROR')
        await rejects(c.packages.deleteMany(filter), 'VALIDATION_ERROR')
      })
    }
  })
}

const where = (d: Dialect, filter: Filter) => {
  const p = new Params(d.placeholder)
  return {
    sql: compileWhere(d, entityOf('Package'), parseFilter(entityOf('Package'), filter), p),
    params: p.values,
  }
}

describe('room the largest accepted filters leave', () => {
  it('PostgreSQL and PGlite: under half of the 65,535 parameters', () => {
    for (const [title, filter] of Object.entries(LARGEST))
      assert.ok(where(postgresDialect, filter).params.length < 65_535 / 2, title)
  })

  it('SQLite: under half of its 32,766 parameters and of its expression depth (1000), parser stack to spare', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dbal-limits-'))
    const file = join(dir, 'limits.db')
    const a = sqliteAdapter({ filename: file })
    await a.migrate()
    await a.close()
    const db = new Database(file)
    db.function('dbal_fold', { deterministic: true }, (x: unknown) => x)
    try {
      for (const [title, filter] of Object.entries(LARGEST)) {
        const w = where(sqliteDialect, filter)
        assert.ok(w.params.length < 32_766 / 2, `${title}: ${w.params.length} parameters`)
        // 500 levels more (a chain of ANDs, the filter deepest), then 1000 parentheses around it.
        const deeper = `(${w.sql})${' AND 1'.repeat(500)}`
        db.prepare(`SELECT COUNT(*) FROM "packages" WHERE ${deeper}`)
        db.prepare(`SELECT COUNT(*) FROM "packages" WHERE ${'('.repeat(1000)}${w.sql}${')'.repeat(1000)}`)
      }
    } finally {
      db.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
