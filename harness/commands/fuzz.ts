/**
 * `dbal fuzz`: differential fuzzing of backends against the reference (harness/fuzz/). Writes
 * <report-dir>/fuzz/results.jsonl (the results stream, step events of suite `fuzz`), a vector per
 * mismatch next to it, and a line per backend. Exit code 1 on any mismatch or a backend not run.
 */
import { createWriteStream, mkdirSync, openSync } from 'node:fs'
import { join } from 'node:path'
import { finished } from 'node:stream/promises'
import { ConfigError } from '../../core/config-error.ts'
import { inputError } from '../../core/problems.ts'
import type { Backend } from '../backend.ts'
import { backendNamed } from '../backends.ts'
import { loadDeviations } from '../deviations.ts'
import { fuzzBackend, type BackendFuzz } from '../fuzz/run.ts'
import type { ResultEvent } from '../results.ts'
import { newRunId } from '../suite.ts'

export interface FuzzOptions {
  readonly backends: readonly Backend[]
  readonly seed: number
  readonly iterations: number
  readonly timeLimitMs?: number
  readonly steps?: number
  readonly reportDir: string
  readonly log: (line: string) => void
  readonly quiet?: boolean
}

/** A non-negative integer option, or a ConfigError naming it. */
export function integerOption(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value)))
    throw new ConfigError(name, value, 'expected a non-negative integer')
  return Number(value)
}

/** `--time-limit`: seconds, or a number with s, m or h. */
export function timeLimitOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const m = /^(\d+)([smh]?)$/.exec(value.trim())
  if (!m || Number(m[1]) === 0)
    throw new ConfigError('--time-limit', value, 'expected a positive duration: 90, 90s, 10m or 2h')
  return Number(m[1]) * { '': 1000, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as '' | 's' | 'm' | 'h']
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!

export async function fuzzCommand(o: FuzzOptions): Promise<number> {
  const dir = join(o.reportDir, 'fuzz')
  let jsonl
  try {
    mkdirSync(dir, { recursive: true })
    const path = join(dir, 'results.jsonl')
    jsonl = createWriteStream(path, { fd: openSync(path, 'w') })
    jsonl.on('error', () => undefined)
  } catch (e) {
    throw inputError('--report-dir', o.reportDir, e)
  }
  const out = jsonl
  const emit = (e: ResultEvent | Record<string, unknown>) => out.write(`${JSON.stringify(e)}\n`)
  const started = Date.now()
  const runId = newRunId(new Date(started))
  emit({
    type: 'run',
    runId,
    startedAt: new Date(started).toISOString(),
    backends: o.backends.map((b) => b.name),
    vectors: [],
    node: process.version,
    suiteHash: `fuzz:${o.seed}:${o.iterations}`,
    capabilities: {},
  })
  o.log(
    `Fuzzing ${o.backends.map((b) => b.name).join(', ')} against the reference: seed ${o.seed}, ${o.iterations} iterations${o.timeLimitMs ? `, at most ${o.timeLimitMs / 1000} s per backend` : ''}`,
  )
  const refProv = await backendNamed('reference').provision(runId)
  if ('notRun' in refProv || !refProv.fresh)
    throw new Error(`the reference cannot run: ${'notRun' in refProv ? refProv.notRun : 'no adapter'}`)
  const deviations = loadDeviations()
  const results: BackendFuzz[] = []
  let failed = false
  try {
    for (const b of o.backends) {
      const t0 = Date.now()
      const prov = await b
        .provision(runId)
        .catch((e: unknown) => ({ notRun: `provisioning failed: ${message(e)}` }))
      if ('notRun' in prov) {
        failed = true
        o.log(`${b.name}: not run: ${prov.notRun}`)
        emit({ type: 'backend', backend: b.name, status: 'not-run', required: true, reason: prov.notRun })
        continue
      }
      try {
        const every = Math.max(1, Math.ceil(o.iterations / 10))
        const r = await fuzzBackend(b.name, prov, refProv, {
          seed: o.seed,
          iterations: o.iterations,
          ...(o.timeLimitMs !== undefined ? { timeLimitMs: o.timeLimitMs } : {}),
          ...(o.steps !== undefined ? { steps: o.steps } : {}),
          reportDir: o.reportDir,
          deviations,
          emit,
          log: o.log,
          onIteration: (n) => {
            if (!o.quiet && n % every === 0)
              o.log(
                `  ${b.name}: ${n}/${o.iterations} iterations (${Math.round((Date.now() - t0) / 1000)} s)`,
              )
          },
        })
        results.push(r)
        emit({
          type: 'backend',
          backend: b.name,
          status: 'run',
          required: true,
          where: prov.where,
          durationMs: r.durationMs,
        })
        if (r.mismatch) {
          failed = true
          o.log(`${b.name}: MISMATCH (program seed ${r.mismatch.seed}): ${r.mismatch.reason}`)
          o.log(
            `  shrunk from ${r.mismatch.original.rows} rows/${r.mismatch.original.steps} steps to ${r.mismatch.shrunk.rows} rows/${r.mismatch.shrunk.steps} steps: ${r.mismatch.vector}`,
          )
        } else
          o.log(
            `${b.name}: ${r.iterations} iterations, ${r.steps} steps, no mismatch (${(r.durationMs / 1000).toFixed(1)} s)`,
          )
      } catch (e) {
        failed = true
        o.log(`${b.name}: aborted: ${message(e)}`)
        emit({
          type: 'backend',
          backend: b.name,
          status: 'not-run',
          required: true,
          reason: `aborted: ${message(e)}`,
          durationMs: Date.now() - t0,
        })
      } finally {
        await prov
          .cleanup()
          .catch((e: unknown) => o.log(`warning: cleanup of ${b.name} failed: ${message(e)}`))
      }
    }
  } finally {
    await refProv.cleanup().catch(() => undefined)
    emit({ type: 'end', finishedAt: new Date().toISOString(), durationMs: Date.now() - started })
    out.end()
    await finished(out).catch((e: unknown) => {
      throw inputError('--report-dir', o.reportDir, e)
    })
  }
  const mismatches = results.filter((r) => r.mismatch).length
  o.log(
    `${results.length} backends fuzzed, ${mismatches} with a mismatch; results in ${join(dir, 'results.jsonl')}`,
  )
  return failed ? 1 : 0
}
