/**
 * The mutation run's figures: per file and per folder the mutants, how many the suite killed (a
 * timeout counts as killed: the mutant did not pass), the score, and every survivor with its line, so
 * that each is either a vector to add or shown to be equivalent. reports/mutation.json and mutation.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Mutant } from './sites.ts'

export type Outcome = 'killed' | 'survived' | 'timeout'

export interface Tried {
  readonly mutant: Mutant
  readonly outcome: Outcome
  /** The backend whose run killed it. */
  readonly by?: string
}

interface Tally {
  mutants: number
  killed: number
  timeout: number
  survived: number
}

const tally = (rows: readonly Tried[]): Tally & { score: number } => {
  const t = { mutants: rows.length, killed: 0, timeout: 0, survived: 0 }
  for (const r of rows) t[r.outcome]++
  return { ...t, score: t.mutants ? (t.killed + t.timeout) / t.mutants : 1 }
}

const groupBy = (rows: readonly Tried[], key: (r: Tried) => string) => {
  const m = new Map<string, Tried[]>()
  for (const r of rows) m.set(key(r), [...(m.get(key(r)) ?? []), r])
  return new Map([...m].sort(([a], [b]) => a.localeCompare(b)))
}

const pct = (s: number) => `${(100 * s).toFixed(1)}%`

/** Writes both files; the score per folder. */
export function writeMutationReport(
  dir: string,
  tried: readonly Tried[],
  target: number,
  seconds: number,
): Map<string, number> {
  const byFile = groupBy(tried, (r) => r.mutant.file)
  const byFolder = groupBy(tried, (r) => `${dirname(r.mutant.file)}/`)
  const survivors = tried
    .filter((r) => r.outcome === 'survived')
    .map((r) => r.mutant)
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)
  const folders = new Map([...byFolder].map(([f, rows]) => [f, tally(rows)]))
  const files = new Map([...byFile].map(([f, rows]) => [f, tally(rows)]))
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    join(dir, 'mutation.json'),
    `${JSON.stringify({ target, seconds, folders: Object.fromEntries(folders), files: Object.fromEntries(files), survivors }, null, 2)}\n`,
  )
  const row = (name: string, t: Tally & { score: number }) =>
    `| ${name} | ${t.mutants} | ${t.killed} | ${t.timeout} | ${t.survived} | ${pct(t.score)} |`
  const head = ['| | mutants | killed | timed out | survived | score |', '|---|---:|---:|---:|---:|---:|']
  const md = [
    '# Mutation score',
    '',
    `${tried.length} mutants, ${seconds.toFixed(0)} s; target ${pct(target)} killed per folder. The suite: \`dbal test --no-features\` on sqlite (adapters/sql/; then pglite with MUTATE_PGLITE=1), on the reference (reference/).`,
    '',
    ...head,
    ...[...folders].map(([f, t]) => row(`**${f}**`, t)),
    ...[...files].map(([f, t]) => row(f, t)),
    '',
    '## Survivors',
    '',
    ...(survivors.length
      ? survivors.map(
          (m) =>
            `- ${m.file}:${m.line} (${m.operator}): \`${m.original}\` → \`${m.replacement || '(removed)'}\``,
        )
      : ['none']),
    '',
  ]
  writeFileSync(join(dir, 'mutation.md'), md.join('\n'))
  return new Map([...folders].map(([f, t]) => [f, t.score]))
}
