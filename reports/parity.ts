/**
 * The behaviour-parity model (reports/parity.json, schema reports/parity.schema.json), built from the
 * results stream alone: for every case step, the backends grouped into equivalence classes by their
 * normalized outcome (harness/observe.ts digest), the reference's class first, each other class with
 * the first path where it differs from the reference; the capability matrix (capabilities.ts) and the
 * deviation ledger (ledger.ts). Every other renderer but JUnit and the badges reads this.
 */
import type { BackendEvent, Outcome, ResultEvent, RunEvent, StepEvent } from '../harness/results.ts'
import { stepId, tallies, type Tally } from '../harness/results.ts'
import { capabilityMatrix, type CapabilityRow } from './capabilities.ts'
import { firstDifference, type Difference } from './difference.ts'
import { ledgerRows, type LedgerRow } from './ledger.ts'

export const PARITY_VERSION = 1

/** What a backend did on a step: its outcome, or not run (the backend never ran). */
export type Cell = Outcome | 'not-run'

export interface ParityClass {
  readonly digest: string
  readonly backends: readonly string[]
  readonly observed: unknown
  /** Against the reference's class (absent on the reference's own class). */
  readonly diff?: Difference
}

/**
 * `agree`: one class. `open`: several classes, but every backend passed: they differ where the vector
 * leaves the outcome open (the order of an unsorted list, ties broken by generated ids). `diverge`: a real difference. `reference-outlier`: every other backend agrees
 * and the reference alone differs (the most valuable find: a bug in the oracle or the vector).
 */
export type Agreement = 'agree' | 'open' | 'diverge' | 'reference-outlier'

export interface ParityStep {
  readonly id: string
  readonly file: string
  readonly case: string
  readonly step: number
  readonly entity: string
  readonly action: string
  readonly tags: readonly string[]
  readonly agreement: Agreement
  /** Per backend that ran the step: outcome and, when not a pass, why. */
  readonly cells: Readonly<Record<string, { readonly outcome: Outcome; readonly reason?: string }>>
  /** Present when there is more than one class. */
  readonly classes?: readonly ParityClass[]
}

export interface ParityBackend {
  readonly name: string
  readonly status: 'run' | 'not-run'
  readonly required: boolean
  readonly where?: string
  readonly reason?: string
  readonly durationMs?: number
  readonly tally: Tally
}

export interface Parity {
  readonly version: typeof PARITY_VERSION
  readonly run: {
    readonly runId: string
    readonly startedAt: string
    readonly durationMs?: number
    readonly node: string
    readonly suiteHash: string
    readonly commit?: string
    readonly vectors: readonly string[]
  }
  readonly reference?: string
  readonly backends: readonly ParityBackend[]
  readonly headline: Readonly<Record<Agreement, number>> & { readonly steps: number; readonly text: string }
  readonly steps: readonly ParityStep[]
  readonly capabilities: readonly CapabilityRow[]
  readonly ledger: readonly LedgerRow[]
}

export const REFERENCE = 'reference'

function classesOf(events: readonly StepEvent[], reference: string | undefined): ParityClass[] {
  const byDigest = new Map<string, StepEvent[]>()
  // `events` come in the run's order of backends (buildParity), so every class lists them alike.
  for (const e of events) {
    // A probe that ran where the capability is not declared says nothing about parity.
    if (e.outcome === 'skip') continue
    const list = byDigest.get(e.digest)
    if (list) list.push(e)
    else byDigest.set(e.digest, [e])
  }
  const groups = [...byDigest.values()].sort(
    (a, b) =>
      Number(b.some((e) => e.backend === reference)) - Number(a.some((e) => e.backend === reference)) ||
      b.length - a.length,
  )
  const base = groups[0]?.[0]
  return groups.map((g) => ({
    digest: g[0]!.digest,
    backends: g.map((e) => e.backend),
    observed: g[0]!.observed,
    ...(g[0] !== base ? { diff: firstDifference(base!.observed, g[0]!.observed) } : {}),
  }))
}

function agreementOf(classes: readonly ParityClass[], events: readonly StepEvent[], reference?: string) {
  if (classes.length <= 1) return 'agree'
  const ran = events.filter((e) => e.outcome !== 'skip')
  // Every outcome met its vector: what differs (order, tie-breaks on generated ids) the vector leaves open.
  if (ran.every((e) => e.outcome === 'pass')) return 'open'
  const [first, ...rest] = classes
  if (
    reference !== undefined &&
    first!.backends.length === 1 &&
    first!.backends[0] === reference &&
    rest.length === 1 &&
    rest[0]!.backends.length >= 2
  )
    return 'reference-outlier'
  return 'diverge'
}

function parityStep(events: readonly StepEvent[], reference?: string): ParityStep {
  const e = events[0]!
  const classes = classesOf(events, reference)
  return {
    id: stepId(e),
    file: e.file,
    case: e.case,
    step: e.step,
    entity: e.entity,
    action: e.action,
    tags: e.tags,
    agreement: agreementOf(classes, events, reference),
    cells: Object.fromEntries(
      events.map((x) => [
        x.backend,
        x.outcome === 'pass' ? { outcome: x.outcome } : { outcome: x.outcome, reason: x.reason },
      ]),
    ),
    ...(classes.length > 1 ? { classes } : {}),
  }
}

function headlineText(h: Record<Agreement, number>, steps: number, backends: number): string {
  const n = (x: number) => x.toLocaleString('en-US')
  return (
    `${n(steps)} steps on ${backends} backend${backends === 1 ? '' : 's'}: ${n(h.agree)} agree, ` +
    `${n(h.open)} differ only where the vectors leave the outcome open, ` +
    `${n(h.diverge)} diverge, ${n(h['reference-outlier'])} where the reference alone differs`
  )
}

export function buildParity(events: readonly ResultEvent[]): Parity {
  const run = events.find((e): e is RunEvent => e.type === 'run')
  if (!run) throw new Error('the results stream has no run event')
  // The order the run named the backends in, not the order they finished: parity.json is stable.
  const order = new Map(run.backends.map((b, i) => [b, i]))
  const rank = (b: string) => order.get(b) ?? order.size
  const backendEvents = events
    .filter((e): e is BackendEvent => e.type === 'backend')
    .sort((a, b) => rank(a.backend) - rank(b.backend))
  const byStep = new Map<string, StepEvent[]>()
  const steps = events
    .filter((e): e is StepEvent => e.type === 'step')
    .sort((a, b) => rank(a.backend) - rank(b.backend))
  for (const e of steps) {
    const id = stepId(e)
    const list = byStep.get(id)
    if (list) list.push(e)
    else byStep.set(id, [e])
  }
  const ran = backendEvents.filter((b) => b.status === 'run').map((b) => b.backend)
  const reference = ran.includes(REFERENCE) ? REFERENCE : undefined
  const parity = [...byStep.values()].map((list) => parityStep(list, reference))
  const counts: Record<Agreement, number> = { agree: 0, open: 0, diverge: 0, 'reference-outlier': 0 }
  for (const s of parity) counts[s.agreement]++
  const { byBackend } = tallies(events)
  const end = events.find((e) => e.type === 'end')
  return {
    version: PARITY_VERSION,
    run: {
      runId: run.runId,
      startedAt: run.startedAt,
      ...(end?.type === 'end' ? { durationMs: end.durationMs } : {}),
      node: run.node,
      suiteHash: run.suiteHash,
      ...(run.commit ? { commit: run.commit } : {}),
      vectors: run.vectors,
    },
    ...(reference ? { reference } : {}),
    backends: backendEvents.map((b) => ({
      name: b.backend,
      status: b.status,
      required: b.required,
      ...(b.where ? { where: b.where } : {}),
      ...(b.reason ? { reason: b.reason } : {}),
      ...(b.durationMs !== undefined ? { durationMs: b.durationMs } : {}),
      tally: byBackend.get(b.backend) ?? { passed: 0, failed: 0, skipped: 0, xfailed: 0 },
    })),
    headline: { ...counts, steps: parity.length, text: headlineText(counts, parity.length, ran.length) },
    steps: parity,
    capabilities: capabilityMatrix(run, backendEvents, events),
    ledger: ledgerRows(events),
  }
}
