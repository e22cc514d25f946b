/**
 * `dbal test --jobs N`: the backends split over N child processes (`dbal test` each, on its part), their
 * result streams merged into one (merge.ts) and concluded as one run. One process runs every backend's
 * JavaScript on one core; the embedded suite spent 94 s so on two cores where either part alone takes
 * under half of it. Parts are balanced by each backend's duration in the previous run's stream in the
 * report folder, when there is one. The children's progress lines pass through, prefixed.
 */
import { spawn } from 'node:child_process'
import { cpSync, existsSync, rmSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { ConfigError } from '../../core/config-error.ts'
import type { Backend } from '../backend.ts'
import { concludeRun } from '../conclude.ts'
import type { BackendEvent } from '../results.ts'
import { mergeStreams, readStream, writeStream } from './merge.ts'
import type { TestOptions } from './test.ts'

/** `--jobs`: a count, or `auto` (the machine's cores). */
export function parseJobs(value: string | undefined): number {
  if (value === undefined) return 1
  if (value === 'auto') return availableParallelism()
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new ConfigError('--jobs', value, 'a whole number from 1 to 64, or auto')
  return n
}

/** Each backend's duration in the last run's stream, for balancing. */
function lastDurations(reportDir: string): Map<string, number> {
  const path = join(reportDir, 'results.jsonl')
  if (!existsSync(path)) return new Map()
  try {
    const events = readStream(path).events.filter((e): e is BackendEvent => e.type === 'backend')
    return new Map(events.map((e) => [e.backend, e.durationMs ?? 0]))
  } catch {
    return new Map()
  }
}

/** The longest first, each onto the lightest part (unknown ones weigh the mean of the known). */
export function splitBackends(
  backends: readonly Backend[],
  jobs: number,
  last: ReadonlyMap<string, number>,
): Backend[][] {
  const known = [...last.values()]
  const mean = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 1
  const weight = (b: Backend) => last.get(b.name) ?? mean
  const parts = Array.from({ length: Math.min(jobs, backends.length) }, () => ({ w: 0, b: [] as Backend[] }))
  for (const b of [...backends].sort((x, y) => weight(y) - weight(x))) {
    const lightest = parts.reduce((m, p) => (p.w < m.w ? p : m))
    lightest.b.push(b)
    lightest.w += weight(b)
  }
  return parts.map((p) => p.b)
}

/** The child's arguments: the same run, on its part, required where the parent requires. */
function childArgs(o: TestOptions, part: readonly Backend[], dir: string): string[] {
  const required = part.filter((b) => o.required.has(b.name)).map((b) => b.name)
  return [
    'test',
    ...['--backends', part.map((b) => b.name).join(',')],
    ...['--report-dir', dir],
    ...(required.length ? ['--require', required.join(',')] : []),
    ...(o.vectors.length ? o.vectors.flatMap((v) => ['--vectors', v]) : ['--no-vectors']),
    ...(o.features ? (o.features.tags !== undefined ? ['--tags', o.features.tags] : []) : ['--no-features']),
    ...(o.timings !== undefined ? ['--timings', o.timings] : []),
    ...(o.quiet ? ['--quiet'] : []),
  ]
}

function runChild(
  args: readonly string[],
  label: string,
  quiet: boolean,
): Promise<{ code: number | null; out: string }> {
  // The same node, loader flags (tsx) and CLI file as this process; DBAL_REQUIRE is passed as --require.
  const { DBAL_REQUIRE: _, ...env } = process.env
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-8000)))
  let partial = ''
  child.stderr.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n')
    partial = lines.pop()!
    if (!quiet) for (const l of lines) process.stderr.write(`[${label}] ${l}\n`)
  })
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out: out + partial })))
}

export async function testInJobs(o: TestOptions, jobs: number): Promise<number> {
  if (o.backends.some((b) => b.name === 'endpoint'))
    throw new ConfigError('--jobs', String(jobs), 'cannot go with --endpoint (one daemon is one backend)')
  if (o.shard)
    throw new ConfigError('--jobs', String(jobs), 'cannot go with --shard (run the shards as jobs instead)')
  const parts = splitBackends(o.backends, jobs, lastDurations(o.reportDir))
  const dirs = parts.map((_, k) => join(o.reportDir, 'jobs', String(k + 1)))
  o.log(
    `Running ${o.backends.length} backends in ${parts.length} processes: ${parts.map((p) => p.map((b) => b.name).join(', ')).join(' | ')}`,
  )
  const ran = await Promise.all(
    parts.map((p, k) => runChild(childArgs(o, p, dirs[k]!), `job ${k + 1}`, o.quiet === true)),
  )
  // A child that wrote no stream (it crashed, or refused its options) is this run's failure, shown as is.
  ran.forEach((r, k) => {
    if (!existsSync(join(dirs[k]!, 'results.jsonl')))
      throw new ConfigError(
        '--jobs',
        String(jobs),
        `job ${k + 1} (exit ${r.code}) wrote no results: ${r.out.trim().slice(-2000)}`,
      )
  })
  const events = mergeStreams(dirs.map((d) => readStream(d)))
  writeStream(o.reportDir, events)
  // Cucumber's own reports are per backend (features.ts): gathered where a one-process run puts them.
  for (const d of dirs)
    if (existsSync(join(d, 'cucumber')))
      cpSync(join(d, 'cucumber'), join(o.reportDir, 'cucumber'), { recursive: true })
  rmSync(join(o.reportDir, 'jobs'), { recursive: true, force: true })
  return concludeRun(events, o.reportDir, o.log)
}
