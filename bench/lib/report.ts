/**
 * reports/bench.json (every figure), reports/bench.md (the targets, then a table per workload: median,
 * spread, ratio to the raw baseline and to the fastest peer library) and reports/bench/*.svg (a chart per
 * workload and database).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ratio, type Figure } from './measure.ts'
import { chart, colours } from './svg.ts'
import type { Result } from './workloads.ts'

export interface Section {
  /** For headings: "PostgreSQL", "SQLite". */
  readonly title: string
  /** For file names: postgres, sqlite. */
  readonly key: string
  /** The raw driver every ratio is taken against. */
  readonly baseline: string
  /** The peer libraries, for the ratio to the fastest of them. */
  readonly peers: readonly string[]
  readonly results: readonly Result[]
  /** Subjects that could not run here, with the reason (never left out silently). */
  readonly notRun?: readonly { readonly subject: string; readonly reason: string }[]
}

export interface Extra {
  readonly name: string
  readonly value: number
  readonly unit: string
  readonly note?: string
}

export interface Target {
  readonly measure: string
  readonly target: string
  readonly value: number
  readonly holds: boolean
}

export const REPORTS = fileURLToPath(new URL('../../reports/', import.meta.url))
const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
const fmt = (f: Figure) =>
  f.unit === 'µs/op' ? `${f.median.toFixed(0)} µs` : `${Math.round(f.median).toLocaleString('en')}/s`
const range = (f: Figure) =>
  f.unit === 'µs/op' ? `${f.min.toFixed(0)}–${f.max.toFixed(0)}` : `${Math.round(f.min)}–${Math.round(f.max)}`

/** The fastest peer's figure for a result, if any peer ran. */
export function fastestPeer(s: Section, r: Result): { name: string; figure: Figure } | undefined {
  const peers = s.peers.flatMap((p) => (r.figures.has(p) ? [{ name: p, figure: r.figures.get(p)! }] : []))
  return peers.sort((a, b) => ratio(a.figure, b.figure) - 1)[0]
}

function table(s: Section, r: Result): string[] {
  const base = r.figures.get(s.baseline)!
  const peer = fastestPeer(s, r)
  return [
    `#### ${r.workload}`,
    '',
    `| subject | median | rounds' range | × ${s.baseline} | × fastest peer${peer ? ` (${peer.name})` : ''} |`,
    '|---|---:|---:|---:|---:|',
    ...[...r.figures].map(
      ([name, f]) =>
        `| ${name} | ${fmt(f)} | ${range(f)} | ${ratio(f, base).toFixed(2)} | ${peer ? ratio(f, peer.figure).toFixed(2) : '—'} |`,
    ),
    '',
    `![${r.workload}](bench/${s.key}-${slug(r.workload)}.svg)`,
    '',
  ]
}

export function writeBench(
  sections: readonly Section[],
  extras: readonly Extra[],
  targets: readonly Target[],
): string {
  mkdirSync(join(REPORTS, 'bench'), { recursive: true })
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`
  const json = {
    date: new Date().toISOString(),
    machine,
    targets,
    extras,
    sections: sections.map((s) => ({
      ...s,
      results: s.results.map((r) => ({ workload: r.workload, figures: Object.fromEntries(r.figures) })),
    })),
  }
  writeFileSync(join(REPORTS, 'bench.json'), `${JSON.stringify(json, null, 2)}\n`)
  for (const s of sections) {
    const colour = colours([...(s.results[0]?.figures.keys() ?? [])])
    for (const r of s.results) {
      const base = r.figures.get(s.baseline)!
      const bars = [...r.figures].map(([subject, figure]) => ({
        subject,
        figure,
        ratio: ratio(figure, base),
      }))
      writeFileSync(
        join(REPORTS, 'bench', `${s.key}-${slug(r.workload)}.svg`),
        chart(`${s.title}: ${r.workload}`, s.baseline, bars, colour),
      )
    }
  }
  const md = [
    '# Benchmarks',
    '',
    `${json.date}, ${machine}. Each figure: one warm-up round, then the median of the measured rounds (interleaved: every round runs each subject once, in a rotated order). Ratios above 1 are slower.`,
    '',
    '## Targets',
    '',
    '| measure | target | measured | holds |',
    '|---|---|---:|---|',
    ...targets.map(
      (t) => `| ${t.measure} | ${t.target} | ${t.value.toFixed(2)} | ${t.holds ? 'yes' : '**no**'} |`,
    ),
    '',
    ...(extras.length
      ? [
          '## Other figures',
          '',
          '| measure | value |',
          '|---|---:|',
          ...extras.map(
            (e) =>
              `| ${e.name} | ${e.value.toLocaleString('en', { maximumFractionDigits: 2 })} ${e.unit}${e.note ? ` (${e.note})` : ''} |`,
          ),
          '',
        ]
      : []),
    ...sections.flatMap((s) => [
      `## ${s.title}`,
      '',
      ...(s.notRun?.length ? [...s.notRun.map((n) => `- not run: ${n.subject}: ${n.reason}`), ''] : []),
      ...s.results.flatMap((r) => table(s, r)),
    ]),
  ].join('\n')
  writeFileSync(join(REPORTS, 'bench.md'), md)
  return join(REPORTS, 'bench.md')
}
