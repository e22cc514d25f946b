/**
 * RemoteExecutor: the Executor that sends every operation to a daemon (CONTRACT §8). The daemon runs it
 * on its own LocalExecutor for this connection's identity, so validation, the ACL and the audit happen
 * there; here an operation only becomes a `<namespace>.<operation>` request. Writes carry an
 * idempotency key (a new one per call, or the caller's own for a retry), so a write retried after a
 * lost connection is applied at most once.
 *
 * `as(user)` needs a trusted (service token) executor: it creates a Session for the user through it and
 * opens a connection with that session's token, so the daemon, not this process, decides who the caller
 * is. Those connections are kept per user and closed with their parent.
 */
import { randomBytes } from 'node:crypto'
import type { Capabilities } from '../../core/adapter.ts'
import type { AuthUser, Executor, TransactionOptions } from '../../core/executor.ts'
import { METHODS } from '../../daemon/protocol.ts'
import { RpcConnection, type Credentials } from './connection.ts'
import { sendOperation, type CallOptions } from './operation.ts'
import { remoteTransaction } from './transaction.ts'

export type { CallOptions }

export interface RemoteOptions {
  /** ws://host:port or wss://host:port */
  readonly url: string
  /** A service token (the system caller) or a session token (its user). None: only `credentials.verify`. */
  readonly token?: string
  /** Per call, connection waits included (default 30000). */
  readonly requestTimeoutMs?: number
  /**
   * How long a call waits for a connection to the daemon (default 5000): an unreachable daemon fails
   * with DATABASE_ERROR `daemon unreachable at <url>` after this, not after the call's own timeout.
   */
  readonly connectTimeoutMs?: number
  /** Reconnection delays: initialMs·2ⁿ up to maxMs, with jitter (default 100 and 5000). */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number }
  /** The daemon's max_frame_bytes (default 1 MiB): a larger request fails here, before it is sent. */
  readonly maxFrameBytes?: number
  /** For wss:// with a private CA. */
  readonly tls?: { readonly ca?: string | Buffer; readonly rejectUnauthorized?: boolean }
  /** How long the sessions made by `as(user)` live (default 24 h). */
  readonly sessionTtlMs?: number
}

export class RemoteExecutor implements Executor {
  private readonly conn: RpcConnection
  private readonly children = new Map<string, RemoteExecutor>()

  constructor(
    private readonly o: RemoteOptions,
    credentials?: { get: (renew: boolean) => Promise<Credentials>; renewable: boolean },
  ) {
    const token = o.token
    this.conn = new RpcConnection({
      url: o.url,
      credentials: credentials?.get ?? (async (): Promise<Credentials> => (token ? { token } : {})),
      renewable: credentials?.renewable ?? false,
      requestTimeoutMs: o.requestTimeoutMs ?? 30_000,
      connectTimeoutMs: o.connectTimeoutMs ?? 5_000,
      backoff: { initialMs: o.backoff?.initialMs ?? 100, maxMs: o.backoff?.maxMs ?? 5000 },
      maxFrameBytes: o.maxFrameBytes ?? 1 << 20,
      ...(o.tls ? { tls: o.tls } : {}),
    })
  }

  execute(entity: string, operation: string, input?: unknown, opts: CallOptions = {}): Promise<unknown> {
    return sendOperation(this.conn, entity, operation, input, opts)
  }

  /** An interactive transaction held by the daemon for this connection (PROTOCOL.md §11). */
  transaction<T>(fn: (tx: Executor) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return remoteTransaction(this.conn, undefined, fn, options)
  }

  /** Another caller on the same daemon: a user through a session of its own, or anonymous. */
  as(user: AuthUser | 'anonymous'): RemoteExecutor {
    const k = user === 'anonymous' ? 'anonymous' : `user:${user.id}`
    let child = this.children.get(k)
    if (!child) {
      let token: Promise<string> | undefined
      const get = async (renew: boolean): Promise<Credentials> => {
        if (user === 'anonymous') return { anonymous: true }
        if (!token || renew) token = this.openSession(user)
        return { token: await token.catch((e: unknown) => ((token = undefined), Promise.reject(e))) }
      }
      child = new RemoteExecutor(this.o, { get, renewable: user !== 'anonymous' })
      this.children.set(k, child)
    }
    return child
  }

  private async openSession(user: AuthUser): Promise<string> {
    const token = randomBytes(32).toString('base64url')
    const expiresAt = new Date(Date.now() + (this.o.sessionTtlMs ?? 86_400_000)).toISOString()
    await this.execute('Session', 'create', { userId: user.id, token, expiresAt })
    return token
  }

  /** Whether the connection is up now (it reconnects by itself after a drop). */
  get connected(): boolean {
    return this.conn.connected
  }

  capabilities(): Promise<Capabilities> {
    return this.conn.call(METHODS.capabilities, undefined) as Promise<Capabilities>
  }

  /** Who the daemon says this connection is. */
  whoami(): Promise<{ protocol: string; authenticated: boolean; actor: Record<string, string> | null }> {
    return this.conn.call(METHODS.whoami, undefined) as Promise<{
      protocol: string
      authenticated: boolean
      actor: Record<string, string> | null
    }>
  }

  /** Empties every table: a daemon started for certification, with a service token. */
  async reset(): Promise<void> {
    await this.conn.call(METHODS.reset, {})
  }

  /** Closes this connection and those of `as()`; whatever is pending rejects with DATABASE_ERROR. */
  async close(): Promise<void> {
    const children = [...this.children.values()]
    this.children.clear()
    await Promise.all([...children.map((c) => c.close()), this.conn.close()])
  }
}
