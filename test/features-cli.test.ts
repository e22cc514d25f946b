/**
 * The features inside `dbal test`: by default after the vectors, on the same backends and into the same
 * stream and reports; `--features --tags` runs only the scenarios the expression selects; `--no-features`
 * only the vectors; contradictory choices are refused. And a shard takes whole feature files.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { DEFAULT_FEATURES, featureFiles } from '../harness/features.ts'
import type { ResultEvent, StepEvent } from '../harness/results.ts'
import { dbal } from './helpers.ts'
import { vectorPath } from './fixtures/runs.ts'

const dir = mkdtempSync(join(tmpdir(), 'dbal-features-cli-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const steps = (d: string) =>
  readFileSync(join(d, 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as ResultEvent)
    .filter((e): e is StepEvent => e.type === 'step')

describe('dbal test and the features', () => {
  it('runs only the ACL scenarios with --features --tags @acl, into every report', async () => {
    const out = join(dir, 'acl')
    const r = await dbal([
      'test',
      '--features',
      '--backends',
      'sqlite',
      '--tags',
      '@acl',
      '-q',
      '--report-dir',
      out,
    ])
    assert.equal(r.status, 0, r.stdout + r.stderr)
    const s = steps(out)
    assert.ok(s.length > 100, `${s.length} steps`)
    assert.ok(s.every((e) => e.suite === 'features' && e.tags.includes('acl') && e.outcome === 'pass'))
    const scenarios = new Set(s.map((e) => `${e.file}#${e.case}`))
    assert.ok(scenarios.size >= 40, `${scenarios.size} ACL scenarios`)
    assert.ok(s.some((e) => e.file.startsWith('features/acl-')))
    assert.match(readFileSync(join(out, 'junit.xml'), 'utf8'), /classname="features\/[^"]+\.feature › /)
    assert.ok(existsSync(join(out, 'cucumber', 'sqlite.html')), "cucumber's own HTML report")
    assert.ok(existsSync(join(out, 'cucumber', 'sqlite.xml')), "cucumber's own JUnit report")
    const parity = JSON.parse(readFileSync(join(out, 'parity.json'), 'utf8'))
    assert.equal(parity.steps.length, s.length)
  })

  it('runs vectors and features by default, and only the vectors with --no-features', async () => {
    const both = join(dir, 'both')
    const vectors = ['--vectors', vectorPath('users.yaml')]
    const r1 = await dbal(['test', '--backends', 'reference', ...vectors, '-q', '--report-dir', both])
    assert.equal(r1.status, 0, r1.stdout + r1.stderr)
    const suites = new Set(steps(both).map((e) => e.suite))
    assert.deepEqual([...suites].sort(), ['dbal', 'features'])
    const only = join(dir, 'vectors')
    const r2 = await dbal([
      'test',
      '--backends',
      'reference',
      ...vectors,
      '--no-features',
      '-q',
      '--report-dir',
      only,
    ])
    assert.equal(r2.status, 0)
    assert.deepEqual([...new Set(steps(only).map((e) => e.suite))], ['dbal'])
  })

  it('refuses contradictory choices', async () => {
    const r = await dbal(['test', '--no-features', '--tags', '@acl', '--report-dir', join(dir, 'x')])
    assert.equal(r.status, 2)
    assert.match(r.stderr, /--no-features: cannot go with --features, --no-vectors or --tags/)
  })

  it('shards by whole feature files, every file in exactly one shard', () => {
    const all = featureFiles({ paths: [DEFAULT_FEATURES], reportDir: dir })
    assert.ok(all.length >= 10)
    const parts = [1, 2, 3].map((index) =>
      featureFiles({ paths: [DEFAULT_FEATURES], reportDir: dir }, { index, count: 3 }),
    )
    assert.deepEqual(parts.flat().sort(), [...all].sort())
    assert.ok(parts.every((p) => p.length > 0))
  })
})
