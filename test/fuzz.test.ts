/**
 * `dbal fuzz` (harness/fuzz/): generation is deterministic for a seed, the dataset is valid on purpose,
 * the CI seed set passes on every backend that can run here, and a deliberately broken backend is
 * caught, shrunk and written as a vector the loader accepts.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import type { Adapter, ListQuery } from '../core/adapter.ts'
import { ConfigError } from '../core/config-error.ts'
import type { Provisioned } from '../harness/backend.ts'
import { backendNamed } from '../harness/backends.ts'
import { integerOption, timeLimitOption } from '../harness/commands/fuzz.ts'
import { fuzzBackend, runProgram } from '../harness/fuzz/run.ts'
import { generate } from '../harness/fuzz/programs.ts'
import { iterationSeed } from '../harness/fuzz/random.ts'
import { CI_ITERATIONS, CI_SEEDS } from '../harness/fuzz/seeds.ts'
import { record } from '../harness/fuzz/record.ts'
import type { StepEvent } from '../harness/results.ts'
import { runFiles } from '../harness/run.ts'
import { selectBackends } from '../harness/select.ts'
import { loadVectorFile } from '../harness/vectors/load.ts'
import { dbal } from './helpers.ts'
import { describeOn } from './servers.ts'

const dir = mkdtempSync(join(tmpdir(), 'dbal-fuzz-'))
after(() => rmSync(dir, { recursive: true, force: true }))

async function provisioned(name: string): Promise<Provisioned> {
  const p = await backendNamed(name).provision(`fz${process.pid}`)
  if ('notRun' in p) return assert.fail(`${name} cannot run: ${p.notRun}`)
  return p
}

const reference = await provisioned('reference')
after(() => reference.cleanup())

describe('fuzz generation', () => {
  it('the same seed gives the same dataset and program; another seed another', () => {
    for (const seed of [1, 77, 4_000_000_000]) {
      const a = generate(seed, { jsonPaths: true })
      assert.deepEqual(generate(seed, { jsonPaths: true }), a)
      assert.notDeepEqual(generate(seed + 1, { jsonPaths: true }), a)
    }
    assert.notEqual(iterationSeed(1, 0), iterationSeed(1, 1))
    assert.notEqual(iterationSeed(1, 0), iterationSeed(2, 0))
  })

  it('the dataset is valid on the reference, and createMany with a bad row fails whole', async () => {
    let bad = 0
    for (let i = 0; i < 60; i++) {
      const p = generate(iterationSeed(99, i), { jsonPaths: true })
      // record throws when the reference refuses a dataset row.
      const c = await record(p, reference, join(dir, 'gen.yaml'))
      for (const [j, s] of c.steps.entries()) {
        if (s.action !== 'createMany' || s.expected.status !== 'error') continue
        bad++
        assert.match(String(s.expected.error!.code), /^(VALIDATION_ERROR|CONFLICT)$/)
        const slugs = ((s.input as { items: { slug: string }[] }).items ?? []).map((x) => x.slug)
        const final = c.steps.at(-2)!.expected.output as { data: { slug: string }[] }
        // Nothing of the refused batch is there at the end, unless a later createMany wrote that slug.
        const later = JSON.stringify(c.steps.slice(j + 1).map((x) => x.input))
        for (const slug of slugs)
          if (!later.includes(JSON.stringify(slug)) && !p.data.pages.some((r) => r.input.slug === slug))
            assert.ok(!final.data.some((row) => row.slug === slug), `${slug} written by a refused createMany`)
      }
    }
    assert.ok(bad > 5, `only ${bad} createMany steps with a bad row in 60 programs`)
  })
})

describe('dbal fuzz options', () => {
  it('refuses a non-integer seed, a bad time limit and an unknown backend as ConfigError', () => {
    assert.throws(() => integerOption('--seed', 'abc', 1), ConfigError)
    assert.throws(() => integerOption('--seed', '1.5', 1), ConfigError)
    assert.throws(() => integerOption('--iterations', '-3', 1), ConfigError)
    assert.equal(integerOption('--seed', '42', 1), 42)
    assert.equal(integerOption('--seed', undefined, 7), 7)
    assert.throws(() => timeLimitOption('soon'), ConfigError)
    assert.equal(timeLimitOption('10m'), 600_000)
    assert.equal(timeLimitOption('90'), 90_000)
    assert.throws(() => selectBackends('sqlit'), ConfigError)
  })
})

describe('dbal fuzz (the CLI)', () => {
  it('writes the results stream, the same for the same seed, and exits 0 without a mismatch', async () => {
    const digests: string[][] = []
    for (const run of ['a', 'b']) {
      const out = join(dir, `cli-${run}`)
      const r = await dbal([
        'fuzz',
        '--backends',
        'sqlite',
        '--seed',
        '3',
        '--iterations',
        '4',
        '--report-dir',
        out,
      ])
      assert.equal(r.status, 0, r.stderr + r.stdout)
      assert.match(r.stdout, /sqlite: 4 iterations, \d+ steps, no mismatch/)
      const events = readFileSync(join(out, 'fuzz', 'results.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string; suite?: string; outcome?: string; digest?: string })
      const steps = events.filter((e) => e.type === 'step')
      assert.ok(steps.length > 8)
      assert.ok(steps.every((e) => e.suite === 'fuzz' && e.outcome === 'pass'))
      assert.deepEqual([events[0]!.type, events.at(-1)!.type], ['run', 'end'])
      digests.push(steps.map((e) => e.digest!))
    }
    assert.deepEqual(digests[1], digests[0])
  })

  it('refuses a non-integer seed with exit code 2 and the option named', async () => {
    const r = await dbal(['fuzz', '--backends', 'sqlite', '--seed', 'abc'])
    assert.equal(r.status, 2)
    assert.match(r.stderr, /--seed: abc: expected a non-negative integer/)
  })

  it('stops starting programs at the time limit', async () => {
    const sqlite = await provisioned('sqlite')
    try {
      const r = await fuzzBackend('sqlite', sqlite, reference, {
        seed: 1,
        iterations: 100_000,
        timeLimitMs: 1,
        reportDir: dir,
        deviations: [],
        emit: () => undefined,
      })
      assert.ok(r.iterations < 100_000)
    } finally {
      await sqlite.cleanup()
    }
  })
})

const CI_BACKENDS = [
  'sqlite',
  'pglite',
  'postgres',
  'sequelize-sqlite',
  'sequelize-postgres',
  'sequelize-mariadb',
]

describeOn(CI_BACKENDS.map(backendNamed), ': the fuzz CI seed set', (prov, backend) => {
  it(`passes ${CI_SEEDS.length} seeds × ${CI_ITERATIONS} programs`, async () => {
    const t0 = Date.now()
    let steps = 0
    for (const seed of CI_SEEDS) {
      const r = await fuzzBackend(backend.name, prov(), reference, {
        seed,
        iterations: CI_ITERATIONS,
        reportDir: dir,
        deviations: [],
        emit: () => undefined,
      })
      assert.equal(r.mismatch, undefined, `${backend.name} seed ${seed}: ${JSON.stringify(r.mismatch)}`)
      assert.equal(r.iterations, CI_ITERATIONS)
      steps += r.steps
    }
    assert.ok(steps > CI_SEEDS.length * CI_ITERATIONS * 5)
    console.log(
      `# fuzz ${backend.name}: ${CI_SEEDS.length * CI_ITERATIONS} programs, ${steps} steps, ${Date.now() - t0} ms`,
    )
  })
})

/** SQLite, broken on purpose: every list loses its last row. */
function dropsLastRow(p: Provisioned): Provisioned {
  const broken = (a: Adapter): Adapter =>
    new Proxy(a, {
      get(target, key, receiver) {
        if (key !== 'list') return Reflect.get(target, key, receiver) as unknown
        return async (entity: string, q: ListQuery) => {
          const r = await target.list(entity, q)
          return { ...r, data: r.data.slice(0, -1) }
        }
      },
    })
  return {
    where: `${p.where} (broken)`,
    cleanup: () => p.cleanup(),
    fresh: async () => broken(await p.fresh!()),
  }
}

describe('the shrinker', () => {
  it('shrinks a mismatch of a broken backend into a vector that fails there and passes on sqlite', async () => {
    const sqlite = await provisioned('sqlite')
    try {
      const broken = dropsLastRow(sqlite)
      const r = await fuzzBackend('broken-sqlite', broken, reference, {
        seed: 5,
        iterations: 20,
        reportDir: dir,
        deviations: [],
        emit: () => undefined,
      })
      const m = r.mismatch
      assert.ok(m, 'the broken backend was not caught')
      assert.ok(m.shrunk.rows < m.original.rows, `rows ${m.original.rows} → ${m.shrunk.rows}`)
      assert.ok(m.shrunk.steps < m.original.steps, `steps ${m.original.steps} → ${m.shrunk.steps}`)
      const file = loadVectorFile(m.vector)
      assert.equal(file.cases.length, 1)
      const run = async (p: Provisioned) => {
        const events: StepEvent[] = []
        await runFiles(p, [file], { backend: 'x', deviations: [], emit: (e) => events.push(e) })
        return events
      }
      const onBroken = await run(broken)
      assert.ok(onBroken.some((e) => e.outcome === 'fail'))
      const onSqlite = await run(sqlite)
      assert.ok(onSqlite.length > 0)
      assert.deepEqual(
        onSqlite.filter((e) => e.outcome !== 'pass').map((e) => e.reason),
        [],
      )
      const onReference = await run(reference)
      assert.ok(onReference.every((e) => e.outcome === 'pass'))
      console.log(
        `# shrunk ${m.original.rows} rows/${m.original.steps} steps → ${m.shrunk.rows}/${m.shrunk.steps}`,
      )
    } finally {
      await sqlite.cleanup()
    }
  })

  it('a program that passes on sqlite reports every step', async () => {
    const sqlite = await provisioned('sqlite')
    try {
      const caps = await (await sqlite.fresh!()).capabilities()
      const p = generate(123, { jsonPaths: true })
      const r = await runProgram(p, 'sqlite', sqlite, reference, caps, join(dir, 'one.yaml'), [])
      assert.equal(r.failure, undefined)
      assert.ok(r.events.every((e) => e.suite === 'fuzz' && e.outcome === 'pass'))
      assert.equal(r.events.length, p.data.pages.length + p.data.components.length + p.ops.length)
    } finally {
      await sqlite.cleanup()
    }
  })
})
