/**
 * `npm run coverage`: c8 over the unit tests and over a conformance run on the embedded backends,
 * merged into one report in reports/coverage/ (text on stdout, HTML, json-summary; settings in
 * .c8rc.json). tsx transpiles in memory with source maps, which c8 follows back to the .ts sources.
 * Then a line and branch figure per top-level folder, printed and written to
 * reports/coverage/summary.md (what CI appends to its step summary). Exits 1 when either run failed,
 * after reporting all the same.
 */
import { spawnSync } from 'node:child_process'
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const c8 = createRequire(import.meta.url).resolve('c8/bin/c8.js')
const config = JSON.parse(readFileSync(join(root, '.c8rc.json'), 'utf8')) as Record<string, string>
const reportsDir = join(root, config['reports-dir']!)
const tempDir = join(root, config['temp-directory']!)

/** Runs `c8 ARGS` in the project folder, output shown as it comes; true when it exited 0. */
function c8run(args: string[], env: NodeJS.ProcessEnv = process.env): boolean {
  const r = spawnSync(process.execPath, [c8, ...args], { cwd: root, stdio: 'inherit', env })
  return r.status === 0
}

const unitFiles = readdirSync(join(root, 'test'))
  .filter((f) => f.endsWith('.test.ts'))
  .sort()
  .map((f) => join('test', f))

// The raw coverage folder, emptied here rather than by c8, so it can be writable by all: as root, the CLI
// tests run some commands as `nobody` (permissions do not stop root), and those write coverage too.
rmSync(tempDir, { recursive: true, force: true })
mkdirSync(tempDir, { recursive: true })
chmodSync(tempDir, 0o1777)

// Record only: both runs add to the temp folder, `c8 report` reads it once.
const record = ['--reporter=none', '--clean=false', process.execPath, '--import', 'tsx']
const unit = c8run([...record, '--test', ...unitFiles])
// The embedded backends, each required: $DBAL_REQUIRE from CI (the servers the unit tests need)
// would otherwise add server backends to this run.
const conformance = c8run(
  [...record, 'harness/cli.ts', 'test', '--backends', 'embedded', '--report-dir', 'reports/coverage-run'],
  { ...process.env, DBAL_REQUIRE: 'embedded' },
)
const reported = c8run(['report'])

interface Counts {
  total: number
  covered: number
}
type Summary = Record<string, { lines: Counts; branches: Counts }>

/** Lines and branches added up per top-level folder of the project, in name order. */
function perFolder(summary: Summary): Map<string, { lines: Counts; branches: Counts }> {
  const folders = new Map<string, { lines: Counts; branches: Counts }>()
  for (const [file, s] of Object.entries(summary)) {
    if (file === 'total') continue
    const folder = relative(root, file).split(sep)[0]!
    const f = folders.get(folder) ?? { lines: { total: 0, covered: 0 }, branches: { total: 0, covered: 0 } }
    for (const k of ['lines', 'branches'] as const) {
      f[k].total += s[k].total
      f[k].covered += s[k].covered
    }
    folders.set(folder, f)
  }
  return new Map([...folders].sort(([a], [b]) => a.localeCompare(b)))
}

const pct = (c: Counts) =>
  `${c.total ? ((100 * c.covered) / c.total).toFixed(1) : '100.0'}% (${c.covered}/${c.total})`

function markdown(summary: Summary): string {
  const rows = [...perFolder(summary)].map(([f, s]) => `| ${f}/ | ${pct(s.lines)} | ${pct(s.branches)} |`)
  const t = summary.total!
  return [
    '## Coverage',
    '',
    'Unit tests and a conformance run on the embedded backends (c8; per file: `reports/coverage/index.html`).',
    'Files no test loads count as 0% of their lines (and add no branches).',
    '',
    '| folder | lines | branches |',
    '|---|---|---|',
    ...rows,
    `| **all** | ${pct(t.lines)} | ${pct(t.branches)} |`,
    '',
  ].join('\n')
}

if (reported) {
  const summary = JSON.parse(readFileSync(join(reportsDir, 'coverage-summary.json'), 'utf8')) as Summary
  const text = markdown(summary)
  writeFileSync(join(reportsDir, 'summary.md'), text)
  process.stdout.write(`\n${text}`)
}
if (!unit) process.stderr.write('coverage: the unit tests failed\n')
if (!conformance) process.stderr.write('coverage: the conformance run failed\n')
process.exit(unit && conformance && reported ? 0 : 1)
