/**
 * The differential runner: for each backend and iteration, a program from the iteration's seed,
 * recorded on the reference (record.ts) and run on the backend with the suite's own runner and
 * comparison (harness/run.ts runCase, judge), every step compared: values, order and error codes.
 * A mismatch is shrunk (shrink.ts) and written as a vector (vector.ts); that backend stops there.
 */
import { join } from 'node:path'
import type { Capabilities } from '../../core/adapter.ts'
import type { Provisioned } from '../backend.ts'
import type { Deviation } from '../deviations.ts'
import type { StepEvent } from '../results.ts'
import { runCase } from '../run.ts'
import { displayPath } from '../vectors/load.ts'
import type { VectorFile } from '../vectors/model.ts'
import { generate, type Program } from './programs.ts'
import { iterationSeed } from './random.ts'
import { programSteps, record } from './record.ts'
import { shrink } from './shrink.ts'
import { writeVector } from './vector.ts'

export interface Mismatch {
  readonly seed: number
  readonly reason: string
  /** The shrunk vector file. */
  readonly vector: string
  readonly original: { readonly rows: number; readonly steps: number }
  readonly shrunk: { readonly rows: number; readonly steps: number }
}

export interface BackendFuzz {
  readonly backend: string
  readonly iterations: number
  readonly steps: number
  readonly durationMs: number
  readonly mismatch?: Mismatch
}

export interface FuzzBackendOptions {
  readonly seed: number
  readonly iterations: number
  /** Stop starting iterations after this many milliseconds. */
  readonly timeLimitMs?: number
  /** Operations per program (beyond the dataset's creates). */
  readonly steps?: number
  readonly reportDir: string
  readonly deviations: readonly Deviation[]
  readonly emit: (e: StepEvent) => void
  /** After every iteration, for progress. */
  readonly onIteration?: (done: number) => void
  readonly log?: (line: string) => void
}

export const sizeOfProgram = (p: Program) => ({
  rows: p.data.pages.length + p.data.components.length,
  steps: programSteps(p).length,
})

/** One program on the backend; the step events (suite `fuzz`) and the first failure's reason. */
export async function runProgram(
  p: Program,
  backend: string,
  prov: Provisioned,
  reference: Provisioned,
  caps: Capabilities,
  path: string,
  deviations: readonly Deviation[],
): Promise<{ events: StepEvent[]; failure?: string }> {
  const c = await record(p, reference, path)
  const file: VectorFile = { path, format: 'dbal', cases: [c] }
  const events: StepEvent[] = []
  await runCase(prov, file, c, caps, {
    backend,
    deviations,
    emit: (e) => events.push({ ...e, suite: 'fuzz' }),
  })
  const failed = events.find((e) => e.outcome === 'fail' || e.outcome === 'xpass')
  return {
    events,
    ...(failed
      ? { failure: `step ${failed.step} (${failed.entity}.${failed.action}): ${failed.reason}` }
      : {}),
  }
}

async function capabilitiesOf(prov: Provisioned): Promise<Capabilities> {
  return (prov.freshExecutor ? await prov.freshExecutor() : await prov.fresh()).capabilities()
}

/** The fuzz campaign on one provisioned backend. */
export async function fuzzBackend(
  backend: string,
  prov: Provisioned,
  reference: Provisioned,
  o: FuzzBackendOptions,
): Promise<BackendFuzz> {
  const t0 = Date.now()
  const caps = await capabilitiesOf(prov)
  const options = { jsonPaths: caps.jsonQueries }
  let steps = 0
  let done = 0
  for (; done < o.iterations; done++) {
    if (o.timeLimitMs !== undefined && Date.now() - t0 > o.timeLimitMs) break
    const seed = iterationSeed(o.seed, done)
    const program = generate(seed, options, o.steps)
    const path = join(o.reportDir, 'fuzz', `fuzz-${backend}-${seed}.yaml`)
    const r = await runProgram(program, backend, prov, reference, caps, path, o.deviations)
    for (const e of r.events) o.emit(e)
    steps += r.events.length
    o.onIteration?.(done + 1)
    if (r.failure === undefined) continue
    o.log?.(
      `${backend}: mismatch at seed ${o.seed} iteration ${done} (program seed ${seed}): ${r.failure}; shrinking`,
    )
    const fails = async (p: Program) =>
      (
        await runProgram(p, backend, prov, reference, caps, path, o.deviations).catch(() => ({
          failure: undefined,
        }))
      ).failure !== undefined
    const small = await shrink(program, fails)
    const last = await runProgram(small.program, backend, prov, reference, caps, path, o.deviations)
    const c = await record(small.program, reference, path)
    writeVector(
      path,
      c,
      `Fuzz mismatch of ${backend} (dbal fuzz --backends ${backend} --seed ${o.seed}, iteration ${done}, program seed ${seed}), shrunk in ${small.attempts} attempts: ${last.failure ?? r.failure}. Move to contracts/regressions/ once fixed.`,
    )
    return {
      backend,
      iterations: done + 1,
      steps,
      durationMs: Date.now() - t0,
      mismatch: {
        seed,
        reason: last.failure ?? r.failure,
        vector: displayPath(path),
        original: sizeOfProgram(program),
        shrunk: sizeOfProgram(small.program),
      },
    }
  }
  return { backend, iterations: done, steps, durationMs: Date.now() - t0 }
}
