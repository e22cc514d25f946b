/**
 * One run of the suite on several backends at once, each case on a fresh database, streaming result
 * events (results.ts): what `dbal test`, runConformance and `dbal certify` share. A backend that cannot
 * be provisioned, or aborts, is reported as not run with the reason, never as passed.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { schema } from '../core/schema.ts'
import type { Backend, Provision } from './backend.ts'
import { contentHash } from './certificate.ts'
import type { Deviation } from './deviations.ts'
import type { ResultEvent, RunEvent } from './results.ts'
import { runFiles } from './run.ts'
import { featureFiles, featuresHash, runFeatureFiles, type FeatureSelection } from './features.ts'
import { selectShard, shardBasis, type Shard, type Timings } from './shard.ts'
import { displayPath } from './vectors/load.ts'
import type { VectorFile } from './vectors/model.ts'

export interface SuiteOptions {
  readonly backends: readonly Backend[]
  /** Backends whose not running fails the run. */
  readonly required: ReadonlySet<string>
  readonly files: readonly VectorFile[]
  readonly deviations: readonly Deviation[]
  readonly emit: (e: ResultEvent) => void
  /** After each case of a backend, for progress. */
  readonly onCase?: (backend: string) => void
  readonly log?: (line: string) => void
  /** Run only this shard's cases (shard.ts), cut by `timings` when given. */
  readonly shard?: Shard
  readonly timings?: Timings
  /** The Gherkin features too, on every backend that ran (features.ts). */
  readonly features?: FeatureSelection
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!

/** Unique per run (and readable in a database name), so parallel runs never share a database. */
export const newRunId = (at = new Date()) =>
  `${at.toISOString().slice(0, 10).replace(/-/g, '')}_${randomBytes(3).toString('hex')}`

/** The commit under test: CI's, else the checkout's HEAD (if this is one and git is there). */
function commit(): string | undefined {
  if (process.env.GITHUB_SHA) return process.env.GITHUB_SHA
  const r = spawnSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', timeout: 5000 })
  return r.status === 0 ? r.stdout.trim() : undefined
}

/** The suite is its vector files and the ledger that judges them: both go into the hash. */
export function suiteHash(files: readonly VectorFile[], deviations: readonly Deviation[]): string {
  const paths = new Set([...files.map((f) => f.path), ...deviations.map((d) => d.file)])
  return contentHash([...paths], process.cwd())
}

function runEvent(o: SuiteOptions, runId: string, started: number): RunEvent {
  const sha = commit()
  return {
    type: 'run',
    runId,
    startedAt: new Date(started).toISOString(),
    backends: o.backends.map((b) => b.name),
    vectors: o.files.map((f) => displayPath(f.path)),
    node: process.version,
    suiteHash: featuresHash(suiteHash(o.files, o.deviations), o.features),
    ...(sha ? { commit: sha } : {}),
    ...(o.shard ? { shard: { ...o.shard, basis: shardBasis(o.timings) } } : {}),
    capabilities: Object.fromEntries(
      [...schema.capabilities].map(([k, c]) => [k, { probe: c.probe, ...(c.why ? { why: c.why } : {}) }]),
    ),
  }
}

/** Runs the suite; returns each backend's wall time in milliseconds. */
export async function runSuite(o: SuiteOptions): Promise<Map<string, number>> {
  const started = Date.now()
  const runId = newRunId(new Date(started))
  o.emit(runEvent(o, runId, started))
  const names = new Set(o.backends.map((b) => b.name))
  for (const d of o.deviations) {
    if (!names.has(d.backend)) continue
    const { type: kind, ...rest } = d
    o.emit({ ...rest, file: displayPath(d.file), type: 'deviation', kind })
  }
  const files = o.shard ? selectShard(o.files, o.shard, o.timings) : o.files
  const durations = new Map<string, number>()
  const notRun = new Set<string>()
  await Promise.all(
    o.backends.map(async (b) => {
      const required = o.required.has(b.name)
      const t0 = Date.now()
      const prov: Provision = await b
        .provision(runId)
        .catch((e: unknown) => ({ notRun: `provisioning failed: ${message(e)}` }))
      if ('notRun' in prov) {
        notRun.add(b.name)
        o.emit({ type: 'backend', backend: b.name, status: 'not-run', required, reason: prov.notRun })
        return
      }
      try {
        const caps = await runFiles(prov, files, {
          backend: b.name,
          deviations: o.deviations,
          emit: o.emit,
          onCase: () => o.onCase?.(b.name),
        })
        o.emit({
          type: 'backend',
          backend: b.name,
          status: 'run',
          required,
          where: prov.where,
          capabilities: caps,
          durationMs: Date.now() - t0,
        })
      } catch (e) {
        notRun.add(b.name)
        o.emit({
          type: 'backend',
          backend: b.name,
          status: 'not-run',
          required: true,
          reason: `aborted: ${message(e)}`,
          durationMs: Date.now() - t0,
        })
      } finally {
        durations.set(b.name, Date.now() - t0)
        await prov
          .cleanup()
          .catch((e: unknown) => o.log?.(`warning: cleanup of ${b.name} failed: ${message(e)}`))
      }
    }),
  )
  if (o.features) {
    const ran = o.backends.filter((b) => durations.has(b.name) && !notRun.has(b.name))
    await runFeatureFiles(o.features, featureFiles(o.features, o.shard), ran, runId, o)
  }
  o.emit({ type: 'end', finishedAt: new Date().toISOString(), durationMs: Date.now() - started })
  return durations
}
