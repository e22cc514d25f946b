/**
 * The remote backends: the whole suite through the daemon and the bridge. `remote` and `remote-postgres`
 * start a daemon in a child process (a real `dbal daemon`, on a free loopback port, with `test.reset`
 * enabled) over SQLite or PostgreSQL; `endpoint` (`dbal test --endpoint URL --token T`) runs against a
 * daemon started elsewhere, which is how a daemon in another language is certified. Each case gets a
 * fresh executor on an emptied database; `as:` actors get a session of their own through it.
 */
import { randomBytes } from 'node:crypto'
import type { Adapter, Capabilities } from '../../core/adapter.ts'
import { DBALError } from '../../core/errors.ts'
import type { AuthUser, Executor, TransactionOptions } from '../../core/executor.ts'
import { RemoteExecutor } from '../../adapters/remote/index.ts'
import { spawnDaemon, type ChildOptions } from '../../daemon/child.ts'
import { registryEntry } from '../../adapters/registry.ts'
import type { Backend, Provision, Provisioned } from '../backend.ts'
import { scratchDatabase, SERVERS } from '../provision/scratch.ts'

/**
 * Limits high enough that the suite never meets them, and sessions checked on every request: what a
 * daemon to be certified needs (exported for tests that start one themselves).
 */
export const HARNESS_CONFIG: ChildOptions['config'] = {
  auth: { session_recheck_ms: 0 },
  limits: {
    rate_per_connection: 1_000_000,
    rate_per_ip: 10_000_000,
    max_in_flight: 10_000,
    idle_timeout_ms: 3_600_000,
  },
  idempotency: { window_s: 3600 },
  test: { reset: true },
}

export const TIMEOUT_MS = 60_000
/** A daemon just started on a loaded machine may take longer to accept than an application's default allows. */
export const CONNECT_MS = 15_000

/** A connection of its own for an actor's token. */
export const connectTo = (url: string) => (token: string) =>
  new RemoteExecutor({ url, token, requestTimeoutMs: TIMEOUT_MS, connectTimeoutMs: CONNECT_MS })

/**
 * What the runner calls `as(user)` on. The bridge's own `as()` keeps one long-lived session per user,
 * right for an application, but those rows would be seen by a vector that counts sessions as the system
 * caller. Here an actor's step gets a session that lives for that step only: created through the
 * service connection, used by a connection of its own (so the daemon resolves the token and applies the
 * ACL exactly as for any client), then deleted.
 */
export class StepSessions implements Executor {
  constructor(
    private readonly service: Executor,
    /** The actor's connection for a token: to the one daemon, or to several in turn. */
    private readonly connect: (token: string) => Executor,
    private readonly user?: AuthUser,
  ) {}

  async execute(entity: string, operation: string, input?: unknown): Promise<unknown> {
    if (!this.user) return this.service.execute(entity, operation, input)
    return this.session(this.user, (actor) => actor.execute(entity, operation, input))
  }

  private async session<T>(user: AuthUser, use: (actor: Executor) => Promise<T>): Promise<T> {
    const token = randomBytes(32).toString('base64url')
    const session = (await this.service.execute('Session', 'create', {
      userId: user.id,
      token,
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    })) as { id: string }
    const actor = this.connect(token)
    try {
      return await use(actor)
    } finally {
      await actor.close()
      await this.service.execute('Session', 'delete', { id: session.id }).catch(() => undefined)
    }
  }

  /** An actor's transaction runs on a session and a connection of its own, as its steps do. */
  async transaction<T>(fn: (tx: Executor) => Promise<T>, options?: TransactionOptions): Promise<T> {
    if (!this.user) return this.service.transaction(fn, options)
    return this.session(this.user, (actor) => actor.transaction(fn, options))
  }

  as(user: AuthUser | 'anonymous'): Executor {
    return user === 'anonymous'
      ? this.service.as('anonymous')
      : new StepSessions(this.service, this.connect, user)
  }

  capabilities(): Promise<Capabilities> {
    return this.service.capabilities()
  }

  /** The service executor (and the anonymous one) close with the case. */
  close(): Promise<void> {
    return this.user ? Promise.resolve() : this.service.close()
  }
}

/** Executors on `url`, one per case, each on an emptied database. */
function executors(
  url: string,
  token: string,
): { freshExecutor(): Promise<Executor>; close(): Promise<void> } {
  let current: RemoteExecutor | undefined
  return {
    async freshExecutor() {
      await current?.close()
      current = new RemoteExecutor({ url, token, requestTimeoutMs: TIMEOUT_MS, connectTimeoutMs: CONNECT_MS })
      await current.reset()
      return new StepSessions(current, connectTo(url))
    },
    close: async () => current?.close(),
  }
}

/**
 * The whole suite through a daemon in a child process that hosts the registered backend `host`, on a
 * scratch database of its own (a file for an embedded backend: the daemon is another process).
 */
export function daemonBackend(name: string, host: string): Backend {
  const entry = registryEntry(host)!
  const server = entry.server
  return {
    name,
    kind: server ? 'server' : 'embedded',
    description: `The daemon in a child process over ${entry.description}, through the WebSocket bridge`,
    ...(server ? { server, env: [SERVERS[server].envVar] } : {}),
    async provision(runId): Promise<Provision> {
      const db = await scratchDatabase(entry, runId, name.replace(/[^a-z0-9]/gi, ''), 'file')
      if ('notRun' in db) return db
      const backend = { name: host, ...(db.url !== undefined ? { url: db.url } : {}) }
      const child = await spawnDaemon({ backend, config: HARNESS_CONFIG }).catch(async (e: unknown) => {
        await db.drop()
        throw e
      })
      const ex = executors(child.url, child.token)
      return {
        where: `daemon ${child.url} (pid ${child.process.pid}) over ${host} in ${db.where}`,
        ...ex,
        async cleanup() {
          await ex.close()
          await child.stop()
          child.remove()
          await db.drop()
        },
      }
    },
  }
}

/** A daemon started elsewhere; it must accept `token` as a service token and have test.reset enabled. */
export function endpointBackend(url: string, token: string | undefined): Backend {
  return {
    name: 'endpoint',
    kind: 'server',
    description: `A daemon started elsewhere at ${url}`,
    env: ['DBAL_ENDPOINT_TOKEN'],
    async provision(): Promise<Provision> {
      if (!token) return { notRun: 'no service token: pass --token or set DBAL_ENDPOINT_TOKEN' }
      const ex = executors(url, token)
      try {
        await ex.freshExecutor()
      } catch (e) {
        await ex.close()
        return {
          notRun: `${url} cannot be certified: ${e instanceof DBALError ? `${e.code} ${JSON.stringify(e.details ?? {})}` : String(e)}`,
        }
      }
      return { where: url, ...ex, cleanup: () => ex.close() }
    },
  }
}
