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
}

export interface BackendEvent {
  readonly type: 'backend'
  readonly backend: string
  readonly status: 'run' | 'not-run'
  readonly required: boolean
  readonly where?: string
  readonly reason?: string
  readonly capabilities?: Readonly<Record<string, boolean>>
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
}

export interface EndEvent {
  readonly type: 'end'
  readonly finishedAt: string
  readonly durationMs: number
}

export type ResultEvent = RunEvent | BackendEvent | StepEvent | EndEvent

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

export const tallyLine = (t: Tally) => `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`
