/**
 * reports/summary.md, sized for $GITHUB_STEP_SUMMARY (well under its 1 MiB): the run, a line per
 * backend, the parity headline with the steps where backends diverge and where the reference alone
 * differs, the capability matrix (declared against observed), the deviation ledger, and the failures.
 */
import type { Parity, ParityStep } from './parity.ts'
import type { CapabilityCell } from './capabilities.ts'

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')
const MAX_ROWS = 100

function table(head: readonly string[], rows: readonly string[][], more = 0): string[] {
  if (rows.length === 0) return []
  const out = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`]
  for (const r of rows.slice(0, MAX_ROWS)) out.push(`| ${r.map(cell).join(' | ')} |`)
  const hidden = rows.length - MAX_ROWS + more
  if (hidden > 0) out.push('', `… and ${hidden} more in report.html and parity.json.`)
  return [...out, '']
}

const CAP_MARK: Record<CapabilityCell['verdict'], (c: CapabilityCell) => string> = {
  ok: (c) => (c.declared ? '✓' : '–'),
  'over-claim': () => '**✗ over-claim**',
  'under-claim': () => '**✗ under-claim**',
  detected: (c) => (c.declared ? '✓ at connect' : '– at connect'),
  unprobed: (c) => (c.declared ? '✓ (declared)' : '–'),
}

function classesLine(s: ParityStep): string {
  return (s.classes ?? [])
    .map(
      (c) =>
        `${c.backends.join(', ')}${c.diff ? ` (${c.diff.path}: ${JSON.stringify(c.diff.actual)} vs ${JSON.stringify(c.diff.expected)})` : ''}`,
    )
    .join(' ≠ ')
    .slice(0, 400)
}

export function renderSummary(p: Parity): string {
  const ran = p.backends.filter((b) => b.status === 'run').map((b) => b.name)
  const out = ['# DBAL conformance summary', '']
  out.push(
    `Run \`${p.run.runId}\` at ${p.run.startedAt}${p.run.durationMs !== undefined ? `, ${(p.run.durationMs / 1000).toFixed(1)} s` : ''}, Node ${p.run.node}` +
      `${p.run.commit ? `, commit \`${p.run.commit.slice(0, 12)}\`` : ''}, suite \`${p.run.suiteHash.slice(0, 19)}…\`.`,
    '',
  )
  const total = { passed: 0, failed: 0, skipped: 0, xfailed: 0 }
  const rows = p.backends.map((b) => {
    for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += b.tally[k]
    const status =
      b.status === 'not-run'
        ? b.required
          ? '**not run (required)**'
          : 'not run'
        : b.tally.failed
          ? '**fail**'
          : 'pass'
    const t = b.tally
    const secs = b.durationMs !== undefined ? `${(b.durationMs / 1000).toFixed(1)} s` : ''
    return [
      b.name,
      status,
      `${t.passed}`,
      `${t.failed}`,
      `${t.skipped}`,
      `${t.xfailed}`,
      secs,
      b.reason ?? b.where ?? '',
    ]
  })
  out.push(
    ...table(
      ['backend', 'status', 'passed', 'failed', 'skipped', 'known deviations', 'time', 'where / reason'],
      rows,
    ),
  )
  out.push(
    `**Total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped** (${total.xfailed} of the skipped are known deviations that ran and still deviate).`,
    '',
    `## Parity`,
    '',
    `${p.headline.text}.`,
    '',
  )
  const pick = (a: string) => p.steps.filter((s) => s.agreement === a)
  for (const [kind, title] of [
    ['reference-outlier', 'The reference alone differs'],
    ['diverge', 'Backends diverge'],
  ] as const) {
    const steps = pick(kind)
    if (!steps.length) continue
    out.push(`### ${title}`, '')
    out.push(
      ...table(
        ['case', 'step', 'classes (first difference from the reference)'],
        steps.map((s) => [s.case, `${s.step} ${s.entity}.${s.action}`, classesLine(s)]),
      ),
    )
  }
  out.push('## Capabilities: declared against observed', '')
  out.push(
    ...table(
      ['capability', 'probe', ...ran],
      p.capabilities.map((r) => [
        r.name,
        r.why ? `${r.probe}: ${r.why}` : r.probe,
        ...ran.map((b) => (r.cells[b] ? CAP_MARK[r.cells[b]!.verdict](r.cells[b]!) : '')),
      ]),
    ),
  )
  out.push('## Deviation ledger', '')
  if (p.ledger.length === 0) out.push('No known deviations are ledgered for these backends.', '')
  out.push(
    ...table(
      ['backend', 'case', 'type', 'gives instead', 'status', 'reason'],
      p.ledger.map((d) => [
        d.backend,
        `${d.case}${d.step !== undefined ? ` (step ${d.step})` : ''}`,
        d.kind,
        d.expected.status === 'error' ? `error ${d.expected.code}` : 'success',
        d.status === 'stale' || d.status === 'differs' ? `**${d.status}**` : d.status,
        d.link ? `${d.reason} (${d.link})` : d.reason,
      ]),
    ),
  )
  const failing = p.steps.flatMap((s) =>
    Object.entries(s.cells)
      .filter(([, c]) => c.outcome === 'fail' || c.outcome === 'xpass')
      .map(([b, c]) => [b, s.case, `${s.step} ${s.entity}.${s.action}`, c.reason ?? '']),
  )
  if (failing.length) out.push('## Failures', '', ...table(['backend', 'case', 'step', 'reason'], failing))
  return out.join('\n')
}
