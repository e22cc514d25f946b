/**
 * The capability matrix, declared against observed, from the results stream. A capability probed by
 * the vectors (schema/capabilities.yaml `probe: vectors`) is observed on a backend through the cases
 * that require it and nothing else the backend lacks: it works when every such step passes (where it
 * is not declared the cases still run, as skips that record whether they would have passed). Declared
 * and failing is an over-claim, undeclared and passing an under-claim: both fail the run.
 */
import {
  stepId,
  type BackendEvent,
  type ResultEvent,
  type RunEvent,
  type StepEvent,
} from '../harness/results.ts'

export type Verdict = 'ok' | 'over-claim' | 'under-claim' | 'detected' | 'unprobed'

export interface CapabilityCell {
  readonly declared: boolean
  /** Whether the probes passed; null when nothing probed it on this backend. */
  readonly observed: boolean | null
  readonly verdict: Verdict
  readonly probeSteps: number
  /** The first probe step that did not pass, as `file#case#step`. */
  readonly failing?: string
}

export interface CapabilityRow {
  readonly name: string
  readonly probe: string
  readonly why?: string
  readonly cells: Readonly<Record<string, CapabilityCell>>
}

const passed = (e: StepEvent) => (e.outcome === 'skip' ? e.probePassed === true : e.outcome === 'pass')

function cell(
  cap: string,
  probe: string,
  declared: Readonly<Record<string, boolean>>,
  steps: readonly StepEvent[],
  capNames: ReadonlySet<string>,
): CapabilityCell {
  const has = declared[cap] === true
  if (probe === 'connect') return { declared: has, observed: has, verdict: 'detected', probeSteps: 0 }
  const probes =
    probe === 'vectors'
      ? steps.filter(
          (e) =>
            // A step skipped without running (a scenario of a feature the backend lacks) says nothing.
            (e.outcome !== 'skip' || e.probePassed !== undefined) &&
            e.tags.includes(cap) &&
            e.tags.every((t) => t === cap || !capNames.has(t) || declared[t] === true),
        )
      : []
  if (probes.length === 0) return { declared: has, observed: null, verdict: 'unprobed', probeSteps: 0 }
  const bad = probes.find((e) => !passed(e))
  const observed = bad === undefined
  const verdict = has === observed ? 'ok' : has ? 'over-claim' : 'under-claim'
  return {
    declared: has,
    observed,
    verdict,
    probeSteps: probes.length,
    ...(bad ? { failing: stepId(bad) } : {}),
  }
}

export function capabilityMatrix(
  run: RunEvent,
  backends: readonly BackendEvent[],
  events: readonly ResultEvent[],
): CapabilityRow[] {
  const capNames = new Set(Object.keys(run.capabilities))
  const stepsOf = new Map<string, StepEvent[]>()
  for (const e of events)
    if (e.type === 'step') {
      const list = stepsOf.get(e.backend)
      if (list) list.push(e)
      else stepsOf.set(e.backend, [e])
    }
  return Object.entries(run.capabilities).map(([name, c]) => ({
    name,
    probe: c.probe,
    ...(c.why ? { why: c.why } : {}),
    cells: Object.fromEntries(
      backends
        .filter((b) => b.status === 'run')
        .map((b) => [
          b.backend,
          cell(name, c.probe, b.capabilities ?? {}, stepsOf.get(b.backend) ?? [], capNames),
        ]),
    ),
  }))
}

/** Every over- and under-claim, one line each, for the run's failures. */
export function claimProblems(rows: readonly CapabilityRow[]): string[] {
  return rows.flatMap((r) =>
    Object.entries(r.cells)
      .filter(([, c]) => c.verdict === 'over-claim' || c.verdict === 'under-claim')
      .map(([b, c]) =>
        c.verdict === 'over-claim'
          ? `${b} declares ${r.name} but its probe fails (${c.failing})`
          : `${b} does not declare ${r.name} but all ${c.probeSteps} probe steps pass`,
      ),
  )
}
