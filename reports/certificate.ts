/** reports/certificate.md: the certificate for a person: verdict, subject, counts, then what failed and why. */
import type { Certificate } from '../harness/certificate.ts'

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')
const MAX_LISTED = 100

const VERDICT: Record<Certificate['result'], string> = {
  certified: '✅ Certified: every step of the suite passed',
  failed: '❌ Not certified: steps failed',
  'not-run': '⚠️ Not certified: the suite could not run',
}

export function renderCertificate(c: Certificate): string {
  const s = c.subject
  const lines = [
    `# DBAL certificate: ${s.name}`,
    '',
    `**${VERDICT[c.result]}**${c.reason ? `: ${cell(c.reason)}` : ''}`,
    '',
    '| | |',
    '|---|---|',
    `| ${s.kind} | \`${s.name}\`${s.version ? ` ${s.version}` : ''} (${cell(s.source)}) |`,
    ...(s.protocol ? [`| protocol | ${s.protocol} |`] : []),
    `| suite | ${c.suite.files} files, ${c.suite.cases} cases, ${c.suite.steps} steps, \`${c.suite.hash}\` |`,
    `| schema | \`${c.schema.hash}\` |`,
    `| harness | ${c.harness.package} ${c.harness.version}, Node ${c.node} |`,
    `| date | ${c.date} |`,
    '',
    '| passed | failed | skipped | known deviations | deviations that no longer happen |',
    '|---:|---:|---:|---:|---:|',
    `| ${c.counts.pass} | ${c.counts.fail} | ${c.counts.skip} | ${c.counts.xfail} | ${c.counts.xpass} |`,
    '',
  ]
  const caps = Object.entries(c.capabilities)
  if (caps.length)
    lines.push(
      '## Declared capabilities',
      '',
      caps.map(([k, v]) => `${v ? '✓' : '✗'} ${k}`).join(' · '),
      '',
      'Cases that need a capability the adapter does not declare still run as its probe, reported as skipped;',
      'a declaration the probes contradict refuses the certificate:',
      '',
      ...(c.capabilityClaims.length ? c.capabilityClaims.map((x) => `- **${x}**`) : ['- none contradicted']),
      '',
    )
  const failing = c.counts.fail + c.counts.xpass
  if (c.failures.length) {
    const byCase = new Map<string, Certificate['failures'][number][]>()
    for (const f of c.failures) byCase.set(f.case, [...(byCase.get(f.case) ?? []), f])
    lines.push(
      `## Failures (${failing} steps in ${byCase.size}${failing > c.failures.length ? '+' : ''} cases)`,
      '',
    )
    lines.push('| case | file | step | reason |', '|---|---|---|---|')
    for (const f of c.failures.slice(0, MAX_LISTED))
      lines.push(`| ${cell(f.case)} | ${cell(f.file)} | ${f.step} ${f.action} | ${cell(f.reason)} |`)
    if (c.failures.length > MAX_LISTED || failing > c.failures.length)
      lines.push('', `… the rest are in certificate.json and results.jsonl.`)
    lines.push('')
  }
  if (c.deviations.length) {
    lines.push('## Known deviations', '', '| case | step | reason |', '|---|---:|---|')
    for (const d of c.deviations.slice(0, MAX_LISTED))
      lines.push(`| ${cell(d.case)} | ${d.step} | ${cell(d.reason)} |`)
    lines.push('')
  }
  return lines.join('\n')
}
