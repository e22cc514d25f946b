/**
 * One request → its result. Operations run on a LocalExecutor for the connection's identity, so the
 * daemon validates, authorizes and audits every call itself; params are only ever the operation's input
 * and never say who is calling. Until a connection authenticates only `auth.*` and `credentials.verify`
 * (as the anonymous caller) are served.
 */
import type { Adapter } from '../core/adapter.ts'
import type { AuditSink } from '../core/audit.ts'
import { DBALError, validationError } from '../core/errors.ts'
import { LocalExecutor } from '../core/executor.ts'
import { HASHING_OPERATIONS } from '../core/operations/credentials.ts'
import { isPlainObject } from '../core/values.ts'
import { ANONYMOUS_IDENTITY, type Authenticator, type Identity } from './auth.ts'
import { fault } from './errors.ts'
import type { HashGate } from './hashing.ts'
import type { IdempotencyStore } from './idempotency.ts'
import { isWrite, METHODS, operationOf, PROTOCOL_VERSION, RPC_CODE, type RpcRequest } from './protocol.ts'
import { resetAll } from './reset.ts'

/** A connection's standing: who it is, and how often it failed to say so. */
export interface Caller {
  identity: Identity | undefined
  failedLogins: number
  /** This connection's own id: the idempotency scope of an anonymous caller, whom nothing else tells apart. */
  readonly connection: string
  /** The client's address: its share of the password-hashing gate. */
  readonly address: string
}

/** Failed `auth.login` calls a connection may make before it is closed. */
export const MAX_FAILED_LOGINS = 5

export interface DispatchDeps {
  readonly adapter: Adapter
  readonly auth: Authenticator
  readonly idempotency: IdempotencyStore
  readonly audit: AuditSink
  readonly allowAnonymous: boolean
  readonly resetEnabled: boolean
  readonly hashing: HashGate
}

const whoami = (c: Caller) => ({
  protocol: PROTOCOL_VERSION,
  authenticated: c.identity !== undefined,
  actor: c.identity?.describe ?? null,
})

/**
 * Whose keys a key is among. Anonymous callers all share one identity, so their keys are scoped to the
 * connection: otherwise a second anonymous caller could replay the first one's stored row with the same
 * key, or learn from a CONFLICT that the key was used. A retry on a new connection runs again.
 */
const scopeOf = (id: Identity, caller: Caller) =>
  id.kind === 'anonymous' ? `anonymous:${caller.connection}` : id.scope

export class Dispatcher {
  constructor(private readonly d: DispatchDeps) {}

  private executor(id: Identity, adapter = this.d.adapter): LocalExecutor {
    return new LocalExecutor({ adapter, auth: id.auth, audit: this.d.audit })
  }

  private async login(caller: Caller, params: unknown): Promise<unknown> {
    if (caller.failedLogins >= MAX_FAILED_LOGINS)
      throw new DBALError('RATE_LIMIT_EXCEEDED', {
        reason: 'too many failed logins on this connection',
        retryAfter: 60,
      })
    const p = isPlainObject(params) ? params : {}
    const keys = Object.keys(p).join(',')
    if (keys === 'anonymous' && p.anonymous === true) {
      if (!this.d.allowAnonymous)
        throw new DBALError('UNAUTHORIZED', { reason: 'anonymous access is disabled' })
      caller.identity = ANONYMOUS_IDENTITY
      return whoami(caller)
    }
    if (keys !== 'token')
      throw validationError([{ field: '(params)', error: 'must be {token} or {anonymous: true}' }])
    caller.identity = undefined
    try {
      caller.identity = await this.d.auth.authenticate(p.token)
    } catch (e) {
      caller.failedLogins++
      throw e
    }
    return whoami(caller)
  }

  /** The identity to run as: checked again when its session is due, dropped once it is no longer valid. */
  private async identity(caller: Caller, anonymousAllowed: boolean): Promise<Identity> {
    const id = caller.identity
    if (!id) {
      if (anonymousAllowed) return ANONYMOUS_IDENTITY
      throw new DBALError('UNAUTHORIZED', {
        reason: 'authenticate first: an Authorization header or auth.login',
      })
    }
    try {
      return (caller.identity = await this.d.auth.current(id))
    } catch (e) {
      caller.identity = undefined
      throw e
    }
  }

  async call(caller: Caller, req: RpcRequest): Promise<unknown> {
    const { method, params } = req
    if (method === METHODS.login) return this.login(caller, params)
    if (method === METHODS.whoami) return whoami(caller)
    const ref = operationOf(method)
    // test.reset does not exist on a daemon that has not enabled it.
    if (!ref && method !== METHODS.capabilities && !(method === METHODS.reset && this.d.resetEnabled))
      throw fault(RPC_CODE.methodNotFound, 'VALIDATION_ERROR', {
        fields: [{ field: 'operation', error: `unknown method ${method}` }],
      })
    const id = await this.identity(caller, ref?.entity === 'Credential' && ref.operation === 'verify')
    if (!ref) {
      if (params !== undefined && !(isPlainObject(params) && Object.keys(params).length === 0))
        throw validationError([{ field: '(params)', error: 'takes no params' }])
      if (method === METHODS.capabilities) return this.d.adapter.capabilities()
      if (id.kind !== 'service')
        throw new DBALError('FORBIDDEN', { reason: 'test.reset needs a service token' })
      await resetAll(this.d.adapter)
      return true
    }
    const { entity, operation } = ref
    const run = () =>
      req.idempotencyKey !== undefined && isWrite(entity, operation)
        ? this.d.idempotency.run(scopeOf(id, caller), req.idempotencyKey, method, params, (tx) =>
            this.executor(id, tx).execute(entity, operation, params),
          )
        : this.executor(id).execute(entity, operation, params)
    return entity === 'Credential' && HASHING_OPERATIONS.has(operation)
      ? this.d.hashing.run(caller.address, run, id.kind === 'service')
      : run()
  }
}
