/**
 * SQLite out of room (issue 16): the database capped with PRAGMA max_page_count on the test's own
 * connection (everywhere), and a real file system that fills up (a small tmpfs, where one can be
 * mounted). The write that finds no room is DATABASE_ERROR with errno SQLITE_FULL (sqlite/codes.ts: FULL
 * is unavailable, as PostgreSQL's class 53, CONTRACT §3: retryable), nothing of it is written, every
 * acknowledged write is there, and once there is room the same adapter writes again. Also the driver
 * defect the tmpfs found: an autocommit INSERT ... RETURNING whose commit failed was answered as a
 * success. Figures: reports/faults.json.
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import Database from 'better-sqlite3'
import { sqliteAdapter } from '../adapters/sqlite/index.ts'
import { DBALClient } from '../core/client.ts'
import { DBALError } from '../core/errors.ts'
import { FaultLedger, report, user, usersByTag } from './fault-ledger.ts'

describe('SQLite out of room (PRAGMA max_page_count)', () => {
  it('a createMany and creates past the limit: DATABASE_ERROR (SQLITE_FULL), nothing half-written', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'dbal-faults-full-'))
    const file = new Database(join(dir, 'full.db'))
    const a = sqliteAdapter({ database: file })
    const c = new DBALClient({ adapter: a })
    const ledger = new FaultLedger('sqlite-disk-full')
    try {
      await a.migrate()
      const pages = Number(file.pragma('page_count', { simple: true }))
      // Room for a few more pages: a few single creates fit, 200 rows at once do not.
      file.pragma(`max_page_count = ${pages + 4}`)
      const big = (name: string) => ({ ...user(name), email: `${name}-${'x'.repeat(200)}@example.com` })
      const many = Array.from({ length: 200 }, (_, k) => big(`batch-${k}`))
      assert.equal(await ledger.track('batch', () => c.users.createMany(many), 200), 'failed')
      let outcome: string = 'acknowledged'
      for (let i = 0; i < 500 && outcome === 'acknowledged'; i++)
        outcome = await ledger.track(`one${i}`, () => c.users.create(big(`one${i}-0`)))
      assert.equal(outcome, 'failed', 'the file never filled up')
      assert.deepEqual(Object.keys(ledger.codes()), ['DATABASE_ERROR'], JSON.stringify(ledger.codes()))
      const e = await c.users.create(big('probe-0')).catch((x: unknown) => x)
      assert.ok(e instanceof DBALError && e.code === 'DATABASE_ERROR' && e.retryable, String(e))
      assert.equal(e.details?.errno, 'SQLITE_FULL')
      assert.equal(file.pragma('integrity_check', { simple: true }), 'ok')
      // Room again (the disk freed): the same adapter writes without being reopened.
      file.pragma('max_page_count = 1073741823')
      ledger.faultEnded()
      assert.equal(
        await ledger.track(
          'after',
          () => c.users.createMany(many.slice(0, 20).map((u, k) => big(`after-${k}`))),
          20,
        ),
        'acknowledged',
      )
      const f = await ledger.check(() => usersByTag(c))
      report(f, (m) => t.diagnostic(m))
      assert.ok(f.acknowledged >= 2, `only ${f.acknowledged} writes fitted`)
      assert.equal(f.failed, 2)
      assert.equal(f.phantom, 0, 'a write refused for want of room left rows behind')
      assert.equal(f.lost, 0)
      assert.equal(f.duplicated, 0)
    } finally {
      await a.close()
      file.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

/** A tmpfs of `size` at a new folder, or why none can be mounted here (it needs CAP_SYS_ADMIN). */
function tmpfs(size: string): { dir: string; resize(size: string): void; remove(): void } | string {
  const dir = mkdtempSync(join(tmpdir(), 'dbal-faults-tmpfs-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' })
  } catch (e) {
    rmSync(dir, { recursive: true, force: true })
    return `not run: cannot mount a tmpfs here (${String((e as Error).message).split('\n')[0]})`
  }
  return {
    dir,
    resize: (to) => void execFileSync('mount', ['-o', `remount,size=${to}`, dir]),
    remove: () => (execFileSync('umount', [dir]), rmSync(dir, { recursive: true, force: true })),
  }
}

describe('SQLite on a file system that fills up (a 300 KiB tmpfs)', () => {
  it('the write that finds no room: DATABASE_ERROR (SQLITE_FULL); every acknowledged one kept', async (t) => {
    // Mounted in the test, so that a run that filters this test out leaves no mount behind.
    const fs = tmpfs('300k')
    if (typeof fs === 'string') return t.skip(fs)
    const file = new Database(join(fs.dir, 'full.db'))
    const a = sqliteAdapter({ database: file })
    const c = new DBALClient({ adapter: a })
    const ledger = new FaultLedger('sqlite-tmpfs-full')
    try {
      await a.migrate()
      let outcome = 'acknowledged'
      for (let i = 0; i < 2000 && outcome === 'acknowledged'; i++)
        outcome = await ledger.track(`one${i}`, () => c.users.create(user(`one${i}-0`)))
      assert.equal(outcome, 'failed', 'the file system never filled up')
      const e = await c.users.create(user('probe-0')).catch((x: unknown) => x)
      assert.ok(e instanceof DBALError && e.code === 'DATABASE_ERROR', String(e))
      assert.equal(e.details?.errno, 'SQLITE_FULL')
      assert.equal(file.pragma('integrity_check', { simple: true }), 'ok')
      fs.resize('8m')
      ledger.faultEnded()
      const after = Array.from({ length: 20 }, (_, k) => user(`after-${k}`))
      assert.equal(await ledger.track('after', () => c.users.createMany(after), 20), 'acknowledged')
      const f = await ledger.check(() => usersByTag(c))
      report(f, (m) => t.diagnostic(m))
      assert.deepEqual(Object.keys(ledger.codes()), ['DATABASE_ERROR'], JSON.stringify(ledger.codes()))
      assert.equal(f.failed, 1)
      assert.equal(f.lost, 0, 'a write answered as a success is not in the database')
      assert.equal(f.duplicated, 0)
      assert.equal(f.phantom, 0)
    } finally {
      await a.close()
      file.close()
      fs.remove()
    }
  })
})

describe('the SQLite driver and a commit that fails', () => {
  it('a write whose commit fails is an error, not a success (a deferred foreign key, in memory)', async () => {
    // The same path as a full disk without one: the commit at the end of an autocommit INSERT ... RETURNING.
    const file = new Database(':memory:')
    const a = sqliteAdapter({ database: file })
    try {
      await a.migrate()
      file.pragma('defer_foreign_keys = ON')
      const row = {
        id: '00000000-0000-4000-8000-000000000001',
        pageId: '00000000-0000-4000-8000-000000000002',
        parentId: null,
        componentType: 'orphan',
        order: 0,
        props: {},
        createdAt: '2030-01-01T00:00:00.000Z',
        updatedAt: '2030-01-01T00:00:00.000Z',
      }
      const e = await a.create('ComponentHierarchy', row).catch((x: unknown) => x)
      assert.ok(e instanceof DBALError, `the create was answered ${JSON.stringify(e)}`)
      assert.deepEqual(file.prepare('SELECT count(*) AS n FROM component_hierarchy').get(), { n: 0 })
    } finally {
      await a.close()
      file.close()
    }
  })
})
