/**
 * The soak's figures (latency percentiles, the verdict) and its reports: soak.json (everything) and
 * soak.md (a table for people). Kept apart from bench/soak.ts, which only drives the load.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface Latency {
  readonly count: number
  readonly p50Ms: number
  readonly p99Ms: number
  readonly maxMs: number
}

export interface Check {
  readonly name: string
  readonly value: number | string
  readonly bound: string
  readonly holds: boolean
}

export interface SoakReport {
  readonly startedAt: string
  readonly seconds: number
  readonly warmupSeconds: number
  readonly connections: number
  /** 0: closed loop (as fast as the daemon answers). */
  readonly targetRatePerSecond: number
  readonly backend: string
  readonly mix: Readonly<Record<string, number>>
  readonly operations: number
  readonly throughputPerSecond: number
  readonly latency: Readonly<Record<string, Latency>>
  readonly errors: Readonly<Record<string, number>>
  /** Daemon RSS in MiB: after the warm-up (the baseline), at the end, the highest sample. */
  readonly rssMiB: { readonly start: number; readonly end: number; readonly peak: number } | null
  readonly health: Latency & { readonly failures: number }
  readonly checks: readonly Check[]
  readonly passed: boolean
}

/** Nearest-rank percentile of an ascending array (0 for none). */
const rank = (sorted: readonly number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!

const r3 = (n: number) => Math.round(n * 1000) / 1000

export function latency(samples: readonly number[]): Latency {
  const s = [...samples].sort((a, b) => a - b)
  return { count: s.length, p50Ms: r3(rank(s, 50)), p99Ms: r3(rank(s, 99)), maxMs: r3(s.at(-1) ?? 0) }
}

/** The bounds the soak is judged by (issue 16). */
export const BOUNDS = {
  /** End RSS at most this much above the RSS after the warm-up. */
  rssGrowthMiB: 64,
  /** /health p99 during the soak below this. */
  healthP99Ms: 100,
} as const

export function verdict(r: Pick<SoakReport, 'errors' | 'rssMiB' | 'health' | 'operations'>): {
  checks: Check[]
  passed: boolean
} {
  const errors = Object.values(r.errors).reduce((a, b) => a + b, 0)
  const growth = r.rssMiB ? r3(r.rssMiB.end - r.rssMiB.start) : 'not measured'
  const checks: Check[] = [
    { name: 'operations completed', value: r.operations, bound: '> 0', holds: r.operations > 0 },
    { name: 'unexpected errors', value: errors, bound: '= 0', holds: errors === 0 },
    {
      name: 'daemon RSS growth after warm-up (MiB)',
      value: growth,
      bound: `<= ${BOUNDS.rssGrowthMiB}`,
      holds: typeof growth === 'number' && growth <= BOUNDS.rssGrowthMiB,
    },
    {
      name: '/health p99 (ms)',
      value: r.health.p99Ms,
      bound: `< ${BOUNDS.healthP99Ms}`,
      holds: r.health.count > 0 && r.health.p99Ms < BOUNDS.healthP99Ms,
    },
    { name: '/health failures', value: r.health.failures, bound: '= 0', holds: r.health.failures === 0 },
  ]
  return { checks, passed: checks.every((c) => c.holds) }
}

export function markdown(r: SoakReport): string {
  const ops = Object.entries(r.latency).map(
    ([op, l]) => `| ${op} | ${l.count} | ${l.p50Ms} | ${l.p99Ms} | ${l.maxMs} |`,
  )
  const errors = Object.entries(r.errors).map(([code, n]) => `| ${code} | ${n} |`)
  return [
    `# Soak: ${r.passed ? 'PASSED' : 'FAILED'}`,
    '',
    `${r.connections} connections (service token) to one daemon (child process) on ${r.backend}, ` +
      `${r.seconds} s from ${r.startedAt} (warm-up ${r.warmupSeconds} s: the RSS baseline is taken after it). ` +
      `Mix: ${Object.entries(r.mix)
        .map(([k, v]) => `${v}% ${k}`)
        .join(', ')}.`,
    '',
    `**${r.operations} operations, ${r.throughputPerSecond} per second** (target: ${
      r.targetRatePerSecond > 0 ? `${r.targetRatePerSecond} per second` : 'none, closed loop'
    }).`,
    '',
    '| operation | count | p50 ms | p99 ms | max ms |',
    '|---|---|---|---|---|',
    ...ops,
    `| /health (every 100 ms) | ${r.health.count} | ${r.health.p50Ms} | ${r.health.p99Ms} | ${r.health.maxMs} |`,
    '',
    errors.length ? ['| error code | count |', '|---|---|', ...errors].join('\n') : 'No errors.',
    '',
    r.rssMiB
      ? `Daemon RSS: ${r.rssMiB.start} MiB after warm-up, ${r.rssMiB.end} MiB at the end, peak ${r.rssMiB.peak} MiB.`
      : 'Daemon RSS: not measured (no /proc).',
    '',
    '| check | value | bound | holds |',
    '|---|---|---|---|',
    ...r.checks.map((c) => `| ${c.name} | ${c.value} | ${c.bound} | ${c.holds ? 'yes' : '**no**'} |`),
    '',
  ].join('\n')
}

export function writeSoakReports(r: SoakReport, dir: string): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'soak.json'), `${JSON.stringify(r, null, 2)}\n`)
  writeFileSync(join(dir, 'soak.md'), markdown(r))
}
