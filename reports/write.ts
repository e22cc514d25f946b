/**
 * Every report a run writes into its report folder, all rendered from the results stream alone:
 * parity.json (the model the others read), summary.md, report.html, junit.xml, badges/<backend>.json (stale badges
 * of backends not in this run removed) and timings.json (per case, for `dbal test --shard --timings`).
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ResultEvent } from '../harness/results.ts'
import { renderBadges } from './badges.ts'
import { renderJunit } from './junit.ts'
import { timingsOf, TIMINGS_VERSION } from '../harness/shard.ts'
import { renderHtml } from './html.ts'
import { buildParity, type Parity } from './parity.ts'
import { renderSummary } from './summary.ts'

/** Writes the reports; returns the parity model they were rendered from. */
export function writeReports(dir: string, events: readonly ResultEvent[]): Parity {
  const parity = buildParity(events)
  writeFileSync(join(dir, 'parity.json'), `${JSON.stringify(parity)}\n`)
  const steps = events.filter((e) => e.type === 'step')
  writeFileSync(
    join(dir, 'timings.json'),
    `${JSON.stringify({ version: TIMINGS_VERSION, cases: timingsOf(steps) })}\n`,
  )
  writeFileSync(join(dir, 'summary.md'), renderSummary(parity))
  writeFileSync(join(dir, 'report.html'), renderHtml(parity))
  writeFileSync(join(dir, 'junit.xml'), renderJunit(events))
  const badges = join(dir, 'badges')
  mkdirSync(badges, { recursive: true })
  for (const f of readdirSync(badges)) if (f.endsWith('.json')) rmSync(join(badges, f))
  for (const [backend, badge] of renderBadges(events))
    writeFileSync(join(badges, `${backend}.json`), `${JSON.stringify(badge)}\n`)
  return parity
}
