/**
 * How a run ends, for `dbal test` and `dbal report merge` alike: the reports written from the stream,
 * a line per backend, the failures, capability over- and under-claims, and the closing line
 * `N passed, N failed, N skipped`, in which each claim counts as a failure. Returns the exit code.
 */
import { join } from 'node:path'
import { claimProblems } from '../reports/capabilities.ts'
import { writeReports } from '../reports/write.ts'
import { inputError } from '../core/problems.ts'
import { tallies, tallyLine, type BackendEvent, type ResultEvent, type StepEvent } from './results.ts'
import { displayPath } from './vectors/load.ts'

const MAX_LISTED = 50

export function concludeRun(
  events: readonly ResultEvent[],
  reportDir: string,
  log: (line: string) => void,
): number {
  let parity
  try {
    parity = writeReports(reportDir, events)
  } catch (e) {
    throw inputError('--report-dir', reportDir, e)
  }
  const { byBackend, total } = tallies(events)
  const backends = events.filter((e): e is BackendEvent => e.type === 'backend')
  const width = Math.max(0, ...backends.map((b) => b.backend.length))
  let missingRequired = 0
  for (const b of backends) {
    if (b.status === 'not-run') {
      if (b.required) missingRequired++
      log(`${b.backend.padEnd(width)}  NOT RUN${b.required ? ' (required)' : ''}: ${b.reason}`)
      continue
    }
    const t = byBackend.get(b.backend) ?? { passed: 0, failed: 0, skipped: 0, xfailed: 0 }
    log(
      `${b.backend.padEnd(width)}  ${tallyLine(t)}${t.xfailed ? ` (${t.xfailed} known deviations)` : ''}  ${((b.durationMs ?? 0) / 1000).toFixed(1)} s`,
    )
  }
  const failures = events.filter(
    (e): e is StepEvent => e.type === 'step' && (e.outcome === 'fail' || e.outcome === 'xpass'),
  )
  for (const e of failures.slice(0, MAX_LISTED))
    log(`  FAIL [${e.backend}] ${e.case} › step ${e.step} ${e.entity}.${e.action}: ${e.reason}`)
  if (failures.length > MAX_LISTED) log(`  … ${failures.length - MAX_LISTED} more failures in the report`)
  const claims = claimProblems(parity.capabilities)
  for (const c of claims) log(`  CAPABILITY ${c}`)
  log(parity.headline.text)
  log(
    `Report: ${displayPath(join(reportDir, 'report.html'))} (also summary.md, parity.json, junit.xml, badges/, results.jsonl)`,
  )
  if (missingRequired) log(`${missingRequired} required backend(s) not run`)
  log(tallyLine({ ...total, failed: total.failed + claims.length }))
  return total.failed > 0 || claims.length > 0 || missingRequired > 0 ? 1 : 0
}
