/**
 * The daemon's plain HTTP side, on the same port as the WebSocket: `GET /health` (200 when the database
 * answers, 503 otherwise or while shutting down) and `GET /metrics` (Prometheus text). Neither says
 * anything about the database but whether it answers and how fast.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Adapter } from '../core/adapter.ts'
import type { Metrics } from './metrics.ts'
import { PROTOCOL_VERSION } from './protocol.ts'

export interface HealthDeps {
  readonly adapter: Adapter
  readonly metrics: Metrics
  readonly started: number
  readonly draining: () => boolean
}

/** A primary-key read of a row that cannot exist: the cheapest round trip every backend has. */
const PROBE_ID = '00000000-0000-4000-8000-000000000000'
const PROBE_TIMEOUT_MS = 2000

export async function health(d: HealthDeps): Promise<{ ok: boolean; body: Record<string, unknown> }> {
  const t0 = performance.now()
  let timer: NodeJS.Timeout | undefined
  const reachable = await Promise.race([
    d.adapter.read('User', PROBE_ID).then(
      () => true,
      () => false,
    ),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), PROBE_TIMEOUT_MS))),
  ]).finally(() => clearTimeout(timer))
  const latencyMs = Math.round((performance.now() - t0) * 1000) / 1000
  const status = d.draining() ? 'draining' : reachable ? 'ok' : 'unavailable'
  return {
    ok: status === 'ok',
    body: {
      status,
      protocol: PROTOCOL_VERSION,
      uptimeSeconds: Math.round((Date.now() - d.started) / 1000),
      connections: d.metrics.connections,
      database: { reachable, latencyMs },
    },
  }
}

function reply(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(body),
  })
  res.end(body)
}

export async function serveHttp(req: IncomingMessage, res: ServerResponse, d: HealthDeps): Promise<void> {
  const path = (req.url ?? '/').split('?')[0]
  if (req.method !== 'GET' && req.method !== 'HEAD')
    return reply(res, 405, 'application/json', '{"error":"method not allowed"}')
  if (path === '/health') {
    const h = await health(d)
    return reply(res, h.ok ? 200 : 503, 'application/json', JSON.stringify(h.body))
  }
  if (path === '/metrics')
    return reply(res, 200, 'text/plain; version=0.0.4; charset=utf-8', d.metrics.render())
  return reply(
    res,
    404,
    'application/json',
    '{"error":"not found: the daemon serves /health, /metrics and WebSocket upgrades"}',
  )
}
