/**
 * The feature runner and its step library: a wrong expectation, an undefined step and an ambiguous
 * step fail (never skip); a capability a backend lacks skips with the reason; the whole features/
 * folder passes on the reference and SQLite with cucumber's own reports; a tag expression selects;
 * the README lists exactly the vocabulary.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { Backend } from '../harness/backend.ts'
import { stepLibrary } from '../harness/features/library.ts'
import { PROJECT_ROOT, runFeatures } from '../harness/features/runner.ts'
import type { StepEvent } from '../harness/results.ts'
import { flippedSqlite, reference, sqlite } from './fixtures/runs.ts'

const AMBIGUOUS = fileURLToPath(new URL('./fixtures/features/ambiguous-steps.ts', import.meta.url))

async function run(backends: Backend[], o: { feature?: string; tags?: string; support?: string[] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'dbal-features-test-'))
  let paths: string[] | undefined
  if (o.feature) {
    writeFileSync(join(dir, 'story.feature'), o.feature)
    paths = [join(dir, 'story.feature')]
  }
  const steps: StepEvent[] = []
  const log: string[] = []
  await runFeatures({
    backends,
    required: new Set(),
    runId: 'featuretest',
    reportDir: join(dir, 'reports'),
    emit: (e) => e.type === 'step' && steps.push(e),
    log: (l) => log.push(l),
    ...(paths ? { paths } : {}),
    ...(o.tags ? { tags: o.tags } : {}),
    ...(o.support ? { support: o.support } : {}),
  })
  return { steps, log, reports: join(dir, 'reports', 'cucumber') }
}

const feature = (...scenarios: string[]) => `Feature: a story\n\n${scenarios.join('\n\n')}\n`
const scenarios = (steps: readonly StepEvent[]) => new Set(steps.map((s) => `${s.file}#${s.case}`))

test('a failing expectation fails its step with the message, and the steps after it are not run', async () => {
  const { steps } = await run([reference()], {
    feature: feature(
      'Scenario: two users expected\n  Given there is a user "alice"\n  Then there are 2 users\n  And there is 1 user',
    ),
  })
  assert.deepEqual(
    steps.map((s) => s.outcome),
    ['pass', 'fail', 'skip'],
  )
  assert.match(steps[1]!.reason!, /expected 2, the system counts 1/)
  assert.equal(steps[2]!.reason, 'not run: step 1 failed')
  assert.equal(steps[0]!.suite, 'features')
  assert.equal(steps[0]!.entity, 'a story')
  assert.equal(steps[0]!.case, 'two users expected')
})

test('an undefined step fails with its text', async () => {
  const { steps } = await run([reference()], {
    feature: feature(
      'Scenario: a typo\n  Given there is a user "alice"\n  When I frobnicate the user "alice"',
    ),
  })
  assert.equal(steps[1]!.outcome, 'fail')
  assert.match(steps[1]!.reason!, /undefined step: "I frobnicate the user \\?"alice\\?""/)
})

test('an ambiguous step fails', async () => {
  const { steps } = await run([reference()], {
    feature: feature(
      'Scenario: twice defined\n  When I sign up as "alice" with email "alice@example.com"\n  Then it succeeds',
    ),
    support: [AMBIGUOUS],
  })
  assert.equal(steps[0]!.outcome, 'pass')
  assert.equal(steps[1]!.outcome, 'fail')
  assert.match(steps[1]!.reason!, /^ambiguous step: "it succeeds"/)
})

test('a capability the backend lacks skips the scenario with the reason; the others run', async () => {
  const noTx = flippedSqlite('sqlite-without-transactions', { transactions: false }, true)
  const { steps } = await run([noTx], {
    feature: feature(
      '@transactions\nScenario: all or nothing\n  When I start a transaction\n  And I commit the transaction',
      'Scenario: plain\n  Given there is a user "alice"\n  Then there is 1 user',
    ),
  })
  const skipped = steps.filter((s) => s.case === 'all or nothing')
  assert.equal(skipped.length, 2)
  for (const s of skipped) {
    assert.equal(s.outcome, 'skip')
    assert.equal(s.reason, 'backend lacks transactions')
    assert.deepEqual(s.tags, ['transactions'])
  }
  assert.deepEqual(
    steps.filter((s) => s.case === 'plain').map((s) => s.outcome),
    ['pass', 'pass'],
  )
})

test('a scenario that leaves a transaction open fails', async () => {
  const { steps } = await run([reference()], {
    feature: feature(
      'Scenario: forgot to commit\n  When I start a transaction\n  And I sign up as "alice" with email "alice@example.com"',
    ),
  })
  assert.equal(steps[1]!.outcome, 'fail')
  assert.match(steps[1]!.reason!, /open transaction/)
})

test('outline rows are cases of their own, named by their values', async () => {
  const { steps } = await run([reference()], {
    feature: feature(
      'Scenario Outline: <n> users\n  Given <n> users have signed up as "u-##"\n  Then there are <n> users\n\n  Examples:\n    | n |\n    | 2 |\n    | 3 |',
    ),
  })
  assert.deepEqual([...new Set(steps.map((s) => s.case))], ['<n> users [2]', '<n> users [3]'])
  assert.ok(steps.every((s) => s.outcome === 'pass'))
  assert.deepEqual(steps[1]!.observed, { ok: 3 - 1 })
})

test("the whole features folder passes on the reference and SQLite, with cucumber's own reports", async () => {
  const { steps, log, reports } = await run([reference(), sqlite()])
  assert.deepEqual(log, [])
  for (const b of ['reference', 'sqlite']) {
    const mine = steps.filter((s) => s.backend === b)
    const failed = mine.filter((s) => s.outcome !== 'pass')
    assert.deepEqual(
      failed.map((s) => `${s.case} #${s.step}: ${s.reason}`),
      [],
    )
    assert.ok(scenarios(mine).size >= 80, `${scenarios(mine).size} scenarios on ${b}`)
    assert.ok(mine.every((s) => s.file.startsWith('features/') && s.file.endsWith('.feature')))
    for (const ext of ['html', 'xml', 'ndjson'])
      assert.ok(existsSync(join(reports, `${b}.${ext}`)), `${b}.${ext}`)
  }
  const junit = readFileSync(join(reports, 'sqlite.xml'), 'utf8')
  assert.match(junit, /<testsuite name="features on sqlite"[^>]* failures="0"/)
  // The digests agree backend by backend: the same story has the same outcome everywhere.
  const digest = new Map(
    steps.filter((s) => s.backend === 'reference').map((s) => [`${s.file}#${s.case}#${s.step}`, s.digest]),
  )
  const differ = steps.filter(
    (s) => s.backend === 'sqlite' && digest.get(`${s.file}#${s.case}#${s.step}`) !== s.digest,
  )
  assert.deepEqual(
    differ.map((s) => `${s.case} #${s.step}`),
    [],
  )
})

test('a tag expression selects the scenarios: @acl runs only the ACL stories', async () => {
  const all = await run([reference()], { tags: 'not @acl' })
  const acl = await run([reference()], { tags: '@acl' })
  assert.ok(scenarios(acl.steps).size >= 20)
  assert.ok(acl.steps.every((s) => s.tags.includes('acl')))
  assert.ok(all.steps.every((s) => !s.tags.includes('acl')))
  assert.ok(acl.steps.every((s) => s.outcome === 'pass'))
})

test('features/README.md lists exactly the step vocabulary', async () => {
  const lib = (await stepLibrary(PROJECT_ROOT)) as unknown as { stepDefinitions: { pattern: string }[] }
  const patterns = lib.stepDefinitions.map((d) => String(d.pattern))
  const readme = readFileSync(join(PROJECT_ROOT, 'features', 'README.md'), 'utf8')
  const listed = new Set([...readme.matchAll(/`([^`]+)`/g)].map((m) => m[1]!))
  assert.ok(patterns.length >= 60)
  assert.deepEqual(
    patterns.filter((p) => !listed.has(p)),
    [],
  )
})
