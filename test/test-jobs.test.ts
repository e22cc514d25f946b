/**
 * `dbal test --jobs N`: the backends split over child processes and merged as one run: the same steps
 * and outcomes as one process, the parts balanced by the last run's durations, required backends still
 * required in their part, and the options it cannot go with refused.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import type { Backend } from '../harness/backend.ts'
import { parseJobs, splitBackends } from '../harness/commands/test-jobs.ts'
import type { ResultEvent, StepEvent } from '../harness/results.ts'
import { dbal } from './helpers.ts'
import { vectorPath } from './fixtures/runs.ts'

const dir = mkdtempSync(join(tmpdir(), 'dbal-jobs-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const VECTORS = ['users.yaml', 'sort_pages.yaml'].flatMap((v) => ['--vectors', vectorPath(v)])
const stream = (d: string) =>
  readFileSync(join(d, 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ResultEvent)
const outcomes = (events: readonly ResultEvent[]) =>
  events
    .filter((e): e is StepEvent => e.type === 'step')
    .map((e) => `${e.backend} ${e.file} ${e.case} ${e.step} ${e.outcome}`)
    .sort()
const named = (...names: string[]) => names.map((name) => ({ name }) as Backend)

describe('dbal test --jobs', () => {
  it('gives the steps and outcomes of one process, as one stream and one summary', async () => {
    const backends = ['--backends', 'reference,sqlite,sqlite+acl']
    const one = await dbal([
      'test',
      ...backends,
      ...VECTORS,
      '--no-features',
      '--report-dir',
      join(dir, 'one'),
    ])
    const two = await dbal([
      'test',
      ...backends,
      ...VECTORS,
      '--no-features',
      '--jobs',
      '2',
      '--report-dir',
      join(dir, 'two'),
    ])
    assert.equal(one.status, 0, one.stderr)
    assert.equal(two.status, 0, two.stderr)
    const a = stream(join(dir, 'one'))
    const b = stream(join(dir, 'two'))
    assert.ok(outcomes(a).length > 100)
    assert.deepEqual(outcomes(b), outcomes(a))
    assert.equal(b.filter((e) => e.type === 'run').length, 1)
    assert.deepEqual(
      b
        .filter((e) => e.type === 'backend')
        .map((e) => (e as { backend: string }).backend)
        .sort(),
      ['reference', 'sqlite', 'sqlite+acl'],
    )
    const summary = (out: string) => /^\d+ passed, \d+ failed, \d+ skipped$/m.exec(out)?.[0]
    assert.equal(summary(two.stdout), summary(one.stdout))
    assert.match(two.stdout, /in 2 processes/)
    assert.ok(!existsSync(join(dir, 'two', 'jobs')), 'the parts are removed once merged')
  })

  it('fails the run when a required backend in a part cannot run', async () => {
    const r = await dbal(['test', '--backends', 'sqlite,postgres', '--require', 'postgres', ...VECTORS], {
      env: { DBAL_POSTGRES_URL: 'postgres://postgres@127.0.0.1:1/none' },
    }).then(async (single) => ({
      single,
      jobs: await dbal(
        [
          'test',
          '--backends',
          'sqlite,postgres',
          '--require',
          'postgres',
          '--jobs',
          '2',
          ...VECTORS,
          '--report-dir',
          join(dir, 'req'),
        ],
        { env: { DBAL_POSTGRES_URL: 'postgres://postgres@127.0.0.1:1/none' } },
      ),
    }))
    assert.equal(r.single.status, 1)
    assert.equal(r.jobs.status, 1, r.jobs.stdout)
    assert.match(r.jobs.stdout, /postgres/)
  })

  it('balances the parts by the last durations, the longest first', () => {
    const last = new Map([
      ['a', 50],
      ['b', 40],
      ['c', 30],
      ['d', 20],
    ])
    const parts = splitBackends(named('d', 'c', 'b', 'a'), 2, last).map((p) => p.map((b) => b.name))
    assert.deepEqual(parts, [
      ['a', 'd'],
      ['b', 'c'],
    ])
    assert.equal(splitBackends(named('x'), 4, new Map()).length, 1, 'no more parts than backends')
  })

  it('refuses a bad count and --shard', async () => {
    assert.equal(parseJobs(undefined), 1)
    assert.equal(parseJobs('3'), 3)
    assert.ok(parseJobs('auto') >= 1)
    for (const bad of ['0', '-1', '1.5', 'many', '65']) assert.throws(() => parseJobs(bad), /--jobs/)
    const r = await dbal([
      'test',
      '--backends',
      'reference,sqlite',
      '--jobs',
      '2',
      '--shard',
      '1/2',
      ...VECTORS,
    ])
    assert.equal(r.status, 2, r.stderr)
    assert.match(r.stderr, /cannot go with --shard/)
  })
})
