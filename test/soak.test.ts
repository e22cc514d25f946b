/**
 * The soak (bench/soak.ts, issue 16) for a short time: one daemon on PostgreSQL under the fixed mix from
 * 32 connections for 15 s. The test asserts the soak's own verdict (no error, daemon RSS growth within
 * its bound, /health p99 under the 100 ms target) and that its reports are written; the figures
 * themselves are reported, not asserted. The verdict is checked first to fail when it should.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { MIX, runSoak } from '../bench/soak.ts'
import { BOUNDS, latency, verdict, writeSoakReports, type SoakReport } from '../bench/soak-report.ts'
import { skipPostgres } from './servers.ts'

const SECONDS = 15
const CONNECTIONS = 32

describe('the soak verdict', () => {
  const good = {
    operations: 10,
    errors: {},
    rssMiB: { start: 100, end: 100 + BOUNDS.rssGrowthMiB, peak: 170 },
    health: { ...latency([1, 2, 3]), failures: 0 },
  }
  it('passes a clean run at its bounds', () => {
    assert.equal(verdict(good).passed, true)
  })
  it('fails on any error, RSS growth past the bound, a slow or failed /health, or no RSS figure', () => {
    const failing = (why: Partial<typeof good> | { rssMiB: null }) => verdict({ ...good, ...why }).passed
    assert.equal(failing({ errors: { TIMEOUT: 1 } }), false)
    assert.equal(failing({ rssMiB: { start: 100, end: 100.1 + BOUNDS.rssGrowthMiB, peak: 200 } }), false)
    assert.equal(failing({ health: { ...latency([1, BOUNDS.healthP99Ms]), failures: 0 } }), false)
    assert.equal(failing({ health: { ...latency([1]), failures: 1 } }), false)
    assert.equal(failing({ rssMiB: null }), false)
    assert.equal(failing({ operations: 0 }), false)
  })
  it('takes nearest-rank percentiles', () => {
    const l = latency(Array.from({ length: 100 }, (_, i) => 100 - i))
    assert.deepEqual([l.count, l.p50Ms, l.p99Ms, l.maxMs], [100, 50, 99, 100])
  })
})

describe(
  `the soak on PostgreSQL, ${SECONDS} s from ${CONNECTIONS} connections`,
  { skip: skipPostgres },
  () => {
    it('passes its own checks and writes its reports', async () => {
      const r = await runSoak({ seconds: SECONDS, connections: CONNECTIONS })
      process.stdout.write(
        `# soak ${r.seconds} s: ${r.operations} ops, ${r.throughputPerSecond}/s; ` +
          Object.entries(r.latency)
            .map(([op, l]) => `${op} p50 ${l.p50Ms} p99 ${l.p99Ms} ms`)
            .join(', ') +
          `; /health p50 ${r.health.p50Ms} p99 ${r.health.p99Ms} ms; RSS ${JSON.stringify(r.rssMiB)} MiB; errors ${JSON.stringify(r.errors)}\n`,
      )
      assert.deepEqual(
        r.checks.filter((c) => !c.holds),
        [],
      )
      assert.equal(r.passed, true)
      assert.deepEqual(r.errors, {})
      // Every operation of the mix ran, and /health was polled through the whole soak.
      for (const op of Object.keys(MIX)) assert.ok((r.latency[op]?.count ?? 0) > 0, `no ${op} ran`)
      assert.ok(r.health.count >= SECONDS, `/health polled ${r.health.count} times`)
      const dir = mkdtempSync(join(tmpdir(), 'dbal-soak-'))
      try {
        writeSoakReports(r, dir)
        const json = JSON.parse(readFileSync(join(dir, 'soak.json'), 'utf8')) as SoakReport
        assert.equal(json.operations, r.operations)
        assert.match(readFileSync(join(dir, 'soak.md'), 'utf8'), /^# Soak: PASSED/)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  },
)
