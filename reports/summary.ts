/** reports/summary.md: pass / fail / not run per backend, then every failing step. */
import { tallies, type BackendEvent, type ResultEvent, type StepEvent } from '../harness/results.ts'

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')
const MAX_FAILURES = 200

function stepTable(title: string, steps: readonly StepEvent[]): string[] {
  if (steps.length === 0) return []
  const lines = [`## ${title}`, '', '| backend | case | step | reason |', '|---|---|---:|---|']
  for (const f of steps.slice(0, MAX_FAILURES))
    lines.push(
      `| ${f.backend} | ${cell(f.case)} | ${f.step} ${f.entity}.${f.action} | ${cell(f.reason ?? '')} |`,
    )
  if (steps.length > MAX_FAILURES)
    lines.push('', `… and ${steps.length - MAX_FAILURES} more in results.jsonl.`)
  return [...lines, '']
}

export function renderSummary(events: readonly ResultEvent[]): string {
  const run = events.find((e) => e.type === 'run')
  const end = events.find((e) => e.type === 'end')
  const backends = events.filter((e): e is BackendEvent => e.type === 'backend')
  const steps = events.filter((e): e is StepEvent => e.type === 'step')
  const { byBackend, total } = tallies(events)
  const lines = ['# DBAL conformance summary', '']
  if (run) {
    lines.push(
      `Run \`${run.runId}\` at ${run.startedAt}${end ? `, ${(end.durationMs / 1000).toFixed(1)} s` : ''}, Node ${run.node}.`,
    )
    lines.push(`Vectors: ${run.vectors.map((v) => `\`${v}\``).join(', ')}.`, '')
  }
  lines.push(
    '| backend | status | passed | failed | skipped | known deviations | where / reason |',
    '|---|---|---:|---:|---:|---:|---|',
  )
  for (const b of backends) {
    const t = byBackend.get(b.backend)
    const status =
      b.status === 'not-run'
        ? b.required
          ? '**not run (required)**'
          : 'not run'
        : t && t.failed > 0
          ? '**fail**'
          : 'pass'
    lines.push(
      `| ${b.backend} | ${status} | ${t?.passed ?? 0} | ${t?.failed ?? 0} | ${t?.skipped ?? 0} | ${t?.xfailed ?? 0} | ${cell(b.reason ?? b.where ?? '')} |`,
    )
  }
  lines.push(
    '',
    `**Total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped** (${total.xfailed} of the skipped are known deviations that ran and still deviate).`,
    '',
  )
  lines.push(
    ...stepTable(
      'Failures',
      steps.filter((e) => e.outcome === 'fail' || e.outcome === 'xpass'),
    ),
  )
  lines.push(
    ...stepTable(
      'Known deviations (run, still deviating)',
      steps.filter((e) => e.outcome === 'xfail'),
    ),
  )
  return lines.join('\n')
}
