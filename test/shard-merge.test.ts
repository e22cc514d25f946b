/**
 * Sharded runs merged: `dbal test --shard K/3` three times and `dbal report merge` give the same steps,
 * outcomes and observed behaviour as one whole run; every case lands in exactly one shard, the same cut
 * on every machine, balanced by timings when given; merging refuses streams of different suites and
 * overlapping shards, and reports a backend with a missing shard as not run. And the live progress.
 */
import assert from 'node:assert/strict'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { Progress } from '../harness/progress.ts'
import { stepId, type ResultEvent, type StepEvent } from '../harness/results.ts'
import { parseShard, partition } from '../harness/shard.ts'
import { dbal } from './helpers.ts'
import { vectorPath } from './fixtures/runs.ts'

const dir = mkdtempSync(join(tmpdir(), 'dbal-shards-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const VECTORS = ['users.yaml', 'transactions.yaml', 'sort_pages.yaml'].flatMap((v) => [
  '--vectors',
  vectorPath(v),
])
const BACKENDS = ['--backends', 'reference,sqlite']

const read = (d: string) =>
  readFileSync(join(d, 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ResultEvent)

const stepsOf = (events: readonly ResultEvent[]) => events.filter((e): e is StepEvent => e.type === 'step')
const key = (e: StepEvent) => `${e.backend} ${stepId(e)}`

/**
 * What must be equal between runs: per backend and step, the outcome, and the normalized behaviour
 * except where it varies between two whole runs too (ties broken by generated ids, which are random).
 */
function behaviour(events: readonly ResultEvent[], unstable: ReadonlySet<string> = new Set()) {
  return stepsOf(events)
    .map((e) => `${key(e)} ${e.outcome} ${unstable.has(key(e)) ? '(varies)' : e.digest}`)
    .sort()
}

async function test(name: string, ...extra: string[]) {
  const r = await dbal([
    'test',
    ...BACKENDS,
    ...VECTORS,
    '--quiet',
    '--report-dir',
    join(dir, name),
    ...extra,
  ])
  assert.equal(r.status, 0, r.stdout + r.stderr)
  return r
}

describe('dbal test --shard and dbal report merge', async () => {
  await test('whole')
  await test('whole2')
  for (const k of [1, 2, 3]) await test(`shard${k}`, '--shard', `${k}/3`)

  it('three merged shards equal one whole run', async () => {
    const shards = [1, 2, 3].map((k) => join(dir, `shard${k}`))
    const r = await dbal(['report', 'merge', ...shards, '--report-dir', join(dir, 'merged')])
    assert.equal(r.status, 0, r.stdout + r.stderr)
    const whole = read(join(dir, 'whole'))
    const again = new Map(stepsOf(read(join(dir, 'whole2'))).map((e) => [key(e), e.digest]))
    const unstable = new Set(stepsOf(whole).flatMap((e) => (again.get(key(e)) === e.digest ? [] : [key(e)])))
    assert.ok(unstable.size < stepsOf(whole).length / 10, `${unstable.size} steps vary between whole runs`)
    const merged = read(join(dir, 'merged'))
    assert.deepEqual(behaviour(merged, unstable), behaviour(whole, unstable))
    const parts = shards.map((d) => behaviour(read(d)).length)
    assert.ok(
      parts.every((n) => n > 0 && n < behaviour(whole).length),
      `shard sizes ${parts}`,
    )
    const lastLine = (t: string) => t.trim().split('\n').at(-1)
    const wholeOut = readFileSync(join(dir, 'whole', 'summary.md'), 'utf8')
    assert.match(wholeOut, /## Parity/)
    assert.equal(lastLine(r.stdout), `${behaviour(whole).length} passed, 0 failed, 0 skipped`)
    const p = JSON.parse(readFileSync(join(dir, 'merged', 'parity.json'), 'utf8'))
    assert.deepEqual(
      p.backends.map((b: { name: string; status: string }) => [b.name, b.status]),
      [
        ['reference', 'run'],
        ['sqlite', 'run'],
      ],
    )
  })

  it('refuses overlapping shards and streams of different suites', async () => {
    const twice = await dbal(['report', 'merge', join(dir, 'shard1'), join(dir, 'shard1', 'results.jsonl')])
    assert.equal(twice.status, 2)
    assert.match(twice.stderr, /overlapping shards/)
    const other = join(dir, 'other')
    cpSync(join(dir, 'shard2'), other, { recursive: true })
    const text = readFileSync(join(other, 'results.jsonl'), 'utf8').replace(
      /"suiteHash":"sha256:[0-9a-f]+"/,
      `"suiteHash":"sha256:${'1'.repeat(64)}"`,
    )
    writeFileSync(join(other, 'results.jsonl'), text)
    const r = await dbal(['report', 'merge', join(dir, 'shard1'), other, '--report-dir', join(dir, 'x')])
    assert.equal(r.status, 2)
    assert.match(r.stderr, /a different suite .* cannot be merged/)
  })

  it('reports a backend whose shard is missing as not run, which fails the merge', async () => {
    const r = await dbal([
      'report',
      'merge',
      join(dir, 'shard1'),
      join(dir, 'shard3'),
      '--report-dir',
      join(dir, 'partial'),
    ])
    assert.equal(r.status, 1)
    assert.match(r.stdout, /reference\s+NOT RUN \(required\): shard 2 of 3 missing from the merge/)
  })
})

describe('the cut', () => {
  const keys = Array.from({ length: 10 }, (_, i) => `f.yaml#case ${i}`)

  it('puts every case in exactly one shard, the same way every time', () => {
    const a = partition(keys, 3)
    assert.deepEqual(a, partition([...keys].reverse(), 3))
    assert.deepEqual(a.flat().sort(), [...keys].sort())
    assert.deepEqual(
      a.map((s) => s.length),
      [4, 3, 3],
    )
  })

  it('balances by recorded durations, longest first', () => {
    const timings = Object.fromEntries(keys.map((k, i) => [k, i === 0 ? 100 : 10]))
    const [heavy, ...rest] = partition(keys, 3, timings)
    assert.deepEqual(heavy, ['f.yaml#case 0'])
    assert.deepEqual(
      rest.map((s) => s.length),
      [5, 4],
    )
  })

  it('refuses a shard that is not K/N', () => {
    for (const bad of ['0/3', '4/3', '1/0', 'x', '1/3/4']) assert.throws(() => parseShard(bad), /not K\/N/)
    assert.deepEqual(parseShard('2/5'), { index: 2, count: 5 })
  })
})

describe('progress', () => {
  const step = (backend: string, outcome: StepEvent['outcome']) =>
    ({ type: 'step', backend, outcome }) as unknown as ResultEvent

  it('redraws a line per backend in place on a terminal, with failures, and erases them at the end', () => {
    let out = ''
    const p = new Progress(
      new Map([
        ['sqlite', 2],
        ['postgres', 2],
      ]),
      { tty: true, write: (t) => (out += t) },
    )
    p.event(step('sqlite', 'fail'))
    p.tick('sqlite')
    assert.match(out, /sqlite\s+1\/2 cases\s+\x1b\[31m1 failed/)
    assert.match(out, /postgres\s+0\/2 cases\s+0 failed/)
    p.finish()
    assert.ok(out.endsWith('\x1b[2A\x1b[J'), JSON.stringify(out.slice(-12)))
  })

  it('writes plain lines when not on a terminal, and nothing when quiet', () => {
    let out = ''
    const plain = new Progress(new Map([['sqlite', 3]]), { tty: false, everyMs: 0, write: (t) => (out += t) })
    plain.tick('sqlite')
    plain.event(step('sqlite', 'xpass'))
    plain.tick('sqlite')
    assert.match(out, /^… sqlite 1\/3 cases, \d+ s\n… sqlite 2\/3 \(1 failed\) cases, \d+ s\n$/)
    let quiet = ''
    const q = new Progress(new Map([['sqlite', 3]]), { quiet: true, tty: true, write: (t) => (quiet += t) })
    q.tick('sqlite')
    q.finish()
    assert.equal(quiet, '')
  })
})
