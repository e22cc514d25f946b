/** The runner itself: valid files that pass, valid files that fail, and invalid files refused clearly. */
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { ConfigError } from '../core/config-error.ts'
import { backendNamed } from '../harness/backends.ts'
import { loadDeviations } from '../harness/deviations.ts'
import type { StepEvent } from '../harness/results.ts'
import { runFiles } from '../harness/run.ts'
import { loadVectorFile, loadVectors } from '../harness/vectors/load.ts'
import { dbal } from './helpers.ts'

const referenceBackend = backendNamed('reference')

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))
const fixture = (name: string) => here(`./fixtures/vectors/${name}`)

async function run(
  file: string,
  deviations = loadDeviations(here('./fixtures/no-deviations')),
): Promise<StepEvent[]> {
  const prov = await referenceBackend.provision('test')
  if ('notRun' in prov) throw new Error(prov.notRun)
  const events: StepEvent[] = []
  await runFiles(prov, [loadVectorFile(file)], {
    backend: 'reference',
    deviations,
    emit: (e) => events.push(e),
  })
  await prov.cleanup()
  return events
}

test('a valid file whose expectations hold passes every step', async () => {
  const events = await run(fixture('pass.yaml'))
  assert.deepEqual(
    events.map((e) => [e.step, e.outcome, e.reason]),
    [0, 1, 2, 3, 4].map((i) => [i, 'pass', undefined]),
  )
})

test('a valid file with wrong expectations fails each wrong step with a reason', async () => {
  const events = await run(fixture('fail.yaml'))
  assert.deepEqual(
    events.map((e) => e.outcome),
    ['pass', 'fail', 'fail', 'fail', 'fail', 'fail'],
  )
  assert.match(events[1]!.reason!, /\$\.username: expected "robert", got "bob"/)
  assert.match(events[2]!.reason!, /expected 2 items, got 1/)
  assert.match(events[3]!.reason!, /expected error NOT_FOUND, got success/)
  assert.match(events[4]!.reason!, /expected failing fields \[username\], got \[email, username\]/)
  assert.match(events[5]!.reason!, /nothing was saved as "nobody"/)
  assert.deepEqual(events[1]!.actual && (events[1]!.actual as { status: string }).status, 'success')
})

test('a known deviation that still fails is xfail; the rest keep their outcome', async () => {
  const events = await run(
    fixture('fail.yaml'),
    loadDeviations(here('./fixtures')).filter((d) => d.file.endsWith('deviations-fixture.yaml')),
  )
  assert.equal(events[1]!.outcome, 'xfail')
  assert.match(events[1]!.reason!, /known deviation \(notyet\): runner self-test/)
  assert.equal(events[2]!.outcome, 'fail')
  assert.equal(events[4]!.outcome, 'xfail', 'a bug entry whose ledgered error is given is xfail')
  assert.match(events[4]!.reason!, /known deviation \(bug\)/)
})

test('a known deviation that deviates differently than ledgered is a failure', async () => {
  const events = await run(
    fixture('fail.yaml'),
    loadDeviations(here('./fixtures')).filter((d) => d.file.endsWith('deviations-fixture.yaml')),
  )
  assert.equal(events[3]!.outcome, 'fail')
  assert.match(
    events[3]!.reason!,
    /deviates differently than ledgered .*\(ledger: error NOT_FOUND, got success\)/,
  )
})

test('a ledger entry without an expected outcome, or with an unknown type, is refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dbal-ledger-'))
  writeFileSync(join(dir, 'a.yaml'), '- { backend: sqlite, case: x, type: bug, reason: r }\n')
  assert.throws(
    () => loadDeviations(dir),
    (e: unknown) => e instanceof ConfigError && /expected/.test(e.message),
  )
  writeFileSync(
    join(dir, 'a.yaml'),
    '- { backend: sqlite, case: x, type: flaky, reason: r, expected: success }\n',
  )
  assert.throws(
    () => loadDeviations(dir),
    (e: unknown) => e instanceof ConfigError && /type/.test(e.message),
  )
})

test('a known deviation that passes is xpass, reported so the entry is removed', async () => {
  const deviations = [
    {
      backend: 'reference',
      case: 'references*',
      step: 0,
      type: 'never' as const,
      reason: 'x',
      expected: { status: 'success' as const },
      file: 'f.yaml',
    },
  ]
  const events = await run(fixture('pass.yaml'), deviations)
  assert.equal(events[0]!.outcome, 'xpass')
  assert.match(events[0]!.reason!, /no longer happens: remove it from f\.yaml/)
})

for (const [name, pattern] of [
  ['invalid-key.yaml', /invalid-key\.yaml: does not match contracts\/vector\.schema\.json: .*expect/],
  ['invalid-entity.yaml', /invalid-entity\.yaml: cases\[0\]\.steps\[0\]\.entity: unknown entity "Customer"/],
  ['invalid-version.yaml', /invalid-version\.yaml: schemaVersion: version 2\.0\.0 is not supported/],
  ['invalid-duplicate.yaml', /invalid-duplicate\.yaml: cases\[1\]\.name: duplicate case name "twice"/],
  ['invalid-yaml.yaml', /invalid-yaml\.yaml: not readable YAML/],
] as const) {
  test(`an invalid vector file is refused naming the file and the problem: ${name}`, () => {
    assert.throws(
      () => loadVectorFile(fixture(name)),
      (e: unknown) => e instanceof ConfigError && pattern.test(e.message),
    )
  })
}

test('a folder is loaded recursively and a missing path is a clear error', () => {
  assert.ok(loadVectors([here('../contracts/upstream')]).length === 1)
  assert.throws(() => loadVectors(['/nonexistent/vectors']), /no such file or folder/)
})

test(
  'the vendored upstream vectors are byte-identical to the seed',
  { skip: !existsSync(here('../../shared/seed')) && 'the seed is not next to this checkout' },
  () => {
    const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex')
    assert.equal(
      sha(here('../contracts/upstream/conformance_cases.yaml')),
      sha(here('../../shared/seed/common/contracts/conformance_cases.yaml')),
    )
  },
)

/** `dbal test` on the reference backend with these vectors and options, in a child process. */
const dbalTest = (vectors: string, ...options: string[]) =>
  dbal(['test', '--no-features', '--backends', 'reference', '--vectors', vectors, ...options])

test('the CLI exits 1 on a failing vector file and prints the closing line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dbal-cli-'))
  const r = await dbalTest(fixture('fail.yaml'), '--report-dir', dir)
  assert.equal(r.status, 1, r.stderr)
  assert.match(r.stdout, /^1 passed, 5 failed, 0 skipped$/m)
  assert.match(
    readFileSync(join(dir, 'summary.md'), 'utf8'),
    /\| reference \| \*\*fail\*\* \| 1 \| 5 \| 0 \|/,
  )
  const lines = readFileSync(join(dir, 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
  assert.equal(lines.filter((l) => l.type === 'step').length, 6)
})

test('the CLI exits 2 with a clear message on an invalid vector file', async () => {
  const r = await dbalTest(fixture('invalid-entity.yaml'))
  assert.equal(r.status, 2)
  assert.match(
    r.stderr,
    /^dbal: .*invalid-entity\.yaml: cases\[0\]\.steps\[0\]\.entity: unknown entity "Customer"/,
  )
})
