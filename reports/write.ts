/**
 * Every report a run writes into its report folder, all rendered from the results stream alone:
 * summary.md, junit.xml and badges/<backend>.json (stale badges of backends not in this run removed).
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ResultEvent } from '../harness/results.ts'
import { renderBadges } from './badges.ts'
import { renderJunit } from './junit.ts'
import { renderSummary } from './summary.ts'

export function writeReports(dir: string, events: readonly ResultEvent[]): void {
  writeFileSync(join(dir, 'summary.md'), renderSummary(events))
  writeFileSync(join(dir, 'junit.xml'), renderJunit(events))
  const badges = join(dir, 'badges')
  mkdirSync(badges, { recursive: true })
  for (const f of readdirSync(badges)) if (f.endsWith('.json')) rmSync(join(badges, f))
  for (const [backend, badge] of renderBadges(events))
    writeFileSync(join(badges, `${backend}.json`), `${JSON.stringify(badge)}\n`)
}
