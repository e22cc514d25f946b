/**
 * The daemon: opens the backend, serves HTTP (/health, /metrics) and WebSocket upgrades on one port, and
 * shuts down gracefully: stop accepting, let in-flight requests finish (up to shutdownTimeoutMs), close
 * every connection with 1001, close the backend.
 */
import { closeSync, openSync, readFileSync } from 'node:fs'
import { createServer as createHttp } from 'node:http'
import { createServer as createHttps } from 'node:https'
import type { AddressInfo } from 'node:net'
import type { Adapter } from '../core/adapter.ts'
import { JsonLinesAuditSink } from '../core/audit.ts'
import { ConfigError } from '../core/config-error.ts'
import { LocalExecutor } from '../core/executor.ts'
import { Authenticator } from './auth.ts'
import { openBackend } from './backend.ts'
import type { DaemonConfig } from './config.ts'
import type { Connection } from './connection.ts'
import { Dispatcher } from './dispatch.ts'
import { Redactor } from './errors.ts'
import { HashGate } from './hashing.ts'
import { serveHttp, type HealthDeps } from './http.ts'
import { IdempotencyStore } from './idempotency.ts'
import { Metrics } from './metrics.ts'
import { BucketsByKey } from './rate.ts'
import { Upgrades } from './upgrade.ts'

export interface Daemon {
  /** ws:// or wss:// with the bound port. */
  readonly url: string
  readonly port: number
  readonly metrics: Metrics
  /** Graceful; resolves once the backend is closed. Calling it again returns the same promise. */
  close(): Promise<void>
}

const IDEMPOTENCY_PURGE_MS = 60_000
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export interface DaemonOptions {
  /** Warnings (never secrets); default: dropped. */
  readonly log?: (line: string) => void
  /** An adapter to host instead of the config's backend (embedding, tests); closed with the daemon. */
  readonly adapter?: Adapter
}

export async function startDaemon(config: DaemonConfig, o: DaemonOptions = {}): Promise<Daemon> {
  const { limits } = config
  const log = o.log ?? (() => undefined)
  // An audit log that cannot be written would fail every audited call: better not to start.
  if (config.audit.file) {
    try {
      closeSync(openSync(config.audit.file, 'a', 0o600))
    } catch (e) {
      throw new ConfigError(
        config.file,
        'audit.file',
        `cannot open ${config.audit.file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      )
    }
  }
  const tls = config.tls && { cert: readFileSync(config.tls.cert), key: readFileSync(config.tls.key) }
  const adapter = o.adapter ?? (await openBackend(config.backend, limits.requestTimeoutMs))
  const metrics = new Metrics()
  const audit = metrics.countingAcl(new JsonLinesAuditSink(config.audit.file))
  const auth = new Authenticator(
    config.auth.serviceTokens,
    new LocalExecutor({ adapter, audit }),
    config.auth.sessionRecheckMs,
  )
  const idempotency = new IdempotencyStore(adapter, config.idempotency.windowSeconds * 1000)
  const dispatcher = new Dispatcher({
    adapter,
    auth,
    idempotency,
    audit,
    allowAnonymous: config.auth.allowAnonymous,
    resetEnabled: config.test.reset,
    hashing: new HashGate(limits.hashing),
    transactions: limits.transactions,
  })
  const redactor = Redactor.withUrl(
    config.backend.url,
    config.auth.serviceTokens.map((t) => t.token),
  )
  const ipBuckets = new BucketsByKey(limits.ratePerIp)
  const connections = new Set<Connection>()
  let draining = false
  const httpDeps: HealthDeps = { adapter, metrics, started: Date.now(), draining: () => draining }

  const server = tls ? createHttps(tls) : createHttp()
  server.on('request', (req, res) => void serveHttp(req, res, httpDeps).catch(() => res.destroy()))
  const upgrades = new Upgrades({
    limits,
    auth,
    dispatcher,
    metrics,
    redactor,
    ipBuckets,
    connections,
    draining: () => draining,
  })
  server.on('upgrade', upgrades.handle)

  const tick = setInterval(
    () => {
      const now = Date.now()
      for (const c of connections) c.tick(now)
      ipBuckets.sweep()
    },
    Math.max(10, Math.min(limits.heartbeatMs, limits.idleTimeoutMs) / 4),
  )
  const purge = setInterval(
    () => void idempotency.purge().catch(() => log('warning: purging idempotency records failed')),
    Math.min(IDEMPOTENCY_PURGE_MS, config.idempotency.windowSeconds * 1000),
  )
  tick.unref()
  purge.unref()

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.listen.port, config.listen.host, () => resolve())
  }).catch(async (e: unknown) => {
    clearInterval(tick)
    clearInterval(purge)
    await adapter.close()
    throw e
  })
  server.on('error', (e: Error) => log(`server error: ${e.message}`))
  const port = (server.address() as AddressInfo).port
  const host = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host

  let closing: Promise<void> | undefined
  async function shutdown(): Promise<void> {
    draining = true
    server.close()
    const deadline = Date.now() + limits.shutdownTimeoutMs
    while ([...connections].some((c) => c.busy) && Date.now() < deadline) await sleep(10)
    for (const c of connections) c.close(1001, 'shutting down')
    for (let i = 0; i < 100 && connections.size; i++) await sleep(10)
    for (const c of connections) c.terminate()
    clearInterval(tick)
    clearInterval(purge)
    upgrades.close()
    server.closeAllConnections()
    await adapter.close()
    await audit.close?.()
  }

  return {
    url: `${tls ? 'wss' : 'ws'}://${host}:${port}`,
    port,
    metrics,
    close: () => (closing ??= shutdown()),
  }
}
