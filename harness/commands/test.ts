/**
 * `dbal test`: runs vector files on the chosen backends (in parallel, each case on a fresh database),
 * writes results.jsonl and the reports rendered from it (conclude.ts), and prints a summary per backend
 * and the closing line `N passed, N failed, N skipped`. Exit code 1 on any failure, capability
 * over- or under-claim, or a required backend not run.
 */
import { createWriteStream, mkdirSync, openSync, type WriteStream } from 'node:fs'
import { join } from 'node:path'
import { finished } from 'node:stream/promises'
import type { Backend } from '../backend.ts'
import { concludeRun } from '../conclude.ts'
import { loadDeviations } from '../deviations.ts'
import { Progress } from '../progress.ts'
import type { ResultEvent } from '../results.ts'
import { readTimings, selectShard, type Shard } from '../shard.ts'
import { runSuite } from '../suite.ts'
import { testInJobs } from './test-jobs.ts'
import { loadVectors } from '../vectors/load.ts'
import { sizeOf } from '../vectors/model.ts'
import { inputError } from '../../core/problems.ts'

export interface TestOptions {
  readonly backends: readonly Backend[]
  readonly required: ReadonlySet<string>
  readonly vectors: readonly string[]
  readonly reportDir: string
  readonly log: (line: string) => void
  /** Only this shard's cases (shard.ts), cut by the timings file when given. */
  readonly shard?: Shard
  readonly timings?: string
  /** No progress lines. */
  readonly quiet?: boolean
  /** Also the Gherkin features in these files or folders, selected by a tag expression. */
  readonly features?: { readonly paths: readonly string[]; readonly tags?: string }
  /** Child processes to split the backends over (test-jobs.ts); 1: all in this one. */
  readonly jobs?: number
}

/**
 * The report folder and results.jsonl, opened before anything runs: a folder that cannot be written
 * is the user's to fix, told at once rather than after the whole run.
 */
function openResults(dir: string): WriteStream {
  try {
    mkdirSync(dir, { recursive: true })
    const path = join(dir, 'results.jsonl')
    const out = createWriteStream(path, { fd: openSync(path, 'w') })
    // A later write error (a full disk) is reported once the run ends, by `finished`.
    out.on('error', () => undefined)
    return out
  } catch (e) {
    throw inputError('--report-dir', dir, e)
  }
}

export async function testCommand(o: TestOptions): Promise<number> {
  if ((o.jobs ?? 1) > 1 && o.backends.length > 1) return testInJobs(o, o.jobs!)
  const files = o.vectors.length ? loadVectors(o.vectors) : []
  const timings = o.timings === undefined ? undefined : readTimings(o.timings)
  if (o.timings !== undefined && !timings) throw inputError('--timings', o.timings, new Error('no such file'))
  const jsonl = openResults(o.reportDir)
  const events: ResultEvent[] = []
  const mine = o.shard ? selectShard(files, o.shard, timings) : files
  const { cases: caseCount, steps: stepCount } = sizeOf(mine)
  const progress = new Progress(new Map(o.backends.map((b) => [b.name, caseCount])), { quiet: o.quiet })
  const emit = (e: ResultEvent) => {
    events.push(e)
    progress.event(e)
    jsonl.write(`${JSON.stringify(e)}\n`)
  }
  if (files.length)
    o.log(
      `Running ${caseCount} cases (${stepCount} steps) from ${files.length} files${o.shard ? ` (shard ${o.shard.index}/${o.shard.count})` : ''} on ${o.backends.map((b) => b.name).join(', ')}`,
    )
  await runSuite({
    backends: o.backends,
    required: o.required,
    files,
    deviations: loadDeviations(),
    emit,
    onCase: (b) => progress.tick(b),
    log: o.log,
    ...(o.shard ? { shard: o.shard, timings } : {}),
    ...(o.features ? { features: { ...o.features, reportDir: o.reportDir } } : {}),
  })
  progress.finish()
  jsonl.end()
  try {
    await finished(jsonl)
  } catch (e) {
    throw inputError('--report-dir', o.reportDir, e)
  }
  return concludeRun(events, o.reportDir, o.log)
}
