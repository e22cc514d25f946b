/**
 * .github/workflows/conformance.yml: actionlint finds nothing in it, and its backend groups together
 * name every backend `dbal backends` lists (but `endpoint`, which needs a daemon started elsewhere),
 * each once and in the group of the server it needs, so a new backend cannot be left out of CI.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { BACKENDS, LISTED } from '../harness/backends.ts'
import { SERVERS } from '../harness/provision/scratch.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const WORKFLOW = '.github/workflows/conformance.yml'
const ACTIONLINT = 'github.com/rhysd/actionlint/cmd/actionlint@v1.7.12'

interface ConformanceJob {
  strategy: { matrix: { group: string[]; shard: number[]; include: { group: string; backends: string }[] } }
  services: Record<string, unknown>
  steps: { env?: Record<string, string>; run?: string }[]
}
const job = (
  parse(readFileSync(new URL(`../${WORKFLOW}`, import.meta.url), 'utf8')) as {
    jobs: { conformance: ConformanceJob }
  }
).jobs.conformance
const matrix = job.strategy.matrix

/** Group name → its backends, as the matrix's include entries list them. */
const groups = new Map(matrix.include.map((i) => [i.group, i.backends.split(',').map((s) => s.trim())]))

test('actionlint finds nothing in the workflow', () => {
  // Built from the Go module proxy on the first run, from Go's build cache after that.
  const r = spawnSync('go', ['run', ACTIONLINT, WORKFLOW], { cwd: root, encoding: 'utf8', timeout: 300_000 })
  assert.ifError(r.error) // no `go` on PATH: this test needs Go
  assert.equal(r.stdout, '', 'actionlint findings')
  assert.equal(r.status, 0, r.stderr)
})

test('the groups together are every listed backend but endpoint, each once', () => {
  const inCi = [...groups.values()].flat()
  assert.equal(new Set(inCi).size, inCi.length, `a backend in two groups: ${inCi.join(',')}`)
  const listed = LISTED.map((b) => b.name).filter((n) => n !== 'endpoint')
  assert.deepEqual([...inCi].sort(), [...listed].sort())
})

test('each group of the matrix has one backend list, of backends of its own kind', () => {
  assert.deepEqual([...groups.keys()].sort(), [...matrix.group].sort())
  assert.equal(groups.size, matrix.include.length, 'a group listed twice in include')
  for (const [group, names] of groups)
    for (const name of names) {
      const b = BACKENDS.find((x) => x.name === name)
      assert.ok(b, `${group}: no backend named ${name}`)
      assert.equal(b.server ?? 'embedded', group, `${name} needs ${b.server ?? 'no server'}`)
      // A server the harness starts itself (FerretDB) needs no service container.
      if (b.server && !SERVERS[b.server].start)
        assert.ok(job.services[b.server], `no ${b.server} service for ${name}`)
    }
})

test('the run takes every shard of the matrix', () => {
  const n = matrix.shard.length
  assert.deepEqual(
    matrix.shard,
    Array.from({ length: n }, (_, i) => i + 1),
  )
  const run = job.steps.find((s) => s.run?.includes('harness/cli.ts test'))
  assert.ok(run, 'no dbal test step')
  assert.equal(run.env?.SHARD, `\${{ matrix.shard }}/${n}`)
  assert.equal(run.env?.BACKENDS, '${{ matrix.backends }}')
  assert.match(run.run!, /--backends "\$BACKENDS" --shard "\$SHARD"/)
})
