/**
 * The results stream: every harness run is a sequence of these events, written one JSON line each to
 * reports/results.jsonl. Every renderer (summary, later parity, JUnit, HTML, badges) reads only this.
 */
export type Outcome = 'pass' | 'fail' | 'skip' | 'xfail' | 'xpass'

export interface RunEvent {
  readonly type: 'run'
  readonly runId: string
  readonly startedAt: string
  readonly backends: readonly string[]
  readonly vectors: readonly string[]
  readonly node: string
  /** sha256 over the vector files and the deviation ledger: streams merge only when it is equal. */
  readonly suiteHash: string
  /** The commit under test ($GITHUB_SHA, else git's HEAD), when known. */
  readonly commit?: string
  /** This run's part of a sharded run (`dbal test --shard K/N`). */
  readonly shard?: { readonly index: number; readonly count: number; readonly basis: string }
  /** How each capability is observed (schema/capabilities.yaml `probe`, and `why` where it is not). */
  readonly capabilities: Readonly<Record<string, { readonly probe: string; readonly why?: string }>>
}

export interface BackendEvent {
  readonly type: 'backend'
  readonly backend: string
  readonly status: 'run' | 'not-run'
  readonly required: boolean
  readonly where?: string
  readonly reason?: string
  readonly capabilities?: Readonly<Record<string, boolean>>
  /** Wall time from provisioning to cleanup. */
  readonly durationMs?: number
}

/** A ledger entry (harness/deviations/) of a backend in the run, so the ledger renders from the stream. */
export interface DeviationEvent {
  readonly type: 'deviation'
  readonly backend: string
  readonly case: string
  readonly step?: number
  readonly kind: string
  readonly reason: string
  readonly link?: string
  readonly expected: { readonly status: 'success' } | { readonly status: 'error'; readonly code: string }
  readonly file: string
}

export interface StepEvent {
  readonly type: 'step'
  readonly backend: string
  readonly suite: string
  readonly file: string
  readonly case: string
  readonly step: number
  readonly action: string
  readonly entity: string
  readonly outcome: Outcome
  readonly durationMs: number
  readonly expected?: unknown
  readonly actual?: unknown
  readonly reason?: string
  /** Capabilities the case requires (its steps are the probes of those capabilities) and its area. */
  readonly tags: readonly string[]
  /** sha256 (16 hex) of the normalized outcome (observe.ts): equal digests, equal behaviour. */
  readonly digest: string
  /** The normalized outcome, cut at observe.ts MAX_OBSERVED_BYTES. */
  readonly observed: unknown
  /**
   * A probe run on a backend that does not declare the capability: the step is reported as skipped
   * and this says whether it would have passed (true: an under-claim).
   */
  readonly probePassed?: boolean
}

export interface EndEvent {
  readonly type: 'end'
  readonly finishedAt: string
  readonly durationMs: number
}

export type ResultEvent = RunEvent | BackendEvent | DeviationEvent | StepEvent | EndEvent

export interface Tally {
  passed: number
  failed: number
  skipped: number
  /** Known deviations that still fail (counted in skipped: they ran, they are not passes). */
  xfailed: number
}

export const emptyTally = (): Tally => ({ passed: 0, failed: 0, skipped: 0, xfailed: 0 })

export function add(t: Tally, o: Outcome): void {
  if (o === 'pass') t.passed++
  else if (o === 'fail' || o === 'xpass') t.failed++
  else {
    t.skipped++
    if (o === 'xfail') t.xfailed++
  }
}

/** Per-backend tallies and the total, from the events of a run. */
export function tallies(events: readonly ResultEvent[]): { byBackend: Map<string, Tally>; total: Tally } {
  const byBackend = new Map<string, Tally>()
  const total = emptyTally()
  for (const e of events) {
    if (e.type !== 'step') continue
    let t = byBackend.get(e.backend)
    if (!t) byBackend.set(e.backend, (t = emptyTally()))
    add(t, e.outcome)
    add(total, e.outcome)
  }
  return { byBackend, total }
}

/** A step's identity across backends and runners: its file (relative to the checkout), case and number. */
export const stepId = (s: Pick<StepEvent, 'file' | 'case' | 'step'>) => `${s.file}#${s.case}#${s.step}`

export const tallyLine = (t: Tally) => `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`
