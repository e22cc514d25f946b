/**
 * One logical connection to a daemon, kept open: JSON-RPC calls matched to replies by id, each with its
 * own timeout (TIMEOUT). When the socket drops, every call in flight is rejected at once with
 * DATABASE_ERROR (its outcome is unknown: RemoteExecutor adds a write's idempotency key, for a retry), and
 * the connection comes back by itself with exponential backoff and jitter. Calls made while it is down
 * wait for the next connection within their own timeout, then fail with DATABASE_ERROR. Only a refused
 * token (401) stops it for good: every later call gets that UNAUTHORIZED.
 */
import WebSocket from 'ws'
import { asDBALError, DBALError } from '../../core/errors.ts'
import { SUBPROTOCOL } from '../../daemon/protocol.ts'
import { backoffDelay, refusal, type Backoff } from './wire.ts'
import { Replies } from './replies.ts'

export type Credentials = { readonly token: string } | { readonly anonymous: true } | Record<string, never>

export interface ConnectionOptions {
  readonly url: string
  /** Called for each connection; `renew` after the daemon refused the last token (e.g. an expired session). */
  readonly credentials: (renew: boolean) => Promise<Credentials>
  /** Whether `credentials(true)` can give a new token; otherwise a 401 is final. */
  readonly renewable: boolean
  readonly requestTimeoutMs: number
  readonly connectTimeoutMs: number
  readonly backoff: Backoff
  readonly maxFrameBytes: number
  readonly tls?: { readonly ca?: string | Buffer; readonly rejectUnauthorized?: boolean }
}

type State = 'idle' | 'connecting' | 'open' | 'retrying' | 'closed' | 'failed'

export class RpcConnection {
  private ws: WebSocket | undefined
  private state: State = 'idle'
  private failure: DBALError | undefined
  private attempts = 0
  private renew = false
  /** A new token was asked for since the last successful connection: a second refusal is final. */
  private renewed = false
  private retryTimer: NodeJS.Timeout | undefined
  private readonly replies = new Replies()
  private readonly waiters = new Set<{ ready: () => void; fail: (e: DBALError) => void }>()
  /** Counts the sockets opened: a transaction begun on one is gone once another replaces it. */
  private opened = 0

  constructor(private readonly o: ConnectionOptions) {}

  get connected(): boolean {
    return this.state === 'open'
  }

  /** Which socket is open now (0: none yet); it changes on every reconnection. */
  get socket(): number {
    return this.state === 'open' ? this.opened : 0
  }

  async call(
    method: string,
    params: unknown,
    opts: { idempotencyKey?: string; timeoutMs?: number; transaction?: string; socket?: number } = {},
  ): Promise<unknown> {
    const timeoutMs = opts.timeoutMs ?? this.o.requestTimeoutMs
    const deadline = Date.now() + timeoutMs
    await this.ready(timeoutMs)
    // A transaction lives on the socket that began it; on another one its id means nothing.
    if (opts.socket !== undefined && opts.socket !== this.opened)
      throw new DBALError('DATABASE_ERROR', { reason: 'connection lost: the transaction was rolled back' })
    const members = {
      ...(opts.idempotencyKey ? { idempotencyKey: opts.idempotencyKey } : {}),
      ...(opts.transaction ? { transaction: opts.transaction } : {}),
    }
    return this.send(method, params, members, Math.max(1, deadline - Date.now()))
  }

  private send(method: string, params: unknown, members: object, timeoutMs: number): Promise<unknown> {
    const ws = this.ws
    if (!ws || ws.readyState !== WebSocket.OPEN)
      return Promise.reject(new DBALError('DATABASE_ERROR', { reason: 'connection lost' }))
    return this.replies.send(ws, method, params, members, timeoutMs, this.o.maxFrameBytes)
  }

  /** The URL without credentials or query, for error details. */
  private where(): string {
    try {
      const u = new URL(this.o.url)
      return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`
    } catch {
      return '(invalid url)'
    }
  }

  /** Waits for an open socket: at most the connect timeout, and never past the call's own. */
  private ready(callTimeoutMs: number): Promise<void> {
    const timeoutMs = Math.min(callTimeoutMs, this.o.connectTimeoutMs)
    if (this.state === 'open') return Promise.resolve()
    if (this.state === 'closed')
      return Promise.reject(new DBALError('DATABASE_ERROR', { reason: 'client closed' }))
    if (this.state === 'failed') return Promise.reject(this.failure!)
    if (this.state === 'idle') this.connect()
    return new Promise<void>((resolve, reject) => {
      const w = {
        ready: () => (clearTimeout(timer), this.waiters.delete(w), resolve()),
        fail: (e: DBALError) => (clearTimeout(timer), this.waiters.delete(w), reject(e)),
      }
      const timer = setTimeout(
        () =>
          w.fail(
            new DBALError('DATABASE_ERROR', {
              reason: `daemon unreachable at ${this.where()}`,
              limit: timeoutMs,
            }),
          ),
        timeoutMs,
      )
      this.waiters.add(w)
    })
  }

  private connect(): void {
    this.state = 'connecting'
    const renew = this.renew
    this.renew = false
    if (renew) this.renewed = true
    this.o.credentials(renew).then(
      (creds) => this.open(creds),
      (e: unknown) => {
        if (this.state !== 'connecting') return
        const err = asDBALError(e)
        return err.retryable ? this.lost(undefined, 1006) : this.fail(err)
      },
    )
  }

  private open(creds: Credentials): void {
    if (this.state !== 'connecting') return
    const headers: Record<string, string> = 'token' in creds ? { Authorization: `Bearer ${creds.token}` } : {}
    const ws = new WebSocket(this.o.url, [SUBPROTOCOL], {
      headers,
      handshakeTimeout: this.o.connectTimeoutMs,
      perMessageDeflate: false,
      maxPayload: 256 << 20,
      ...this.o.tls,
    })
    this.ws = ws
    let refused: DBALError | undefined
    ws.on('unexpected-response', (_req, res) => {
      // The refusal's body says why; a peer that never finishes sending it is cut off all the same.
      const t = setTimeout(() => ws.terminate(), this.o.connectTimeoutMs)
      void refusal(res).then((e) => ((refused = e), clearTimeout(t), ws.terminate()))
    })
    ws.on('message', (data: Buffer) => this.replies.receive(data.toString('utf8')))
    ws.on('error', () => undefined)
    ws.on('close', (code) => this.lost(ws, code, refused))
    ws.on('open', () => {
      const login =
        'anonymous' in creds
          ? this.send('auth.login', { anonymous: true }, {}, this.o.connectTimeoutMs)
          : Promise.resolve()
      login.then(
        () => {
          if (this.ws !== ws || this.state !== 'connecting') return
          this.state = 'open'
          this.opened++
          this.attempts = 0
          this.renewed = false
          for (const w of [...this.waiters]) w.ready()
        },
        (e: unknown) => {
          // A lost socket is handled by 'close'; a refused login is final.
          const err = asDBALError(e)
          if (!err.retryable) this.fail(err)
        },
      )
    })
  }

  /** The socket is gone: calls in flight fail now; the connection comes back unless it cannot. */
  private lost(ws: WebSocket | undefined, code: number, refused?: DBALError): void {
    if (ws && ws !== this.ws) return
    const wasOpen = this.state === 'open'
    this.ws = undefined
    this.replies.failAll(new DBALError('DATABASE_ERROR', { reason: 'connection lost' }))
    if (this.state === 'closed' || this.state === 'failed') return
    if (refused?.code === 'UNAUTHORIZED') {
      if (!this.o.renewable || this.renewed) return this.fail(refused)
      this.renew = true
    }
    // The daemon closed an idle connection: the next call opens a new one.
    if (wasOpen && code === 1000 && this.waiters.size === 0) return void (this.state = 'idle')
    this.state = 'retrying'
    this.retryTimer = setTimeout(() => this.connect(), backoffDelay(this.o.backoff, this.attempts++))
    this.retryTimer.unref()
  }

  private fail(e: DBALError): void {
    this.state = 'failed'
    this.failure = e
    for (const w of [...this.waiters]) w.fail(e)
    this.ws?.terminate()
  }

  /** Rejects every pending and waiting call with DATABASE_ERROR and closes the socket. */
  async close(): Promise<void> {
    if (this.state === 'closed') return
    this.state = 'closed'
    clearTimeout(this.retryTimer)
    const closed = new DBALError('DATABASE_ERROR', { reason: 'client closed' })
    for (const w of [...this.waiters]) w.fail(closed)
    this.replies.failAll(closed)
    const ws = this.ws
    this.ws = undefined
    if (!ws || ws.readyState === WebSocket.CLOSED) return
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => (ws.terminate(), resolve()), 1000)
      ws.once('close', () => (clearTimeout(t), resolve()))
      ws.close(1000, 'client closed')
    })
  }
}
