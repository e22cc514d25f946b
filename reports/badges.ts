/**
 * reports/badges/<backend>.json from the results stream: a shields.io endpoint document per backend
 * (https://shields.io/badges/endpoint-badge), `passed/ran` in green when nothing failed, red otherwise,
 * grey "not run" when the backend could not run.
 */
import { tallies, type BackendEvent, type ResultEvent } from '../harness/results.ts'

export interface Badge {
  readonly schemaVersion: 1
  readonly label: string
  readonly message: string
  readonly color: string
}

export function renderBadges(events: readonly ResultEvent[]): Map<string, Badge> {
  const { byBackend } = tallies(events)
  const out = new Map<string, Badge>()
  for (const b of events.filter((e): e is BackendEvent => e.type === 'backend')) {
    const label = `dbal ${b.backend}`
    const t = byBackend.get(b.backend)
    if (b.status === 'not-run' || !t) {
      out.set(b.backend, {
        schemaVersion: 1,
        label,
        message: 'not run',
        color: b.required ? 'red' : 'lightgrey',
      })
      continue
    }
    const ran = t.passed + t.failed
    out.set(b.backend, {
      schemaVersion: 1,
      label,
      message: `${t.passed}/${ran}`,
      color: t.failed > 0 ? 'red' : 'brightgreen',
    })
  }
  return out
}
