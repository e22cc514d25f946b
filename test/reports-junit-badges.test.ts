/** JUnit XML and shields.io badges, rendered from the results stream: from a real run and from hostile text. */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { ResultEvent } from '../harness/results.ts'
import { renderBadges } from '../reports/badges.ts'
import { renderJunit } from '../reports/junit.ts'
import { dbal } from './helpers.ts'

const fixture = fileURLToPath(new URL('./fixtures/vectors/', import.meta.url))
const count = (text: string, re: RegExp) => (text.match(re) ?? []).length

test('dbal test writes junit.xml (a suite per backend, a case per step) and a badge per backend', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dbal-junit-'))
  const r = await dbal([
    'test',
    '--no-features',
    '--backends',
    'reference,sqlite',
    '--vectors',
    join(fixture, 'pass.yaml'),
    '--vectors',
    join(fixture, 'fail.yaml'),
    '--report-dir',
    dir,
  ])
  assert.equal(r.status, 1, `fail.yaml fails: ${r.stderr}`)
  const xml = readFileSync(join(dir, 'junit.xml'), 'utf8')
  assert.equal(count(xml, /<testsuite /g), 2)
  // pass.yaml has 5 steps, fail.yaml 6 of which 5 fail: per backend 11 cases, 5 failures.
  for (const b of ['reference', 'sqlite'])
    assert.match(xml, new RegExp(`<testsuite name="${b}" tests="11" failures="5" errors="0" skipped="0"`))
  assert.equal(count(xml, /<testcase /g), 22)
  assert.equal(count(xml, /<failure /g), 10)
  assert.match(
    xml,
    /<failure message="\$\.username: expected &quot;robert&quot;, got &quot;bob&quot;" type="fail">/,
  )
  assert.deepEqual(readdirSync(join(dir, 'badges')).sort(), ['reference.json', 'sqlite.json'])
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'badges', 'sqlite.json'), 'utf8')), {
    schemaVersion: 1,
    label: 'dbal sqlite',
    message: '6/11',
    color: 'red',
  })
})

const hostile = 'a<b>&"c"]]>\u0001\u0007'
const events: ResultEvent[] = [
  { type: 'backend', backend: 'ok', status: 'run', required: false },
  { type: 'backend', backend: 'down', status: 'not-run', required: true, reason: `refused ${hostile}` },
  { type: 'backend', backend: 'absent', status: 'not-run', required: false, reason: 'no server' },
  ...(['pass', 'skip', 'xfail', 'xpass'] as const).map((outcome, step) => ({
    type: 'step' as const,
    backend: 'ok',
    suite: 'dbal',
    file: '/x/v.yaml',
    case: hostile,
    step,
    action: 'create',
    entity: 'User',
    outcome,
    durationMs: 1.5,
    tags: [],
    digest: '0',
    observed: null,
    ...(outcome === 'pass' ? {} : { reason: `why ${hostile}` }),
  })),
]

test('junit escapes every text, drops what XML cannot carry, and shows a backend not run', () => {
  const xml = renderJunit(events)
  assert.ok(!/[\u0000-\u0008]/.test(xml))
  assert.ok(!xml.includes('<b>') && !xml.includes(']]>'))
  assert.match(
    xml,
    /classname="v\.yaml › a&lt;b&gt;&amp;&quot;c&quot;\]\]&gt;"|classname="[^"]*a&lt;b&gt;&amp;&quot;c&quot;\]\]&gt;"/,
  )
  assert.match(xml, /<testsuite name="ok" tests="4" failures="1" errors="0" skipped="2"/)
  assert.match(
    xml,
    /<testsuite name="down" tests="1" failures="0" errors="1"[^>]*>\s*<testcase[^>]*>\s*<error message="not run: refused/,
  )
  assert.match(xml, /<testsuite name="absent" tests="1" failures="0" errors="0" skipped="1"/)
  assert.match(xml, /<testsuites name="dbal conformance" tests="6" failures="2">/)
})

test('badges: green when nothing failed, red on a failure or a required backend not run, grey otherwise', () => {
  const badges = renderBadges(events)
  assert.deepEqual(badges.get('ok'), { schemaVersion: 1, label: 'dbal ok', message: '1/2', color: 'red' })
  assert.equal(badges.get('down')!.color, 'red')
  assert.deepEqual(badges.get('absent'), {
    schemaVersion: 1,
    label: 'dbal absent',
    message: 'not run',
    color: 'lightgrey',
  })
  const green = renderBadges(events.filter((e) => e.type !== 'step' || e.outcome !== 'xpass'))
  assert.deepEqual(green.get('ok'), {
    schemaVersion: 1,
    label: 'dbal ok',
    message: '1/1',
    color: 'brightgreen',
  })
})
