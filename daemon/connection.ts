/**
 * One WebSocket client: frames → requests (single or batch) → replies, under the limits: frame size,
 * rate (its own bucket and its address's), requests in flight, request timeout, heartbeat and idle time,
 * and unsent bytes (a client that stops reading is dropped instead of growing the daemon's memory).
 * A malformed message gets a JSON-RPC error and nothing else happens.
 */
import { randomUUID } from 'node:crypto'
import type { WebSocket } from 'ws'
import { DBALError } from '../core/errors.ts'
import type { Identity } from './auth.ts'
import type { Limits } from './config.ts'
import { MAX_FAILED_LOGINS, type Caller, type Dispatcher } from './dispatch.ts'
import { fault, toRpcError, type Redactor } from './errors.ts'
import type { Metrics } from './metrics.ts'
import { RPC_CODE, type RequestId, type RpcRequest, type RpcResponse } from './protocol.ts'
import { TokenBucket } from './rate.ts'
import { parseRequest } from './request.ts'

export interface ConnectionDeps {
  readonly limits: Limits
  readonly dispatcher: Dispatcher
  readonly metrics: Metrics
  readonly redactor: Redactor
  /** The client's address, and its bucket, shared by its connections. */
  readonly address: string
  readonly ipBucket: TokenBucket
  readonly draining: () => boolean
}

export class Connection {
  private readonly caller: Caller
  private readonly bucket: TokenBucket
  private readonly serviceBucket: TokenBucket
  private inFlight = 0
  private lastMessage = Date.now()
  private pingedAt = Date.now()
  private awaitingPong = false

  constructor(
    private readonly ws: WebSocket,
    identity: Identity | undefined,
    private readonly d: ConnectionDeps,
  ) {
    this.caller = { identity, failedLogins: 0, connection: randomUUID(), address: d.address }
    this.bucket = new TokenBucket(d.limits.ratePerConnection)
    this.serviceBucket = new TokenBucket(d.limits.service.ratePerConnection)
    // A failure here is a bug, not the client's doing: the connection ends, the daemon does not.
    ws.on(
      'message',
      (data: Buffer, isBinary: boolean) => void this.onMessage(data, isBinary).catch(() => ws.terminate()),
    )
    ws.on('pong', () => (this.awaitingPong = false))
    // A socket error is followed by 'close'; without a listener it would be thrown.
    ws.on('error', () => undefined)
    // Whatever the connection held is rolled back: a transaction never outlives its client.
    ws.on('close', () => void d.dispatcher.dropped(this.caller).catch(() => undefined))
  }

  get busy(): boolean {
    return this.inFlight > 0
  }

  /** From the server's timer: a ping unanswered for a heartbeat ends the connection; so does idleness. */
  tick(now: number): void {
    const { heartbeatMs, idleTimeoutMs } = this.d.limits
    if (this.awaitingPong && now - this.pingedAt >= heartbeatMs) return this.ws.terminate()
    if (!this.busy && now - this.lastMessage >= idleTimeoutMs) return this.ws.close(1000, 'idle')
    if (!this.awaitingPong && now - this.pingedAt >= heartbeatMs) {
      this.awaitingPong = true
      this.pingedAt = now
      this.ws.ping()
    }
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason)
  }

  terminate(): void {
    this.ws.terminate()
  }

  private send(payload: RpcResponse | RpcResponse[]): void {
    if (this.ws.readyState !== this.ws.OPEN) return
    this.ws.send(JSON.stringify(payload))
    if (this.ws.bufferedAmount > this.d.limits.maxBufferedBytes) this.ws.terminate()
  }

  private reject(id: RequestId, e: unknown): RpcResponse {
    return { jsonrpc: '2.0', id, error: toRpcError(e, this.d.redactor) }
  }

  private async onMessage(data: Buffer, isBinary: boolean): Promise<void> {
    this.lastMessage = Date.now()
    const { maxFrameBytes, maxBatch } = this.d.limits
    const invalid = (reason: string, extra?: object) =>
      this.send(this.reject(null, fault(RPC_CODE.invalidRequest, 'VALIDATION_ERROR', { reason, ...extra })))
    if (data.length > maxFrameBytes) return invalid('frame too large', { limit: maxFrameBytes })
    if (isBinary) return invalid('binary frames are not accepted: send JSON text')
    let msg: unknown
    try {
      msg = JSON.parse(data.toString('utf8'))
    } catch {
      return this.send(
        this.reject(null, fault(RPC_CODE.parseError, 'VALIDATION_ERROR', { reason: 'invalid JSON' })),
      )
    }
    if (!Array.isArray(msg)) {
      const r = await this.handle(msg)
      if (r) this.send(r)
    } else if (msg.length === 0 || msg.length > maxBatch) {
      invalid(msg.length ? 'batch too large' : 'empty batch', msg.length ? { limit: maxBatch } : undefined)
    } else {
      // In order, one after another: a batch is a script, not a fan-out.
      const out: RpcResponse[] = []
      for (const m of msg) {
        const r = await this.handle(m)
        if (r) out.push(r)
      }
      if (out.length) this.send(out)
    }
    if (this.caller.failedLogins >= MAX_FAILED_LOGINS) this.close(1008, 'too many failed logins')
  }

  /** Refuses a request the limits do not allow now: the service limits for a service token (config.ts). */
  private admit(): void {
    if (this.d.draining()) throw new DBALError('DATABASE_ERROR', { reason: 'shutting down' })
    const service = this.caller.identity?.kind === 'service'
    const wait = service ? this.serviceBucket.take() : Math.max(this.bucket.take(), this.d.ipBucket.take())
    if (wait > 0) throw new DBALError('RATE_LIMIT_EXCEEDED', { retryAfter: wait })
    const { maxInFlight } = service ? this.d.limits.service : this.d.limits
    if (this.inFlight >= maxInFlight)
      throw new DBALError('RATE_LIMIT_EXCEEDED', { reason: 'too many requests in flight', retryAfter: 1 })
  }

  /** Runs it; past the request timeout the caller gets TIMEOUT, while the slot stays taken until it ends. */
  private run(req: RpcRequest): Promise<unknown> {
    this.inFlight++
    this.d.metrics.inFlight++
    const work = this.d.dispatcher.call(this.caller, req).finally(() => {
      this.inFlight--
      this.d.metrics.inFlight--
    })
    const ms = this.d.limits.requestTimeoutMs
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>(
      (_, reject) =>
        (timer = setTimeout(
          () => reject(new DBALError('TIMEOUT', { reason: 'request timeout', limit: ms })),
          ms,
        )),
    )
    work.catch(() => undefined)
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
  }

  private async handle(m: unknown): Promise<RpcResponse | undefined> {
    const t0 = performance.now()
    const p = parseRequest(m)
    if ('fault' in p) {
      this.d.metrics.observe('invalid', 'VALIDATION_ERROR', (performance.now() - t0) / 1000)
      return this.reject(p.id, p.fault)
    }
    const req = p.ok
    let response: RpcResponse
    try {
      this.admit()
      response = { jsonrpc: '2.0', id: req.id ?? null, result: (await this.run(req)) ?? null }
    } catch (e) {
      response = this.reject(req.id ?? null, e)
    }
    this.d.metrics.observe(
      req.method,
      'result' in response ? 'ok' : response.error.data.code,
      (performance.now() - t0) / 1000,
    )
    return p.notification ? undefined : response
  }
}
