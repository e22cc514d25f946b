/**
 * The executor of a client built from the design's configuration. The constructor is synchronous, so
 * the work a configuration implies (loading a named adapter, migrating in development mode, resolving
 * the session, connecting to the endpoint) runs once, before the first operation; calls made at the
 * same time share it. A failed initialization is reported to every waiting call and tried again by the
 * next one (a server that was down may be up).
 */
import type { Capabilities } from './adapter.ts'
import { openNamed } from './config-load.ts'
import type { DbalConfig, SessionRef } from './config.ts'
import { DBALError } from './errors.ts'
import {
  LocalExecutor,
  type AuthContext,
  type AuthUser,
  type Executor,
  type TransactionOptions,
} from './executor.ts'

export class ConfigExecutor implements Executor {
  private init: Promise<Executor> | undefined

  constructor(private readonly start: () => Promise<Executor>) {}

  static of(config: DbalConfig): ConfigExecutor {
    return new ConfigExecutor(() => (config.endpoint === undefined ? local(config) : remote(config)))
  }

  /** The initialized executor (initializing it if nothing has yet). */
  ready(): Promise<Executor> {
    this.init ??= this.start().catch((e: unknown) => {
      this.init = undefined
      throw e
    })
    return this.init
  }

  async execute(entity: string, operation: string, input?: unknown): Promise<unknown> {
    return (await this.ready()).execute(entity, operation, input)
  }

  as(user: AuthUser | 'anonymous'): Executor {
    return new ConfigExecutor(async () => (await this.ready()).as(user))
  }

  async transaction<T>(fn: (tx: Executor) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return (await this.ready()).transaction(fn, options)
  }

  async capabilities(): Promise<Capabilities> {
    return (await this.ready()).capabilities()
  }

  async close(): Promise<void> {
    const init = this.init
    this.init = Promise.reject(new DBALError('DATABASE_ERROR', { reason: 'the client is closed' }))
    this.init.catch(() => undefined)
    if (init) await (await init.catch(() => undefined))?.close()
  }
}

const tokenOf = (s: SessionRef): string => (typeof s === 'string' ? s : s.token)
const mismatch = () =>
  new DBALError('UNAUTHORIZED', { reason: 'options.auth.user is not the user of options.auth.session' })

/** The user must be the session's: the same id (and the session row's userId, when one is given). */
function agree(auth: { user?: AuthUser; session: SessionRef }, id: unknown): void {
  const claimed = [auth.user?.id, typeof auth.session === 'string' ? undefined : auth.session.userId]
  for (const c of claimed)
    if (c !== undefined && (typeof id !== 'string' || c.toLowerCase() !== id.toLowerCase())) throw mismatch()
}

async function local(c: DbalConfig): Promise<Executor> {
  const adapter =
    typeof c.adapter === 'string'
      ? await openNamed(
          c.adapter,
          c.database?.url ?? ':memory:',
          c.timeouts ?? {},
          c.mode === 'development' && c.migrate !== false,
          c.schema,
        )
      : c.adapter!
  const base = {
    adapter,
    ...(c.schema ? { schema: c.schema } : {}),
    ...(c.clock ? { clock: c.clock } : {}),
    ...(c.scrypt ? { scrypt: c.scrypt } : {}),
    ...(c.security?.audit ? { audit: c.security.audit } : {}),
  }
  const a = c.auth
  if (a === undefined || 'token' in a) return new LocalExecutor(base)
  if ('anonymous' in a) return new LocalExecutor({ ...base, auth: { anonymous: true } })
  if (!('session' in a)) return new LocalExecutor({ ...base, auth: { user: a.user } })
  try {
    // The session's user as stored now (its role included), not as the application remembers it.
    const trusted = new LocalExecutor(base)
    const found = (await trusted.execute('Session', 'resolve', { token: tokenOf(a.session) })) as AuthUser
    agree(a, found.id)
    const auth: AuthContext = { user: { id: found.id, username: found.username, role: found.role } }
    return new LocalExecutor({ ...base, auth })
  } catch (e) {
    if (typeof c.adapter === 'string') await adapter.close().catch(() => undefined)
    throw e
  }
}

async function remote(c: DbalConfig): Promise<Executor> {
  const { RemoteExecutor } = await import('../adapters/remote/executor.ts')
  const a = c.auth!
  const token = 'token' in a ? a.token : 'session' in a ? tokenOf(a.session) : undefined
  const t = c.timeouts
  const base = new RemoteExecutor({
    url: c.endpoint!,
    ...(token ? { token } : {}),
    ...(t?.requestMs ? { requestTimeoutMs: t.requestMs } : {}),
    ...(t?.connectMs ? { connectTimeoutMs: t.connectMs } : {}),
  })
  const ex = 'anonymous' in a ? base.as('anonymous') : base
  try {
    // Connecting now finds an unreachable daemon or a refused token here, not at the first call.
    const me = await ex.whoami()
    if ('session' in a) {
      if (me.actor?.kind !== 'user') throw mismatch()
      agree(a, me.actor.id)
    }
    return ex
  } catch (e) {
    await base.close().catch(() => undefined)
    throw e
  }
}
