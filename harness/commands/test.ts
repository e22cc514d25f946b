/**
 * `dbal test`: runs vector files on the chosen backends (in parallel, each case on a fresh database),
 * writes reports/results.jsonl and reports/summary.md, and prints a summary per backend and the
 * closing line `N passed, N failed, N skipped`. Exit code 1 on any failure or a required backend not run.
 */
import { randomBytes } from 'node:crypto'
import { createWriteStream, mkdirSync, openSync, writeFileSync, type WriteStream } from 'node:fs'
import { join } from 'node:path'
import { finished } from 'node:stream/promises'
import { renderSummary } from '../../reports/summary.ts'
import type { Backend, Provision } from '../backend.ts'
import { loadDeviations } from '../deviations.ts'
import { Progress } from '../progress.ts'
import { tallies, tallyLine, type ResultEvent } from '../results.ts'
import { runFiles } from '../run.ts'
import { displayPath, loadVectors } from '../vectors/load.ts'
import { inputError } from './problems.ts'

export interface TestOptions {
  readonly backends: readonly Backend[]
  readonly required: ReadonlySet<string>
  readonly vectors: readonly string[]
  readonly reportDir: string
  readonly log: (line: string) => void
}

const MAX_LISTED = 50
const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!

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
  const started = Date.now()
  const files = loadVectors(o.vectors)
  const deviations = loadDeviations()
  const runId = `${new Date(started).toISOString().slice(0, 10).replace(/-/g, '')}_${randomBytes(3).toString('hex')}`
  const jsonl = openResults(o.reportDir)
  const events: ResultEvent[] = []
  const emit = (e: ResultEvent) => {
    events.push(e)
    jsonl.write(`${JSON.stringify(e)}\n`)
  }
  const caseCount = files.reduce((n, f) => n + f.cases.length, 0)
  const stepCount = files.reduce((n, f) => n + f.cases.reduce((m, c) => m + c.steps.length, 0), 0)
  emit({
    type: 'run',
    runId,
    startedAt: new Date(started).toISOString(),
    backends: o.backends.map((b) => b.name),
    vectors: files.map((f) => displayPath(f.path)),
    node: process.version,
  })
  o.log(
    `Running ${caseCount} cases (${stepCount} steps) from ${files.length} files on ${o.backends.map((b) => b.name).join(', ')}`,
  )
  const progress = new Progress(new Map(o.backends.map((b) => [b.name, caseCount])))
  const durations = new Map<string, number>()

  await Promise.all(
    o.backends.map(async (b) => {
      const required = o.required.has(b.name)
      const t0 = Date.now()
      const prov: Provision = await b
        .provision(runId)
        .catch((e: unknown) => ({ notRun: `provisioning failed: ${message(e)}` }))
      if ('notRun' in prov) {
        emit({ type: 'backend', backend: b.name, status: 'not-run', required, reason: prov.notRun })
        return
      }
      try {
        const caps = await runFiles(prov, files, {
          backend: b.name,
          deviations,
          emit,
          onCase: () => progress.tick(b.name),
        })
        emit({
          type: 'backend',
          backend: b.name,
          status: 'run',
          required,
          where: prov.where,
          capabilities: caps,
        })
      } catch (e) {
        emit({
          type: 'backend',
          backend: b.name,
          status: 'not-run',
          required: true,
          reason: `aborted: ${message(e)}`,
        })
      } finally {
        durations.set(b.name, Date.now() - t0)
        await prov
          .cleanup()
          .catch((e: unknown) => o.log(`warning: cleanup of ${b.name} failed: ${message(e)}`))
      }
    }),
  )
  progress.finish()
  emit({ type: 'end', finishedAt: new Date().toISOString(), durationMs: Date.now() - started })
  jsonl.end()
  try {
    await finished(jsonl)
    writeFileSync(join(o.reportDir, 'summary.md'), renderSummary(events))
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
    `Report: ${displayPath(join(o.reportDir, 'summary.md'))}, ${displayPath(join(o.reportDir, 'results.jsonl'))}`,
  )
  if (missingRequired) o.log(`${missingRequired} required backend(s) not run`)
  o.log(tallyLine(total))
  return total.failed > 0 || missingRequired > 0 ? 1 : 0
}
