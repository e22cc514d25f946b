/**
 * `npm test`: the unit tests (node:test through tsx) and then the conformance suite on every backend
 * (`dbal test --backends all`; servers that do not answer are *not run*, unless required by
 * $DBAL_REQUIRE). Ends with one line totalling both: `N passed, N failed, N skipped`.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const reports = join(root, 'reports')

function run(args: string[]): Promise<{ code: number; tail: string }> {
  return new Promise((resolve) => {
    let tail = ''
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk)
      tail = (tail + chunk.toString()).slice(-4096)
    })
    child.on('close', (code) => resolve({ code: code ?? 1, tail }))
  })
}

const count = (text: string, re: RegExp) => Number(re.exec(text)?.[1] ?? 0)

mkdirSync(reports, { recursive: true })
const files = readdirSync(join(root, 'test'))
  .filter((f) => f.endsWith('.test.ts'))
  .sort()
  .map((f) => join('test', f))
const tap = join(reports, 'unit.tap')
const unit = await run([
  '--import',
  'tsx',
  '--test',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  '--test-reporter=tap',
  `--test-reporter-destination=${tap}`,
  ...files,
])
const tapText = readFileSync(tap, 'utf8')
// Skipped suites (a server that does not answer) are in no total of node's: count every SKIP result line.
const skipLines = (tapText.match(/^\s*ok \d+ - .*# SKIP/gm) ?? []).length
const u = {
  passed: count(tapText, /^# pass (\d+)$/m),
  failed: count(tapText, /^# fail (\d+)$/m) + count(tapText, /^# cancelled (\d+)$/m),
  skipped: skipLines + count(tapText, /^# todo (\d+)$/m),
}
process.stdout.write(`\nUnit tests: ${u.passed} passed, ${u.failed} failed, ${u.skipped} skipped\n\n`)

const conf = await run([
  '--import',
  'tsx',
  join('harness', 'cli.ts'),
  'test',
  '--backends',
  'all',
  // One process per core: the backends' JavaScript would otherwise share one.
  '--jobs',
  'auto',
  ...process.argv.slice(2),
])
const m = /^(\d+) passed, (\d+) failed, (\d+) skipped$/m.exec(conf.tail)
const c = m
  ? { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3]) }
  : { passed: 0, failed: 1, skipped: 0 }
if (!m) process.stdout.write('The conformance run ended without its summary line: counted as one failure.\n')

const failed =
  u.failed +
  c.failed +
  (unit.code !== 0 && u.failed === 0 ? 1 : 0) +
  (conf.code !== 0 && c.failed === 0 && m ? 1 : 0)
process.stdout.write(
  `\nUnit ${u.passed}/${u.passed + u.failed}, conformance ${c.passed}/${c.passed + c.failed} (skipped ${u.skipped + c.skipped})\n`,
)
process.stdout.write(`${u.passed + c.passed} passed, ${failed} failed, ${u.skipped + c.skipped} skipped\n`)
process.exit(unit.code === 0 && conf.code === 0 ? 0 : 1)
