/**
 * Prometheus text for GET /metrics: requests by method and status, their durations, connections and ACL
 * decisions. Method labels are only the protocol's own names (anything else is `unknown`), so a caller
 * cannot grow the label set.
 */
import type { AuditRecord, AuditSink } from '../core/audit.ts'
import { METHODS, OPERATION_METHODS } from './protocol.ts'

const KNOWN = new Set<string>([...OPERATION_METHODS, ...Object.values(METHODS)])
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

interface Histogram {
  counts: number[]
  sum: number
  count: number
}

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')

export class Metrics {
  private readonly requests = new Map<string, number>()
  private readonly durations = new Map<string, Histogram>()
  private readonly acl = { allow: 0, deny: 0 }
  private readonly started = Date.now()
  connections = 0
  inFlight = 0
  connectionsTotal = 0
  rejectedConnections = 0

  /** `status` is `ok` or the DBAL error code. */
  observe(method: string, status: string, seconds: number): void {
    const m = KNOWN.has(method) ? method : 'unknown'
    const key = `${m}\u0000${status}`
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1)
    let h = this.durations.get(m)
    if (!h) this.durations.set(m, (h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 }))
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) h.counts[i]!++
    })
    h.sum += seconds
    h.count++
  }

  /** An audit sink in front of the real one: every record of a non-system caller is one ACL decision. */
  countingAcl(inner: AuditSink): AuditSink {
    return {
      write: (r: AuditRecord) => {
        if (r.actor.role !== 'system') this.acl[r.code === 'FORBIDDEN' ? 'deny' : 'allow']++
        return inner.write(r)
      },
      close: () => inner.close?.() ?? Promise.resolve(),
    }
  }

  render(): string {
    const out: string[] = []
    const head = (name: string, type: string, help: string) =>
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`)
    head('dbal_requests_total', 'counter', 'Requests by method and outcome (ok or the DBAL error code).')
    for (const [key, n] of this.requests) {
      const [method, status] = key.split('\u0000') as [string, string]
      out.push(`dbal_requests_total{method="${esc(method)}",status="${esc(status)}"} ${n}`)
    }
    head('dbal_request_duration_seconds', 'histogram', 'Time from a request arriving to its reply.')
    for (const [method, h] of this.durations) {
      const l = `method="${esc(method)}"`
      BUCKETS.forEach((b, i) =>
        out.push(`dbal_request_duration_seconds_bucket{${l},le="${b}"} ${h.counts[i]}`),
      )
      out.push(
        `dbal_request_duration_seconds_bucket{${l},le="+Inf"} ${h.count}`,
        `dbal_request_duration_seconds_sum{${l}} ${h.sum}`,
        `dbal_request_duration_seconds_count{${l}} ${h.count}`,
      )
    }
    head(
      'dbal_requests_in_flight',
      'gauge',
      'Requests being run now (a timed-out request counts until it ends).',
    )
    out.push(`dbal_requests_in_flight ${this.inFlight}`)
    head('dbal_connections', 'gauge', 'Open WebSocket connections.')
    out.push(`dbal_connections ${this.connections}`)
    head('dbal_connections_total', 'counter', 'WebSocket connections accepted since start.')
    out.push(`dbal_connections_total ${this.connectionsTotal}`)
    head(
      'dbal_connections_rejected_total',
      'counter',
      'Upgrades refused (bad token, too many connections, rate, shutting down).',
    )
    out.push(`dbal_connections_rejected_total ${this.rejectedConnections}`)
    head(
      'dbal_acl_decisions_total',
      'counter',
      'Operations of non-system callers through the ACL, by decision.',
    )
    out.push(
      `dbal_acl_decisions_total{decision="allow"} ${this.acl.allow}`,
      `dbal_acl_decisions_total{decision="deny"} ${this.acl.deny}`,
    )
    head('dbal_uptime_seconds', 'gauge', 'Seconds since the daemon started.')
    out.push(`dbal_uptime_seconds ${(Date.now() - this.started) / 1000}`)
    return `${out.join('\n')}\n`
  }
}
