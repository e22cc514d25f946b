/**
 * The parity model from real runs: a backend with a deliberate bug (the example adapter sorting
 * strings by locale) is a minority class with its first difference from the reference; the report
 * validates against its JSON Schema; capability declarations flipped on SQLite are flagged as an
 * over-claim and an under-claim (and fail `dbal test`), while an honest "no transactions" is not; the
 * classification of a reference outlier and the ledger statuses on hand-made streams.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import Ajv from 'ajv'
import { testCommand } from '../harness/commands/test.ts'
import type { ResultEvent, StepEvent } from '../harness/results.ts'
import { claimProblems } from '../reports/capabilities.ts'
import { buildParity, type Parity } from '../reports/parity.ts'
import { flippedSqlite, localeSortBackend, reference, runOn, sqlite, vectorPath } from './fixtures/runs.ts'

const dir = mkdtempSync(join(tmpdir(), 'dbal-parity-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const SORT_CASE = 'strings sort by code point, never by locale'

describe('a deliberately broken adapter', async () => {
  const events = await runOn([reference(), sqlite(), await localeSortBackend()], ['sort_pages.yaml'])
  const p = buildParity(events)

  it('is a minority class with the first path where it differs from the reference', () => {
    const broken = p.steps.filter((s) => s.case === SORT_CASE && s.cells['json-locale']?.outcome === 'fail')
    assert.ok(broken.length > 0, 'the locale sort fails a step of the sorting case')
    for (const s of broken) {
      assert.equal(s.agreement, 'diverge')
      const [first, second] = s.classes!
      assert.deepEqual([...first!.backends].sort(), ['reference', 'sqlite'])
      assert.equal(first!.diff, undefined)
      assert.deepEqual(second!.backends, ['json-locale'])
      assert.match(second!.diff!.path, /^\$\.ok/)
      assert.notDeepEqual(second!.diff!.expected, second!.diff!.actual)
    }
    assert.equal(p.reference, 'reference')
    assert.ok(p.headline.diverge >= broken.length)
    assert.match(p.headline.text, new RegExp(`${p.headline.diverge} diverge`))
  })

  it('validates against reports/parity.schema.json', () => {
    const schema = JSON.parse(readFileSync(new URL('../reports/parity.schema.json', import.meta.url), 'utf8'))
    const ajv = new Ajv.default({ allErrors: true, strict: false })
    const validate = ajv.compile(schema)
    assert.ok(validate(JSON.parse(JSON.stringify(p))), JSON.stringify(validate.errors?.slice(0, 3)))
    const bad = { ...p, headline: { ...p.headline, agree: -1 } }
    assert.equal(validate(bad), false, 'the schema refuses a negative count')
  })
})

const verdict = (p: Parity, cap: string, backend: string) =>
  p.capabilities.find((r) => r.name === cap)!.cells[backend]!

describe('capabilities declared against observed', async () => {
  const events = await runOn(
    [
      flippedSqlite('sqlite-no-json', { jsonQueries: false }),
      flippedSqlite('sqlite-fake-tx', { transactions: true, nestedTransactions: true }, true),
      flippedSqlite('sqlite-no-tx', { transactions: false, nestedTransactions: false }, true),
    ],
    ['filters_json.yaml', 'transactions.yaml'],
  )
  const p = buildParity(events)

  it('flags a probe that passes where the capability is not declared as an under-claim', () => {
    const c = verdict(p, 'jsonQueries', 'sqlite-no-json')
    assert.deepEqual([c.declared, c.observed, c.verdict], [false, true, 'under-claim'])
    assert.ok(c.probeSteps > 10)
    const skipped = events.filter(
      (e): e is StepEvent =>
        e.type === 'step' && e.backend === 'sqlite-no-json' && e.tags.includes('jsonQueries'),
    )
    assert.ok(
      skipped.every((e) => e.outcome === 'skip' && e.probePassed === true && /under-claim/.test(e.reason!)),
    )
  })

  it('flags a declared capability whose probe fails as an over-claim, naming the failing step', () => {
    const c = verdict(p, 'transactions', 'sqlite-fake-tx')
    assert.deepEqual([c.declared, c.observed, c.verdict], [true, false, 'over-claim'])
    assert.match(c.failing!, /^contracts\/transactions\.yaml#/)
  })

  it('leaves an honest absence alone: undeclared, and the probe fails', () => {
    const c = verdict(p, 'transactions', 'sqlite-no-tx')
    assert.deepEqual([c.declared, c.observed, c.verdict], [false, false, 'ok'])
    assert.equal(verdict(p, 'connectionPooling', 'sqlite-no-tx').verdict, 'detected')
    assert.equal(verdict(p, 'relations', 'sqlite-no-tx').verdict, 'unprobed')
  })

  it('lists every claim problem, and only those', () => {
    const lines = claimProblems(p.capabilities)
    assert.equal(lines.length, 3, lines.join('\n'))
    assert.ok(
      lines.some((l) => /^sqlite-no-json does not declare jsonQueries but all \d+ probe steps pass$/.test(l)),
    )
    assert.ok(lines.some((l) => /^sqlite-fake-tx declares transactions but its probe fails/.test(l)))
    assert.ok(lines.some((l) => /^sqlite-fake-tx declares nestedTransactions/.test(l)))
  })

  it('fails `dbal test` on an over-claim although every step passed or was skipped', async () => {
    const lines: string[] = []
    const code = await testCommand({
      backends: [flippedSqlite('sqlite-fake-tx', { transactions: true }, true)],
      required: new Set(),
      vectors: [vectorPath('transactions.yaml')],
      reportDir: join(dir, 'over'),
      log: (l) => lines.push(l),
      quiet: true,
    })
    assert.equal(code, 1)
    assert.ok(
      lines.some((l) => /CAPABILITY sqlite-fake-tx declares transactions but its probe fails/.test(l)),
    )
    const summary = readFileSync(join(dir, 'over', 'summary.md'), 'utf8')
    assert.match(summary, /\| transactions \| vectors \| \*\*✗ over-claim\*\* \|/)
  })
})

/** A hand-made stream: one run event, the backends, and one step with the given digests. */
function stream(
  digests: Record<string, string>,
  outcomes: Record<string, StepEvent['outcome']> = {},
): ResultEvent[] {
  const names = Object.keys(digests)
  return [
    {
      type: 'run',
      runId: 'r',
      startedAt: '2026-12-03T00:00:00.000Z',
      backends: names,
      vectors: ['v.yaml'],
      node: 'v20',
      suiteHash: `sha256:${'0'.repeat(64)}`,
      capabilities: {},
    },
    ...names.map((b): ResultEvent => ({ type: 'backend', backend: b, status: 'run', required: false })),
    ...names.map((b): ResultEvent => ({
      type: 'step',
      backend: b,
      suite: 'dbal',
      file: 'v.yaml',
      case: 'c',
      step: 0,
      action: 'list',
      entity: 'User',
      outcome: outcomes[b] ?? 'pass',
      durationMs: 1,
      tags: [],
      digest: digests[b]!,
      observed: { ok: digests[b] },
    })),
  ]
}

describe('agreement', () => {
  it('puts a step the reference alone gets different in its own kind', () => {
    const p = buildParity(
      stream({ reference: 'a', sqlite: 'b', pglite: 'b' }, { sqlite: 'fail', pglite: 'fail' }),
    )
    assert.equal(p.steps[0]!.agreement, 'reference-outlier')
    assert.deepEqual(
      p.steps[0]!.classes!.map((c) => c.backends),
      [['reference'], ['sqlite', 'pglite']],
    )
    assert.deepEqual(p.steps[0]!.classes![1]!.diff, { path: '$.ok', expected: 'a', actual: 'b' })
  })

  it('calls differences among passing outcomes open, one class agreement, anything else divergence', () => {
    assert.equal(buildParity(stream({ reference: 'a', sqlite: 'b' })).steps[0]!.agreement, 'open')
    assert.equal(buildParity(stream({ reference: 'a', sqlite: 'a' })).steps[0]!.agreement, 'agree')
    assert.equal(buildParity(stream({ reference: 'a', sqlite: 'a' })).steps[0]!.classes, undefined)
    const d = buildParity(stream({ reference: 'a', sqlite: 'b', pglite: 'c' }, { pglite: 'fail' }))
    assert.equal(d.steps[0]!.agreement, 'diverge')
    assert.equal(d.steps[0]!.classes!.length, 3)
  })
})

describe('the ledger as the run saw it', () => {
  const entry = (
    step: number,
    expected: { status: 'success' } | { status: 'error'; code: string },
  ): ResultEvent => ({
    type: 'deviation',
    backend: 'sqlite',
    case: 'c',
    step,
    kind: 'bug',
    reason: 'why',
    expected,
    file: 'harness/deviations/x.yaml',
  })

  it('says which entries hold, went stale, deviate differently or were never used', () => {
    const base = stream({ reference: 'a', sqlite: 'b' }, { sqlite: 'xpass' })
    const steps = (step: number, outcome: StepEvent['outcome']) => ({
      ...(base.at(-1) as StepEvent),
      step,
      outcome,
    })
    const events: ResultEvent[] = [
      ...base.slice(0, 3),
      entry(0, { status: 'success' }),
      entry(1, { status: 'error', code: 'NOT_FOUND' }),
      entry(2, { status: 'error', code: 'CONFLICT' }),
      entry(9, { status: 'success' }),
      ...base.slice(3),
      steps(1, 'xfail'),
      steps(2, 'fail'),
    ]
    assert.deepEqual(
      buildParity(events).ledger.map((r) => [r.step, r.status]),
      [
        [0, 'stale'],
        [1, 'holds'],
        [2, 'differs'],
        [9, 'unused'],
      ],
    )
  })
})
