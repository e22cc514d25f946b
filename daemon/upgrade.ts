/**
 * WebSocket upgrades: who may connect. Refusals are a plain HTTP status with the JSON error as body:
 * 401 for a bearer token the daemon does not accept, 429 over the address's rate, 503 at max connections,
 * while shutting down, or when the database cannot resolve the token. The token is resolved before the
 * upgrade completes, so a refused client never holds a WebSocket.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import { DBALError } from '../core/errors.ts'
import { bearer, type Authenticator, type Identity } from './auth.ts'
import type { Limits } from './config.ts'
import { Connection } from './connection.ts'
import type { Dispatcher } from './dispatch.ts'
import { toRpcError, type Redactor } from './errors.ts'
import type { Metrics } from './metrics.ts'
import { SUBPROTOCOL } from './protocol.ts'
import type { BucketsByKey } from './rate.ts'

/** Above this many times the frame limit a frame is not even read: the connection closes with 1009. */
const HARD_FRAME_FACTOR = 4

export interface UpgradeDeps {
  readonly limits: Limits
  readonly auth: Authenticator
  readonly dispatcher: Dispatcher
  readonly metrics: Metrics
  readonly redactor: Redactor
  readonly ipBuckets: BucketsByKey
  /** The open connections, kept by the server for heartbeats and the drain. */
  readonly connections: Set<Connection>
  readonly draining: () => boolean
}

export class Upgrades {
  private readonly wss: WebSocketServer
  /** Upgrades whose token is being resolved: they count against max connections already. */
  private pending = 0

  constructor(private readonly d: UpgradeDeps) {
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: d.limits.maxFrameBytes * HARD_FRAME_FACTOR,
      perMessageDeflate: false,
      handleProtocols: (offered) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    })
  }

  private refuse(socket: Duplex, status: number, error: unknown, headers = ''): void {
    this.d.metrics.rejectedConnections++
    const body = JSON.stringify({ error: toRpcError(error, this.d.redactor) })
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${headers}Connection: close\r\n\r\n${body}`,
    )
  }

  readonly handle = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    void this.upgrade(req, socket, head).catch(() => socket.destroy())
  }

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { limits, metrics, connections } = this.d
    socket.on('error', () => undefined)
    const ip = req.socket.remoteAddress ?? 'unknown'
    const shuttingDown = () =>
      this.refuse(socket, 503, new DBALError('DATABASE_ERROR', { reason: 'shutting down' }))
    if (this.d.draining()) return shuttingDown()
    if (connections.size + this.pending >= limits.maxConnections)
      return this.refuse(socket, 503, new DBALError('DATABASE_ERROR', { reason: 'too many connections' }))
    const wait = this.d.ipBuckets.get(ip).take()
    if (wait > 0)
      return this.refuse(
        socket,
        429,
        new DBALError('RATE_LIMIT_EXCEEDED', { retryAfter: wait }),
        `Retry-After: ${wait}\r\n`,
      )
    let identity: Identity | undefined
    this.pending++
    try {
      const token = bearer(req.headers.authorization)
      if (token !== undefined) identity = await this.d.auth.authenticate(token)
    } catch (e) {
      return this.refuse(socket, DBALError.is(e, 'UNAUTHORIZED') ? 401 : 503, e)
    } finally {
      this.pending--
    }
    if (this.d.draining()) return shuttingDown()
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const c = new Connection(ws, identity, {
        limits,
        dispatcher: this.d.dispatcher,
        metrics,
        redactor: this.d.redactor,
        address: ip,
        ipBucket: this.d.ipBuckets.get(ip),
        draining: this.d.draining,
      })
      connections.add(c)
      metrics.connections++
      metrics.connectionsTotal++
      ws.on('close', () => {
        if (connections.delete(c)) metrics.connections--
      })
    })
  }

  close(): void {
    this.wss.close()
  }
}
