/**
 * `npm run mutate`: the suite's strength as a mutation score. Every mutant of the SQL compiler and the
 * reference (sites.ts) is put, one at a time, into a copy of the checkout, and the conformance suite
 * runs on it: a mutant is killed when the run fails (or times out), survives when it passes. The SQL
 * adapter's mutants run on sqlite (with MUTATE_PGLITE=1, those that survive there again on pglite), the
 * reference's on the reference. Writes reports/mutation.json and mutation.md; exits 1 below 90% in a
 * folder. MUTATE_FILES=a.ts,b.ts for some files, MUTATE_LIMIT=N for the first N mutants of each file,
 * MUTATE_WORKERS=N copies in parallel (default: one per core).
 */
import { spawn, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeMutationReport, type Outcome, type Tried } from './report.ts'
import { applyMutant, mutantsOf, type Mutant } from './sites.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const TARGET = 0.9
const DEFAULT_FILES = [
  ...[
    'adapter',
    'compile',
    'ddl',
    'driver',
    'explain',
    'migrate',
    'mutex',
    'rows',
    'scope',
    'statements',
  ].map((f) => `adapters/sql/${f}.ts`),
  'reference/match.ts',
  'reference/memory.ts',
]
/**
 * The backends whose runs judge a file's mutants, in order: a later one runs only what survived.
 * MUTATE_PGLITE=1 adds pglite after sqlite for the SQL adapter (PostgreSQL's paths; 3× sqlite's time).
 */
const judges = (file: string): readonly string[] =>
  file.startsWith('reference/')
    ? ['reference']
    : process.env.MUTATE_PGLITE === '1'
      ? ['sqlite', 'pglite']
      : ['sqlite']

const t0 = performance.now()
const log = (line: string) =>
  process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(0)} s] ${line}\n`)

/** A copy of the checkout (tracked and new files, node_modules linked) that mutants are written into. */
function copyCheckout(dir: string): void {
  const listed = spawnSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`)
  for (const f of listed.stdout.split('\n').filter(Boolean)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true })
    cpSync(join(root, f), join(dir, f))
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'))
}

/** One conformance run in `dir`: passed, failed, or out of time. */
function suite(dir: string, backend: string, timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const args = [
      '--import',
      'tsx',
      'harness/cli.ts',
      'test',
      '--backends',
      backend,
      '--no-features',
      '--quiet',
    ]
    const child = spawn(process.execPath, [...args, '--report-dir', join(dir, '.mutate-report')], {
      cwd: dir,
      stdio: 'ignore',
      env: { ...process.env, DBAL_REQUIRE: '' },
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve(code === null ? 'timeout' : code === 0 ? 'survived' : 'killed')
    })
  })
}

async function main(): Promise<number> {
  const files = process.env.MUTATE_FILES?.split(',').filter(Boolean) ?? DEFAULT_FILES
  const limit = Number(process.env.MUTATE_LIMIT ?? Infinity)
  const mutants = files.flatMap((f) => mutantsOf(f, readFileSync(join(root, f), 'utf8')).slice(0, limit))
  const workers = Math.max(1, Number(process.env.MUTATE_WORKERS ?? availableParallelism()))
  const base = join(tmpdir(), `dbal-mutate-${process.pid}`)
  const dirs = Array.from({ length: workers }, (_, k) => join(base, String(k + 1)))
  try {
    log(`${mutants.length} mutants in ${files.length} files; copying the checkout ${workers}×`)
    dirs.forEach(copyCheckout)
    // The unmutated suite must pass on each judge, and gives the time limit: 3× its own, at least 60 s.
    const limits = new Map<string, number>()
    for (const b of new Set(files.flatMap(judges))) {
      const t = performance.now()
      if ((await suite(dirs[0]!, b, 600_000)) !== 'survived')
        throw new Error(`the unmutated suite fails on ${b}: mutants would mean nothing`)
      limits.set(b, Math.max(60_000, 3 * (performance.now() - t)))
      log(`baseline on ${b}: ${((performance.now() - t) / 1000).toFixed(1)} s`)
    }
    const tried: Tried[] = []
    let next = 0
    let last = 0
    const work = async (dir: string) => {
      while (next < mutants.length) {
        const m = mutants[next++]!
        tried.push(await judge(dir, m, limits))
        if (performance.now() - last > 10_000) {
          last = performance.now()
          const killed = tried.filter((r) => r.outcome !== 'survived').length
          log(`${tried.length}/${mutants.length} mutants, ${killed} killed`)
        }
      }
    }
    await Promise.all(dirs.map(work))
    const score = writeMutationReport(join(root, 'reports'), tried, TARGET, (performance.now() - t0) / 1000)
    for (const [folder, s] of score)
      log(`${folder}: ${(100 * s).toFixed(1)}% killed (target ${100 * TARGET}%)`)
    log('reports/mutation.md, reports/mutation.json')
    return [...score.values()].every((s) => s >= TARGET) ? 0 : 1
  } finally {
    rmSync(base, { recursive: true, force: true })
  }
}

/** The mutant written into `dir`, judged by each backend until one kills it, and the file restored. */
async function judge(dir: string, m: Mutant, limits: ReadonlyMap<string, number>): Promise<Tried> {
  const path = join(dir, m.file)
  const original = readFileSync(path, 'utf8')
  writeFileSync(path, applyMutant(original, m))
  try {
    let outcome: Outcome = 'survived'
    let by: string | undefined
    for (const b of judges(m.file)) {
      outcome = await suite(dir, b, limits.get(b)!)
      by = b
      if (outcome !== 'survived') break
    }
    return { mutant: m, outcome, ...(outcome !== 'survived' && by ? { by } : {}) }
  } finally {
    writeFileSync(path, original)
  }
}

process.exit(await main())
