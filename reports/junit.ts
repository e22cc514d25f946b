/**
 * reports/junit.xml from the results stream: one <testsuite> per backend, one <testcase> per case step
 * (classname = vector file › case, name = step number and operation); skipped and known deviations carry
 * their reason, failures the reason and the expected / actual outcome. A backend that did not run is a
 * suite with one errored test case, so a CI page never shows it as green.
 */
import type { BackendEvent, ResultEvent, StepEvent } from '../harness/results.ts'

// XML 1.0 cannot carry most control characters even escaped: they are dropped.
const xml = (s: string) =>
  s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')

const attrs = (a: Record<string, string | number>) =>
  Object.entries(a)
    .map(([k, v]) => ` ${k}="${xml(String(v))}"`)
    .join('')

const seconds = (ms: number) => (ms / 1000).toFixed(3)

function testcase(e: StepEvent): string {
  const head = `    <testcase${attrs({ classname: `${e.file} › ${e.case}`, name: `step ${e.step} ${e.entity}.${e.action}`, time: seconds(e.durationMs) })}`
  const reason = e.reason ?? ''
  if (e.outcome === 'pass') return `${head}/>`
  if (e.outcome === 'skip' || e.outcome === 'xfail')
    return `${head}>\n      <skipped${attrs({ message: reason })}/>\n    </testcase>`
  const body = JSON.stringify({ expected: e.expected, actual: e.actual }, null, 2)
  return `${head}>\n      <failure${attrs({ message: reason, type: e.outcome })}>${xml(body)}</failure>\n    </testcase>`
}

export function renderJunit(events: readonly ResultEvent[]): string {
  const steps = new Map<string, StepEvent[]>()
  for (const e of events)
    if (e.type === 'step') (steps.get(e.backend) ?? steps.set(e.backend, []).get(e.backend)!).push(e)
  const suites: string[] = []
  let total = 0
  let failed = 0
  for (const b of events.filter((e): e is BackendEvent => e.type === 'backend')) {
    const own = steps.get(b.backend) ?? []
    const failures = own.filter((e) => e.outcome === 'fail' || e.outcome === 'xpass').length
    const skipped = own.filter((e) => e.outcome === 'skip' || e.outcome === 'xfail').length
    const time = seconds(own.reduce((t, e) => t + e.durationMs, 0))
    if (b.status === 'not-run') {
      const tag = b.required ? 'error' : 'skipped'
      suites.push(
        `  <testsuite${attrs({ name: b.backend, tests: 1, failures: 0, errors: b.required ? 1 : 0, skipped: b.required ? 0 : 1, time: 0 })}>\n` +
          `    <testcase${attrs({ classname: b.backend, name: 'provisioning' })}>\n` +
          `      <${tag}${attrs({ message: `not run: ${b.reason ?? ''}` })}/>\n` +
          `    </testcase>\n  </testsuite>`,
      )
      total++
      if (b.required) failed++
      continue
    }
    total += own.length
    failed += failures
    suites.push(
      `  <testsuite${attrs({ name: b.backend, tests: own.length, failures, errors: 0, skipped, time })}>\n` +
        own.map(testcase).join('\n') +
        `\n  </testsuite>`,
    )
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${attrs({ name: 'dbal conformance', tests: total, failures: failed })}>\n${suites.join('\n')}\n</testsuites>\n`
}
