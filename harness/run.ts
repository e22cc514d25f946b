/** Runs vector files on one provisioned backend, a fresh database per case, emitting a step event each. */
import { createHash } from 'node:crypto'
import type { Capabilities } from '../core/adapter.ts'
import type { AuditSink } from '../core/audit.ts'
import { DBALClient } from '../core/client.ts'
import { DBALError } from '../core/errors.ts'
import type { Provisioned } from './backend.ts'
import { deviatesAsLedgered, deviationFor, type Deviation } from './deviations.ts'
import { observe, type IdNames } from './observe.ts'
import type { Outcome, StepEvent } from './results.ts'
import { displayPath } from './vectors/load.ts'
import { compare } from './vectors/match.ts'
import { numbered, type Case, type Expected, type Step, type VectorFile } from './vectors/model.ts'
import { RefError, resolve, type Scope } from './vectors/refs.ts'

export interface RunOptions {
  readonly backend: string
  readonly deviations: readonly Deviation[]
  readonly emit: (e: StepEvent) => void
  /** Called after each case, for progress. */
  readonly onCase?: () => void
  readonly stepTimeoutMs?: number
  /** Receives the audit records of every client the runner makes (the secrets scan reads them). */
  readonly audit?: AuditSink
}

type Actual = { status: 'success'; output: unknown } | { status: 'error'; error: Record<string, unknown> }

const json = (v: unknown): unknown => (v === undefined ? null : JSON.parse(JSON.stringify(v)))

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const t = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`step did not finish within ${ms} ms`)), ms)),
  )
  return Promise.race([p, t]).finally(() => clearTimeout(timer))
}

/** Why `actual` does not meet `expected`, or undefined when it does. */
export function judge(expected: Expected, actual: Actual): string | undefined {
  if (expected.status !== actual.status)
    return actual.status === 'error'
      ? `expected success, got ${actual.error.code}`
      : `expected error ${expected.error?.code}, got success`
  if (actual.status === 'error') {
    const want = expected.error!
    const code = typeof want.code === 'number' ? actual.error.status : actual.error.code
    if (code !== want.code)
      return `expected error ${want.code}, got ${actual.error.code} (${actual.error.status})`
    if (want.message !== undefined && want.message !== actual.error.message)
      return `expected message "${want.message}", got "${actual.error.message}"`
    const details = (actual.error.details ?? {}) as Record<string, unknown>
    if (want.fields) {
      const got = ((details.fields as { field: string }[] | undefined) ?? []).map((f) => f.field).sort()
      const exp = [...want.fields].sort()
      if (JSON.stringify(got) !== JSON.stringify(exp))
        return `expected failing fields [${exp.join(', ')}], got [${got.join(', ')}]`
    }
    if (want.details) {
      const m = compare(want.details, details, false, '$.details')
      if (m) return `${m.path}: ${m.reason}`
    }
    return undefined
  }
  if (expected.length !== undefined) {
    const out = actual.output as { data?: unknown } | unknown[]
    const list = Array.isArray(out) ? out : (out as { data?: unknown })?.data
    if (!Array.isArray(list))
      return `expected a list of ${expected.length}, got ${JSON.stringify(actual.output)}`
    if (list.length !== expected.length) return `expected ${expected.length} items, got ${list.length}`
  }
  if (expected.hasOutput) {
    const m = compare(expected.output, actual.output, expected.exact)
    if (m) return `${m.path}: ${m.reason}`
  }
  return undefined
}

/**
 * The vectors check what credentials do, not how long scrypt takes: a cheaper cost (stored with each hash,
 * as always) keeps thousands of set/verify steps from dominating the run. Production keeps the default.
 */
const VECTOR_SCRYPT = { N: 1024, r: 8, p: 1 } as const

const ROLES = new Set(['user', 'admin', 'god', 'supergod'])

/**
 * A case's row ids: UUID v4 in form, the same sequence on every backend and in every run, so that
 * ties broken by id break alike and outcomes compare (over a daemon, the daemon makes its own).
 */
export function caseIds(seed: string): () => string {
  let n = 0
  return () => {
    const h = createHash('sha256').update(`${seed}\0${n++}`).digest('hex')
    const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`
  }
}

/**
 * The client a step runs as: the trusted one, an anonymous one, a saved user's, or one for a role,
 * whose user (`actor_<role>`) is created on first use in the case and saved under that name.
 */
async function clientAs(spec: string | undefined, base: DBALClient, scope: Scope): Promise<DBALClient> {
  if (spec === undefined || spec === 'system') return base
  if (spec === 'anonymous') return base.as('anonymous')
  if (spec.startsWith('$')) {
    const user = resolve(spec, scope) as { id: string; username: string; role: string }
    if (!user || typeof user !== 'object' || typeof user.role !== 'string')
      throw new RefError(`as ${spec}: not a saved user`)
    return base.as(user)
  }
  if (!ROLES.has(spec)) throw new RefError(`as ${spec}: not an actor`)
  const name = `actor_${spec}`
  let user = scope.saved.get(name) as { id: string; username: string; role: string } | undefined
  if (!user) {
    user = await base.users.create({ username: name, email: `${name}@actors.example`, role: spec as 'user' })
    scope.saved.set(name, user)
  }
  return base.as(user)
}

async function runStep(
  base: DBALClient,
  as: string | undefined,
  step: Step,
  scope: Scope,
  timeoutMs: number,
): Promise<StepResult> {
  let input: unknown
  let expected: Expected
  let client: DBALClient
  try {
    client = await clientAs(as, base, scope)
    input = resolve(step.input, scope)
    expected = { ...step.expected, output: resolve(step.expected.output, scope) }
  } catch (e) {
    if (e instanceof RefError) return { reason: e.message }
    throw e
  }
  let actual: Actual
  try {
    actual = {
      status: 'success',
      output: json(await withTimeout(client.execute(step.entity, step.action, input), timeoutMs)),
    }
  } catch (e) {
    if (!(e instanceof DBALError))
      return { expected, reason: e instanceof Error ? e.message : String(e), raised: e }
    actual = { status: 'error', error: json(e.toJSON()) as Record<string, unknown> }
    return { actual, expected, reason: judge(expected, actual), raised: e }
  }
  return { actual, expected, reason: judge(expected, actual) }
}

interface StepResult {
  actual?: Actual
  expected?: Expected
  reason?: string
  /** What the operation threw: a transaction's body rethrows it to end the transaction. */
  raised?: unknown
}

/** The application error of a `throw` step: the transaction must give back this very object. */
class VectorThrow extends Error {}

/** How a case's steps run and report: each gets the next number (inner steps before their transaction). */
interface CaseRun {
  readonly base: DBALClient
  readonly caseAs: string | undefined
  readonly scope: Scope
  readonly timeoutMs: number
  next: number
  report(i: number, step: Step, r: StepResult, durationMs: number): void
}

/** Runs `steps` on `client` (a transaction's, inside one); rethrows what ends a transaction's body. */
async function runSteps(run: CaseRun, client: DBALClient, steps: readonly Step[], inBody: boolean) {
  for (const [j, step] of steps.entries()) {
    const t0 = performance.now()
    let r: StepResult
    if (step.transaction)
      r = await runTransaction(run, client, inBody ? undefined : (step.as ?? run.caseAs), step)
    else if (step.action === 'throw') r = { raised: new VectorThrow(String(step.input)) }
    else
      r = await runStep(client, inBody ? undefined : (step.as ?? run.caseAs), step, run.scope, run.timeoutMs)
    const i = run.next++
    run.report(i, step, r, Math.round((performance.now() - t0) * 1000) / 1000)
    const out = r.actual ? (r.actual.status === 'success' ? r.actual.output : r.actual.error) : undefined
    run.scope.outputs.push(out)
    if (step.save) run.scope.saved.set(step.save, out)
    const failed = r.raised !== undefined || r.reason !== undefined || r.actual?.status === 'error'
    if (inBody && failed && !(step.catch && r.actual)) {
      // Whatever did not run is reported, so that a broken body is never a short pass.
      for (const rest of numbered(steps.slice(j + 1)))
        run.report(run.next++, rest, { reason: `not run: the transaction ended at step ${i}` }, 0)
      throw r.raised ?? new Error(r.reason)
    }
  }
}

/**
 * A transaction step: its steps on the transaction's client (`as` the step's actor), then its own
 * outcome: success (committed; its output is the list of its steps' outputs) or the error that ended it:
 * a step's DBALError, or the very error of a `throw` step when `expected` names none.
 */
async function runTransaction(run: CaseRun, on: DBALClient, as: string | undefined, step: Step) {
  const start = run.next
  const r = await transactionOutcome(run, on, as, step)
  // A transaction refused before its body ran still reports its steps: every backend numbers alike.
  if (run.next === start)
    for (const inner of numbered(step.transaction!.steps)) {
      run.report(run.next++, inner, { reason: 'not run: the transaction did not start' }, 0)
      run.scope.outputs.push(undefined)
    }
  return r
}

async function transactionOutcome(run: CaseRun, on: DBALClient, as: string | undefined, step: Step) {
  const t = step.transaction!
  let client: DBALClient
  try {
    client = await clientAs(as, on, run.scope)
  } catch (e) {
    if (e instanceof RefError) return { reason: e.message }
    throw e
  }
  const first = run.scope.outputs.length
  const expected = step.expected
  let actual: Actual
  try {
    await withTimeout(
      client.transaction(
        (tx) => runSteps(run, tx, t.steps, true),
        t.timeoutMs ? { timeoutMs: t.timeoutMs } : {},
      ),
      run.timeoutMs,
    )
    actual = { status: 'success', output: run.scope.outputs.slice(first) }
  } catch (e) {
    if (e instanceof VectorThrow) {
      actual = { status: 'error', error: { thrown: e.message } }
      if (expected.status === 'error' && !expected.error) return { actual, expected, raised: e }
    } else if (!(e instanceof DBALError))
      return { expected, reason: e instanceof Error ? e.message : String(e) }
    else actual = { status: 'error', error: json(e.toJSON()) as Record<string, unknown> }
    if (expected.status === 'error' && !expected.error)
      return { actual, expected, reason: 'expected the thrown application error back, got a DBALError' }
    return { actual, expected, reason: judge(expected, actual), raised: e }
  }
  return { actual, expected, reason: judge(expected, actual) }
}

/** A case's area: its file's name, and the folder when it is not contracts/ itself (acl, regressions). */
export function areaTags(path: string): string[] {
  const parts = path.split(/[\\/]/)
  const stem = parts.at(-1)!.replace(/\.ya?ml$/, '')
  const dir = parts.at(-2)
  return dir && dir !== 'contracts' ? [dir, stem] : [stem]
}

/**
 * One case on a fresh database. A case that requires a capability the backend does not declare is its
 * probe: it still runs, each step reported as skipped with whether it would have passed (an under-claim).
 */
export async function runCase(
  prov: Provisioned,
  file: VectorFile,
  c: Case,
  caps: Capabilities,
  o: RunOptions,
): Promise<void> {
  const tags = [...new Set([...c.requires, ...areaTags(file.path)])]
  const base = { backend: o.backend, suite: file.format, file: displayPath(file.path), case: c.name, tags }
  const missing = c.requires.filter((r) => !caps[r])
  const ids: IdNames = new Map()
  const client = prov.freshExecutor
    ? new DBALClient({ executor: await prov.freshExecutor() })
    : new DBALClient({
        adapter: await prov.fresh(),
        audit: o.audit,
        scrypt: VECTOR_SCRYPT,
        ids: caseIds(`${base.file}#${c.name}`),
      })
  const run: CaseRun = {
    base: client,
    caseAs: c.as,
    scope: { outputs: [], saved: new Map() },
    timeoutMs: o.stepTimeoutMs ?? 60_000,
    next: 0,
    report(i, step, r, durationMs) {
      const seen = { ...observe(r.actual, ids), action: step.action, entity: step.entity, step: i }
      if (missing.length) {
        const passed = r.reason === undefined
        return o.emit({
          ...base,
          ...seen,
          type: 'step',
          outcome: 'skip',
          durationMs,
          probePassed: passed,
          reason: `backend lacks ${missing.join(', ')} (probe ${passed ? 'passed: an under-claim' : 'failed, as declared'})`,
        })
      }
      const dev = deviationFor(o.deviations, o.backend, c.name, i)
      let outcome: Outcome = r.reason === undefined ? 'pass' : 'fail'
      let reason = r.reason
      if (dev && outcome === 'pass') {
        outcome = 'xpass'
        reason = `known deviation (${dev.type}) no longer happens: remove it from ${dev.file}`
      } else if (dev && deviatesAsLedgered(dev, r.actual)) {
        outcome = 'xfail'
        reason = `known deviation (${dev.type}): ${dev.reason}; ${reason}`
      } else if (dev) {
        const got =
          r.actual?.status === 'error'
            ? `error ${String(r.actual.error.code)}`
            : (r.actual?.status ?? 'no outcome')
        const want = dev.expected.status === 'error' ? `error ${dev.expected.code}` : 'success'
        reason = `deviates differently than ledgered in ${dev.file} (ledger: ${want}, got ${got}): ${reason}`
      }
      const failed = outcome !== 'pass'
      o.emit({
        ...base,
        ...seen,
        type: 'step',
        outcome,
        durationMs,
        reason,
        ...(failed ? { expected: r.expected, actual: r.actual } : {}),
      })
    },
  }
  await runSteps(run, client, c.steps, false)
  o.onCase?.()
}

export async function runFiles(
  prov: Provisioned,
  files: readonly VectorFile[],
  o: RunOptions,
): Promise<Capabilities> {
  const caps = await (prov.freshExecutor ? await prov.freshExecutor() : await prov.fresh()).capabilities()
  for (const f of files) for (const c of f.cases) await runCase(prov, f, c, caps, o)
  return caps
}
