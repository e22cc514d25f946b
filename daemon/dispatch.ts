/**
 * One request → its result. Operations run on a LocalExecutor for the connection's identity, so the
 * daemon validates, authorizes and audits every call itself; params are only ever the operation's input
 * and never say who is calling. Until a connection authenticates only `auth.*` and `credentials.verify`
 * (as the anonymous caller) are served.
 */
import { isManaged, type Adapter } from '../core/adapter.ts'
import type { AuditSink } from '../core/audit.ts'
import { DBALError, validationError } from '../core/errors.ts'
import { LocalExecutor } from '../core/executor.ts'
import { HASHING_OPERATIONS } from '../core/operations/credentials.ts'
import { isPlainObject } from '../core/values.ts'
import { ANONYMOUS_IDENTITY, type Authenticator, type Identity } from './auth.ts'
import { fault } from './errors.ts'
import type { HashGate } from './hashing.ts'
import type { IdempotencyStore } from './idempotency.ts'
import {
  isWrite,
  METHODS,
  methodOf,
  operationOf,
  PROTOCOL_VERSION,
  RPC_CODE,
  type OperationRef,
  type RpcRequest,
} from './protocol.ts'
import { Transactions, type Owner, type TransactionLimits } from './transactions.ts'
import { batchCalls } from './batch.ts'

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
  readonly transactions: TransactionLimits
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
  readonly transactions: Transactions

  constructor(private readonly d: DispatchDeps) {
    this.transactions = new Transactions(d.adapter, d.transactions)
  }

  /** The connection has closed: its transactions are rolled back. */
  dropped(caller: Caller): Promise<void> {
    return this.transactions.dropped(caller.connection)
  }

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
    const tx = method.startsWith('tx.') && Object.values(METHODS).includes(method as 'tx.begin')
    // test.reset does not exist on a daemon that has not enabled it.
    if (!ref && !tx && method !== METHODS.capabilities && !(method === METHODS.reset && this.d.resetEnabled))
      throw fault(RPC_CODE.methodNotFound, 'VALIDATION_ERROR', {
        fields: [{ field: 'operation', error: `unknown method ${method}` }],
      })
    if (req.transaction !== undefined && !ref)
      throw validationError([{ field: 'transaction', error: 'only operations run inside a transaction' }])
    // A call in one of this connection's transactions runs as the identity checked at tx.begin: a
    // session check now would read outside the transaction and, on SQLite, wait for its own lock.
    const inTx =
      req.transaction !== undefined ||
      (method !== METHODS.txBatch && tx && isPlainObject(params) && params.transaction !== undefined)
    const id =
      inTx && caller.identity
        ? caller.identity
        : await this.identity(caller, ref?.entity === 'Credential' && ref.operation === 'verify')
    const owner: Owner = { connection: caller.connection, scope: scopeOf(id, caller) }
    if (ref) {
      const t = req.transaction
      return t === undefined
        ? this.operation(caller, id, ref, params, req.idempotencyKey, this.d.adapter)
        : this.transactions.run(owner, t, (a) =>
            this.operation(caller, id, ref, params, req.idempotencyKey, a),
          )
    }
    if (method === METHODS.txBegin) return this.transactions.begin(owner, params)
    if (method === METHODS.txCommit || method === METHODS.txRollback)
      return this.transactions.end(owner, params, method === METHODS.txCommit)
    if (method === METHODS.txBatch) {
      const run = (a: Adapter) =>
        a.transaction((t) =>
          batchCalls(params, this.d.transactions.maxCalls, (r, p) =>
            this.operation(caller, id, r, p, undefined, t),
          ),
        )
      return req.idempotencyKey === undefined
        ? run(this.d.adapter)
        : this.d.idempotency.run(owner.scope, req.idempotencyKey, method, params, run)
    }
    if (params !== undefined && !(isPlainObject(params) && Object.keys(params).length === 0))
      throw validationError([{ field: '(params)', error: 'takes no params' }])
    if (method === METHODS.capabilities) return this.d.adapter.capabilities()
    if (id.kind !== 'service')
      throw new DBALError('FORBIDDEN', { reason: 'test.reset needs a service token' })
    // Every table, internal ones included (lockout counters, idempotency records): a clean database.
    if (!isManaged(this.d.adapter))
      throw new DBALError('CAPABILITY_NOT_SUPPORTED', { reason: 'the hosted adapter cannot be emptied' })
    await this.d.adapter.reset()
    return true
  }

  /**
   * One operation on `adapter` (the daemon's, or a transaction's). A keyed write stores its outcome on
   * the same adapter: inside a transaction the record commits or rolls back with it.
   */
  private operation(
    caller: Caller,
    id: Identity,
    { entity, operation }: OperationRef,
    params: unknown,
    key: string | undefined,
    adapter: Adapter,
  ): Promise<unknown> {
    const run = () =>
      key !== undefined && isWrite(entity, operation)
        ? this.d.idempotency.run(
            scopeOf(id, caller),
            key,
            methodOf(entity, operation)!,
            params,
            (tx) => this.executor(id, tx).execute(entity, operation, params),
            adapter,
          )
        : this.executor(id, adapter).execute(entity, operation, params)
    return entity === 'Credential' && HASHING_OPERATIONS.has(operation)
      ? this.d.hashing.run(caller.address, run, id.kind === 'service')
      : run()
  }
}
