/**
 * `dbal certify`: the example adapter (examples/adapter-json-file, written against the public exports
 * only) is certified by the complete suite; copies of it with one deliberate bug each are refused, and
 * the certificate names the failing cases and why; a daemon started separately is certified over the
 * wire. Each certification is the whole suite, run through the CLI as a user runs it.
 */
import assert from 'node:assert/strict'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { spawnDaemon } from '../daemon/child.ts'
import type { Certificate } from '../harness/certificate.ts'
import { HARNESS_CONFIG } from '../harness/backends/remote.ts'
import { dbal } from './helpers.ts'

const EXAMPLE = fileURLToPath(new URL('../examples/adapter-json-file/', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'dbal-certify-'))
after(() => rmSync(dir, { recursive: true, force: true }))

async function certify(args: string[], name: string) {
  const reports = join(dir, name)
  const r = await dbal(['certify', ...args, '--report-dir', reports], { timeout: 600_000 })
  const read = (f: string) => readFileSync(join(reports, f), 'utf8')
  return { ...r, cert: JSON.parse(read('certificate.json')) as Certificate, md: read('certificate.md') }
}

/** A copy of the example with `from` replaced by `to` (which must occur exactly once). */
function brokenCopy(name: string, from: string, to: string): string {
  const copy = join(dir, name)
  cpSync(EXAMPLE, copy, { recursive: true })
  const file = join(copy, 'index.ts')
  const src = readFileSync(file, 'utf8')
  assert.equal(src.split(from).length, 2, `the example has exactly one "${from}"`)
  writeFileSync(file, src.replace(from, to))
  return copy
}

describe('dbal certify <module>', () => {
  it('certifies the example adapter with the complete suite', async () => {
    const r = await certify([EXAMPLE], 'example')
    assert.equal(r.status, 0, r.stdout + r.stderr)
    const c = r.cert
    assert.equal(c.result, 'certified')
    assert.deepEqual([c.subject.kind, c.subject.name, c.subject.version], ['adapter', 'json-file', '1.0.0'])
    assert.match(c.suite.hash, /^sha256:[0-9a-f]{64}$/)
    assert.match(c.schema.hash, /^sha256:[0-9a-f]{64}$/)
    assert.ok(c.suite.cases > 600, `${c.suite.cases} cases`)
    // Every step of the suite ran and passed: none skipped, none missing.
    assert.deepEqual(c.counts, { pass: c.suite.steps, fail: 0, skip: 0, xfail: 0, xpass: 0 })
    assert.equal(c.capabilities.transactions, true)
    assert.equal(c.node, process.version)
    assert.match(r.md, /Certified/)
    assert.match(r.stdout, new RegExp(`^${c.suite.steps} passed, 0 failed, 0 skipped$`, 'm'))
  })

  it('refuses a copy that sorts strings by locale, naming the cases and the reason', async () => {
    const copy = brokenCopy('locale-sort', '? compareCodePoints(a, b)', '? a.localeCompare(b)')
    const r = await certify([copy], 'locale-sort')
    assert.equal(r.status, 1)
    assert.equal(r.cert.result, 'failed')
    const sorting = r.cert.failures.filter((f) => f.case === 'strings sort by code point, never by locale')
    assert.ok(sorting.length > 0, JSON.stringify(r.cert.failures.map((f) => f.case)))
    assert.match(sorting[0]!.reason, /expected .* got /)
    assert.equal(r.cert.counts.fail, r.cert.failures.length)
    assert.match(r.md, /Not certified/)
    assert.match(r.md, /strings sort by code point, never by locale/)
    assert.match(r.stdout, /NOT CERTIFIED: json-file/)
  })

  it('refuses a copy that loses ON DELETE CASCADE', async () => {
    const copy = brokenCopy(
      'lost-cascade',
      "if (r.onDelete === 'cascade')",
      "if (r.onDelete === 'cascade' && false)",
    )
    const r = await certify([copy], 'lost-cascade')
    assert.equal(r.status, 1)
    const cases = new Set(r.cert.failures.map((f) => f.case))
    assert.ok(
      [...cases].some((c) => /cascade/i.test(c)),
      `a cascade case fails: ${[...cases].join('; ')}`,
    )
  })

  it('refuses a module without a factory, and an adapter without the lifecycle, before running', async () => {
    const none = join(dir, 'none.mjs')
    writeFileSync(none, 'export const x = 1\n')
    const r1 = await dbal(['certify', none, '--report-dir', join(dir, 'none')])
    assert.equal(r1.status, 2)
    assert.match(r1.stderr, /exports no adapter factory/)
    const partial = join(dir, 'partial.mjs')
    writeFileSync(partial, "export default () => ({ name: 'half', create() {}, read() {} })\n")
    const r2 = await dbal(['certify', partial, '--report-dir', join(dir, 'partial')])
    assert.equal(r2.status, 2)
    assert.match(r2.stderr, /without capabilities, update, delete, .*migrate, reset, close/)
    const r3 = await dbal(['certify', '--report-dir', join(dir, 'x')])
    assert.equal(r3.status, 2)
    assert.match(r3.stderr, /an adapter module or --endpoint/)
  })
})

describe('dbal certify --endpoint', () => {
  it('certifies a daemon started separately, with its protocol version', async () => {
    const daemon = await spawnDaemon({ backend: { name: 'reference' }, config: HARNESS_CONFIG })
    try {
      const r = await certify(['--endpoint', daemon.url, '--token', daemon.token], 'endpoint')
      assert.equal(r.status, 0, r.stdout + r.stderr)
      assert.equal(r.cert.result, 'certified')
      assert.equal(r.cert.subject.kind, 'daemon')
      assert.match(r.cert.subject.protocol ?? '', /^\d+\.\d+\.\d+$/)
      assert.equal(r.cert.counts.fail, 0)
      assert.equal(r.cert.counts.pass, r.cert.suite.steps)
      // The token is a secret: it is in no report.
      assert.ok(!JSON.stringify(r.cert).includes(daemon.token))
      assert.ok(!r.md.includes(daemon.token))
      assert.ok(!readFileSync(join(dir, 'endpoint', 'results.jsonl'), 'utf8').includes(daemon.token))
    } finally {
      await daemon.stop()
      daemon.remove()
    }
  })
})

describe('runConformance({ factory })', () => {
  it('streams one event per step and sums them up, for any factory', async () => {
    const { runConformance } = await import('../harness/conformance.ts')
    const { createAdapter } = await import('../examples/adapter-json-file/index.ts')
    const vectors = [fileURLToPath(new URL('../contracts/transactions.yaml', import.meta.url))]
    const seen: string[] = []
    let cases = 0
    const r = await runConformance({
      factory: createAdapter,
      vectors,
      onEvent: (e) => seen.push(e.type),
      onCase: () => cases++,
    })
    assert.equal(r.backend, 'json-file')
    assert.equal(r.passed, true, JSON.stringify(r.failures.slice(0, 3)))
    assert.equal(seen.filter((t) => t === 'step').length, r.tally.passed)
    assert.ok(r.tally.passed > 10)
    assert.equal(cases, r.files[0]!.cases.length)
    assert.deepEqual([seen[0], seen.at(-1)], ['run', 'end'])
  })

  it('reports a factory that cannot provision as not run, never as passed', async () => {
    const { runBackend, factoryBackend } = await import('../harness/conformance.ts')
    const { createAdapter } = await import('../examples/adapter-json-file/index.ts')
    const failing = createAdapter()
    failing.migrate = () => Promise.reject(new Error('disk on fire'))
    const r = await runBackend(factoryBackend('doomed', async () => failing, failing))
    assert.equal(r.ran, false)
    assert.equal(r.passed, false)
    assert.match(r.reason ?? '', /disk on fire/)
  })
})
