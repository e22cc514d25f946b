/**
 * `dbal report merge DIR...`: the result streams of shards and backend groups run on different
 * machines, combined into one stream and one set of reports, as if it had been one run. Refused: streams
 * of different suites (suite hash), shards cut on different bases, the same step of a backend twice
 * (overlapping shards). A backend whose shards are not all there is reported as not run, with which.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError } from '../../core/config-error.ts'
import { inputError } from '../../core/problems.ts'
import { concludeRun } from '../conclude.ts'
import {
  stepId,
  type BackendEvent,
  type DeviationEvent,
  type EndEvent,
  type ResultEvent,
  type RunEvent,
} from '../results.ts'
import { newRunId } from '../suite.ts'

interface Stream {
  readonly path: string
  readonly run: RunEvent
  readonly events: readonly ResultEvent[]
}

export function readStream(input: string): Stream {
  const path = existsSync(input) && statSync(input).isDirectory() ? join(input, 'results.jsonl') : input
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw inputError(path, '', e)
  }
  const events = text
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      try {
        return JSON.parse(l) as ResultEvent
      } catch {
        throw new ConfigError(path, `line ${i + 1}`, 'not a results stream (a JSON event per line)')
      }
    })
  const runs = events.filter((e): e is RunEvent => e.type === 'run')
  if (runs.length !== 1 || typeof runs[0]!.suiteHash !== 'string')
    throw new ConfigError(path, '', 'not the stream of one run (expected one run event with a suite hash)')
  return { path, run: runs[0]!, events }
}

function checkCompatible(streams: readonly Stream[]): void {
  const [first, ...rest] = streams
  for (const s of rest) {
    if (s.run.suiteHash !== first!.run.suiteHash)
      throw new ConfigError(
        s.path,
        'suiteHash',
        `a different suite (${s.run.suiteHash}) than ${first!.path} (${first!.run.suiteHash}): streams of different vectors or ledgers cannot be merged`,
      )
    const a = s.run.shard?.basis
    const b = first!.run.shard?.basis
    if (a !== undefined && b !== undefined && (a !== b || s.run.shard!.count !== first!.run.shard!.count))
      throw new ConfigError(
        s.path,
        'shard',
        `cut as ${a} of ${s.run.shard!.count}, ${first!.path} as ${b} of ${first!.run.shard!.count}`,
      )
  }
  const seen = new Map<string, number>()
  streams.forEach((s, i) => {
    for (const e of s.events) {
      if (e.type !== 'step') continue
      const key = `${e.backend}\u0000${stepId(e)}`
      const other = seen.get(key)
      if (other !== undefined && other !== i)
        throw new ConfigError(
          s.path,
          stepId(e),
          `${e.backend} ran this step in ${streams[other]!.path} too: overlapping shards`,
        )
      seen.set(key, i)
    }
  })
}

/** One backend's events from every stream that ran it, as one. */
function mergeBackend(name: string, streams: readonly Stream[]): BackendEvent {
  const parts = streams.flatMap((s) =>
    s.events
      .filter((e): e is BackendEvent => e.type === 'backend' && e.backend === name)
      .map((e) => ({ e, s })),
  )
  const count = parts.find((p) => p.s.run.shard)?.s.run.shard?.count
  const have = new Set(parts.map((p) => p.s.run.shard?.index))
  const missing = count ? Array.from({ length: count }, (_, i) => i + 1).filter((i) => !have.has(i)) : []
  const notRun = parts.filter((p) => p.e.status === 'not-run')
  const reasons = [
    ...notRun.map(
      (p) => (p.s.run.shard ? `shard ${p.s.run.shard.index}/${p.s.run.shard.count}: ` : '') + p.e.reason,
    ),
    ...(missing.length ? [`shard ${missing.join(', ')} of ${count} missing from the merge`] : []),
  ]
  const first = parts[0]!.e
  return {
    type: 'backend',
    backend: name,
    status: reasons.length ? 'not-run' : 'run',
    // A merge with a shard missing is incomplete: that fails it, whether or not the backend was required.
    required: missing.length > 0 || parts.some((p) => p.e.required),
    ...(first.where ? { where: first.where } : {}),
    ...(reasons.length ? { reason: reasons.join('; ') } : {}),
    ...(first.capabilities ? { capabilities: first.capabilities } : {}),
    durationMs: parts.reduce((t, p) => t + (p.e.durationMs ?? 0), 0),
  }
}

export function mergeStreams(streams: readonly Stream[]): ResultEvent[] {
  checkCompatible(streams)
  const runs = streams.map((s) => s.run)
  const backends = [...new Set(runs.flatMap((r) => r.backends))]
  const { shard: _shard, ...base } = runs[0]!
  const startedAt = runs.map((r) => r.startedAt).sort()[0]!
  const run: RunEvent = {
    ...base,
    runId: newRunId(new Date(startedAt)),
    startedAt,
    backends,
    vectors: [...new Set(runs.flatMap((r) => r.vectors))],
  }
  const deviations = new Map<string, DeviationEvent>()
  for (const s of streams)
    for (const e of s.events)
      if (e.type === 'deviation') deviations.set(JSON.stringify([e.backend, e.case, e.step, e.file]), e)
  const ends = streams.flatMap((s) => s.events.filter((e): e is EndEvent => e.type === 'end'))
  return [
    run,
    ...deviations.values(),
    ...streams.flatMap((s) => s.events.filter((e) => e.type === 'step')),
    ...backends.map((b) => mergeBackend(b, streams)),
    {
      type: 'end',
      finishedAt:
        ends
          .map((e) => e.finishedAt)
          .sort()
          .at(-1) ?? startedAt,
      durationMs: Math.max(0, ...ends.map((e) => e.durationMs)),
    },
  ]
}

/** The merged stream as `dir`/results.jsonl. */
export function writeStream(dir: string, events: readonly ResultEvent[]): void {
  try {
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'results.jsonl'), events.map((e) => `${JSON.stringify(e)}\n`).join(''))
  } catch (e) {
    throw inputError('--report-dir', dir, e)
  }
}

export interface MergeOptions {
  readonly inputs: readonly string[]
  readonly reportDir: string
  readonly log: (line: string) => void
}

export function mergeCommand(o: MergeOptions): number {
  if (o.inputs.length === 0)
    throw new ConfigError('dbal report merge', '', 'give the folders (or results.jsonl files) to merge')
  const streams = o.inputs.map(readStream)
  const events = mergeStreams(streams)
  writeStream(o.reportDir, events)
  o.log(`Merged ${streams.length} result streams (suite ${streams[0]!.run.suiteHash.slice(0, 19)}…)`)
  return concludeRun(events, o.reportDir, o.log)
}
