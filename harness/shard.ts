/**
 * Sharded runs (`dbal test --shard K/N`): every case goes to exactly one of N shards, the same on every
 * runner. Cases are dealt longest first to the least loaded shard (LPT), by the durations of a previous
 * run's timings.json when there is one (a case it does not know counts as the median), else all alike,
 * which deals them round-robin in name order. The basis (which timings) is recorded, so that shards
 * cut on different bases, which would overlap, are refused by `dbal report merge`.
 */
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { ConfigError } from '../core/config-error.ts'
import type { StepEvent } from './results.ts'
import { displayPath } from './vectors/load.ts'
import type { VectorFile } from './vectors/model.ts'

export interface Shard {
  readonly index: number
  readonly count: number
}

/** Milliseconds per case key, as timings.json holds them. */
export type Timings = Readonly<Record<string, number>>

export const TIMINGS_VERSION = 1

/** `K/N`, 1 ≤ K ≤ N. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text)
  const index = Number(m?.[1])
  const count = Number(m?.[2])
  if (!m || count < 1 || index < 1 || index > count)
    throw new ConfigError('--shard', '', `"${text}" is not K/N with 1 ≤ K ≤ N (e.g. 2/3)`)
  return { index, count }
}

/** The key of a case: the same on every runner of a checkout. */
export const caseKey = (file: string, name: string) => `${displayPath(file)}#${name}`

export function readTimings(path: string): Timings | undefined {
  if (!existsSync(path)) return undefined
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { version?: number; cases?: Timings }
  if (doc.version !== TIMINGS_VERSION || typeof doc.cases !== 'object' || doc.cases === null)
    throw new ConfigError(path, 'version', `not a timings file of version ${TIMINGS_VERSION}`)
  return doc.cases
}

/** Per case, the sum of its steps' durations over the backends that ran it. */
export function timingsOf(steps: readonly StepEvent[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const s of steps) {
    const k = caseKey(s.file, s.case)
    out[k] = Math.round(((out[k] ?? 0) + s.durationMs) * 1000) / 1000
  }
  return out
}

/** What a shard's cut depends on: `even`, or the hash of the timings used. */
export function shardBasis(timings: Timings | undefined): string {
  if (!timings) return 'even'
  const sorted = Object.keys(timings)
    .sort()
    .map((k) => [k, timings[k]])
  return `timings:${createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16)}`
}

/** The case keys of each shard (index 0 is shard 1). */
export function partition(keys: readonly string[], count: number, timings?: Timings): string[][] {
  const known = keys.map((k) => timings?.[k]).filter((t): t is number => t !== undefined)
  known.sort((a, b) => a - b)
  const median = known.length ? known[Math.floor(known.length / 2)]! : 1
  const weight = (k: string) => timings?.[k] ?? median
  const order = [...keys].sort((a, b) => weight(b) - weight(a) || (a < b ? -1 : a > b ? 1 : 0))
  const shards = Array.from({ length: count }, () => ({ load: 0, keys: [] as string[] }))
  for (const k of order) {
    let least = shards[0]!
    for (const s of shards) if (s.load < least.load) least = s
    least.keys.push(k)
    least.load += weight(k)
  }
  return shards.map((s) => s.keys)
}

/** The files with only the cases of `shard`. */
export function selectShard(files: readonly VectorFile[], shard: Shard, timings?: Timings): VectorFile[] {
  const keys = files.flatMap((f) => f.cases.map((c) => caseKey(f.path, c.name)))
  const mine = new Set(partition(keys, shard.count, timings)[shard.index - 1])
  return files.map((f) => ({ ...f, cases: f.cases.filter((c) => mine.has(caseKey(f.path, c.name))) }))
}
