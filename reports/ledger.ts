/**
 * The deviation ledger as the run saw it, from the stream's deviation events and the steps they cover:
 * per entry, how many steps still deviate as ledgered (xfail), no longer deviate (xpass, a failure: the
 * entry is stale), deviate differently (a failure), and whether it covered anything at all.
 */
import { deviationFor, type Deviation } from '../harness/deviations.ts'
import type { DeviationEvent, ResultEvent } from '../harness/results.ts'

export type LedgerStatus = 'holds' | 'stale' | 'differs' | 'unused' | 'not-run'

export interface LedgerRow extends Omit<DeviationEvent, 'type'> {
  readonly xfail: number
  readonly xpass: number
  readonly differs: number
  readonly status: LedgerStatus
}

export function ledgerRows(events: readonly ResultEvent[]): LedgerRow[] {
  const entries = events.filter((e): e is DeviationEvent => e.type === 'deviation')
  const asDeviations: Deviation[] = entries.map(({ kind, ...d }) => ({
    ...d,
    type: kind as Deviation['type'],
  }))
  const counts = entries.map(() => ({ xfail: 0, xpass: 0, differs: 0 }))
  const ran = new Set(events.flatMap((e) => (e.type === 'backend' && e.status === 'run' ? [e.backend] : [])))
  for (const e of events) {
    if (e.type !== 'step') continue
    const d = deviationFor(asDeviations, e.backend, e.case, e.step)
    if (!d) continue
    const c = counts[asDeviations.indexOf(d)]!
    if (e.outcome === 'xfail') c.xfail++
    else if (e.outcome === 'xpass') c.xpass++
    else if (e.outcome === 'fail') c.differs++
  }
  return entries.map(({ type: _type, ...d }, i) => {
    const c = counts[i]!
    const status: LedgerStatus = !ran.has(d.backend)
      ? 'not-run'
      : c.xpass
        ? 'stale'
        : c.differs
          ? 'differs'
          : c.xfail
            ? 'holds'
            : 'unused'
    return { ...d, ...c, status }
  })
}
