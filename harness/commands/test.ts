/**
 * `dbal test`: runs vector files on the chosen backends (in parallel, each case on a fresh database),
 * writes reports/results.jsonl and reports/summary.md, and prints a summary per backend and the
 * closing line `N passed, N failed, N skipped`. Exit code 1 on any failure or a required backend not run.
 */
import { createWriteStream, mkdirSync, openSync, type WriteStream } from 'node:fs'
import { join } from 'node:path'
import { finished } from 'node:stream/promises'
import { writeReports } from '../../reports/write.ts'
import type { Backend } from '../backend.ts'
import { loadDeviations } from '../deviations.ts'
import { Progress } from '../progress.ts'
import { tallies, tallyLine, type ResultEvent } from '../results.ts'
import { runSuite } from '../suite.ts'
import { displayPath, loadVectors } from '../vectors/load.ts'
import { sizeOf } from '../vectors/model.ts'
import { inputError } from '../../core/problems.ts'

export interface TestOptions {
  readonly backends: readonly Backend[]
  readonly required: ReadonlySet<string>
  readonly vectors: readonly string[]
  readonly reportDir: string
  readonly log: (line: string) => void
}

const MAX_LISTED = 50

/**
 * The report folder and results.jsonl, opened before anything runs: a folder that cannot be written
 * is the user's to fix, told at once rather than after the whole run.
 */
function openResults(dir: string): WriteStream {
  try {
    mkdirSync(dir, { recursive: true })
    const path = join(dir, 'results.jsonl')
    const out = createWriteStream(path, { fd: openSync(path, 'w') })
    // A later write error (a full disk) is reported once the run ends, by `finished`.
    out.on('error', () => undefined)
    return out
  } catch (e) {
    throw inputError('--report-dir', dir, e)
  }
}

export async function testCommand(o: TestOptions): Promise<number> {
  const files = loadVectors(o.vectors)
  const jsonl = openResults(o.reportDir)
  const events: ResultEvent[] = []
  const emit = (e: ResultEvent) => {
    events.push(e)
    jsonl.write(`${JSON.stringify(e)}\n`)
  }
  const { cases: caseCount, steps: stepCount } = sizeOf(files)
  o.log(
    `Running ${caseCount} cases (${stepCount} steps) from ${files.length} files on ${o.backends.map((b) => b.name).join(', ')}`,
  )
  const progress = new Progress(new Map(o.backends.map((b) => [b.name, caseCount])))
  const durations = await runSuite({
    backends: o.backends,
    required: o.required,
    files,
    deviations: loadDeviations(),
    emit,
    onCase: (b) => progress.tick(b),
    log: o.log,
  })
  progress.finish()
  jsonl.end()
  try {
    await finished(jsonl)
    writeReports(o.reportDir, events)
  } catch (e) {
    throw inputError('--report-dir', o.reportDir, e)
  }

  const { byBackend, total } = tallies(events)
  const width = Math.max(...o.backends.map((b) => b.name.length))
  let missingRequired = 0
  for (const b of o.backends) {
    const ev = events.find((e) => e.type === 'backend' && e.backend === b.name)
    if (ev?.type !== 'backend') continue
    if (ev.status === 'not-run') {
      if (ev.required) missingRequired++
      o.log(`${b.name.padEnd(width)}  NOT RUN${ev.required ? ' (required)' : ''}: ${ev.reason}`)
      continue
    }
    const t = byBackend.get(b.name)!
    o.log(
      `${b.name.padEnd(width)}  ${tallyLine(t)}${t.xfailed ? ` (${t.xfailed} known deviations)` : ''}  ${((durations.get(b.name) ?? 0) / 1000).toFixed(1)} s`,
    )
  }
  const failures = events.filter((e) => e.type === 'step' && (e.outcome === 'fail' || e.outcome === 'xpass'))
  for (const e of failures.slice(0, MAX_LISTED))
    if (e.type === 'step')
      o.log(`  FAIL [${e.backend}] ${e.case} › step ${e.step} ${e.entity}.${e.action}: ${e.reason}`)
  if (failures.length > MAX_LISTED) o.log(`  … ${failures.length - MAX_LISTED} more failures in the report`)
  o.log(
    `Report: ${displayPath(join(o.reportDir, 'summary.md'))}, ${displayPath(join(o.reportDir, 'results.jsonl'))}, junit.xml, badges/`,
  )
  if (missingRequired) o.log(`${missingRequired} required backend(s) not run`)
  o.log(tallyLine(total))
  return total.failed > 0 || missingRequired > 0 ? 1 : 0
}
