/**
 * Where the client's operations run. LocalExecutor runs them in this process on an adapter: the
 * operations of core/operations, the ACL for callers with an auth context, the audit. A remote bridge
 * is another Executor that sends each call to a daemon, which runs a LocalExecutor itself: the bridge
 * plugs in above the adapter seam because the daemon must validate and authorize every call on its own.
 */
import { randomUUID } from 'node:crypto'
import { AclAdapter } from './acl/adapter.ts'
import { ANONYMOUS, auditActor, SYSTEM, userActor, type Actor } from './acl/actor.ts'
import { policyOf } from './acl/policy.ts'
import { requireGrant } from './acl/rules.ts'
import type { Adapter, Capabilities } from './adapter.ts'
import type { AuditSink } from './audit.ts'
import { asDBALError, DBALError } from './errors.ts'
import type { Context } from './operations/context.ts'
import { checkInput, operationsOf } from './operations/index.ts'
import { DEFAULT_SCRYPT, type ScryptParams } from './password.ts'
import { schema as defaultSchema, type Schema } from './schema.ts'
import { UUID } from './values.ts'

export interface AuthUser {
  readonly id: string
  readonly username: string
  readonly role: string
}

export interface Executor {
  /** Runs one operation by name with its single argument object; failures are DBALError. */
  execute(entity: string, operation: string, input?: unknown): Promise<unknown>
  /** The same backend for another caller. */
  as(user: AuthUser | 'anonymous'): Executor
  /**
   * Runs `fn` on an executor whose calls are one transaction: committed when `fn` resolves, rolled back
   * (and the error rethrown) when it throws. Called on a transaction's executor: a savepoint.
   */
  transaction<T>(fn: (tx: Executor) => Promise<T>, options?: TransactionOptions): Promise<T>
  capabilities(): Promise<Capabilities>
  close(): Promise<void>
}

export interface TransactionOptions {
  /** Rolled back with TIMEOUT when `fn` has not finished by then (default: no limit locally). */
  readonly timeoutMs?: number
}

/** Why a call on an executor of a transaction that has ended fails, the same everywhere. */
export const transactionEnded = () =>
  new DBALError('VALIDATION_ERROR', {
    reason: 'the transaction has ended: make calls on tx only inside its function',
  })

/** The open-or-ended state shared by a transaction's executors (those of tx.as() too). */
interface TxState {
  ended: boolean
  /** The client's backend's, read when the outermost transaction began: a transaction's adapter may not say. */
  readonly caps: Capabilities
}

export type AuthContext = { user: AuthUser } | { anonymous: true }

export interface ClientOptions {
  adapter: Adapter
  /** The loaded schema (loadSchema(dir)) the client validates against; default: the project's schema/. */
  schema?: Schema
  /** Milliseconds since the epoch (default Date.now): expiry and lockout are tested with a fixed clock. */
  clock?: () => number
  /** scrypt cost for new hashes (default N=16384, r=8, p=1); stored with each hash. */
  scrypt?: ScryptParams
  /**
   * The ids of new rows (default: random UUID v4). For reproducible runs: the conformance harness gives
   * each case the same sequence on every backend, so that ties broken by id break alike.
   */
  ids?: () => string
  /**
   * Who is calling. Without it the client is trusted (the system caller) and no ACL applies; with it,
   * every operation passes the ACL. The user is taken as given: resolve it with sessions.resolve(token)
   * or users.read(id) on a trusted client first.
   */
  auth?: AuthContext
  /** Where audit records go: every operation through the ACL, and security incidents always. */
  audit?: AuditSink
}

const actorOf = (auth: AuthContext | undefined, schema: Schema): Actor =>
  auth === undefined ? SYSTEM : 'anonymous' in auth ? ANONYMOUS : userActor(auth.user, schema)

export class LocalExecutor implements Executor {
  readonly actor: Actor
  readonly adapter: Adapter
  readonly schema: Schema
  /** Runs with the system's access: the trusted caller, and gateway operations once allowed. */
  private readonly trusted: Context
  /** Runs through the ACL decorator; the same as `trusted` for the system caller. */
  private readonly ctx: Context

  constructor(
    private readonly options: ClientOptions,
    private readonly tx?: TxState,
  ) {
    this.schema = options.schema ?? defaultSchema
    this.actor = actorOf(options.auth, this.schema)
    this.adapter = options.adapter
    this.trusted = {
      schema: this.schema,
      adapter: options.adapter,
      unchecked: options.adapter,
      now: options.clock ?? Date.now,
      newId: options.ids ?? randomUUID,
      scrypt: options.scrypt ?? DEFAULT_SCRYPT,
    }
    this.ctx =
      this.actor.kind === 'system'
        ? this.trusted
        : { ...this.trusted, adapter: new AclAdapter(options.adapter, this.actor, policyOf(this.schema)) }
  }

  as(user: AuthUser | 'anonymous'): LocalExecutor {
    const auth: AuthContext = user === 'anonymous' ? { anonymous: true } : { user }
    return new LocalExecutor({ ...this.options, auth }, this.tx)
  }

  /**
   * On the adapter's transaction (a savepoint when this executor is already in one), with the same
   * caller, ACL and audit: an operation that opens a transaction of its own (credentials.set,
   * components.reorder) gets a savepoint inside it.
   */
  async transaction<T>(fn: (tx: Executor) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    if (this.tx?.ended) throw transactionEnded()
    const caps = this.tx?.caps ?? (await this.adapter.capabilities())
    const need = this.tx ? 'nestedTransactions' : 'transactions'
    if (!caps[need])
      throw new DBALError('CAPABILITY_NOT_SUPPORTED', { reason: `${this.adapter.name} lacks ${need}` })
    const state: TxState = { ended: false, caps }
    let timer: NodeJS.Timeout | undefined
    try {
      return await this.adapter.transaction((adapter) => {
        const body = fn(new LocalExecutor({ ...this.options, adapter }, state))
        if (options.timeoutMs === undefined) return body
        body.catch(() => undefined)
        const ms = options.timeoutMs
        const late = new Promise<never>(
          (_, reject) =>
            (timer = setTimeout(() => {
              state.ended = true
              reject(new DBALError('TIMEOUT', { reason: 'transaction timeout', limit: ms }))
            }, ms)),
        )
        return Promise.race([body, late])
      })
    } finally {
      clearTimeout(timer)
      state.ended = true
    }
  }

  async execute(entity: string, operation: string, input?: unknown): Promise<unknown> {
    if (this.tx?.ended) throw transactionEnded()
    const e = this.schema.entity.get(entity)
    const op = operationsOf(this.schema).get(entity)?.get(operation)
    if (!e || !op)
      throw new DBALError('VALIDATION_ERROR', {
        fields: [{ field: 'operation', error: `unknown operation ${entity}.${operation}` }],
      })
    const system = this.actor.kind === 'system'
    try {
      let ctx = this.ctx
      if (!system) {
        const policy = policyOf(this.schema)
        requireGrant(policy, this.actor, entity, op.spec.acl)
        if (policy.gateways.has(`${entity}.${operation}`)) ctx = this.trusted
      }
      const result = await op.run(ctx, e, checkInput(e, op.spec, input), op.spec)
      if (!system) {
        const written = this.audit(entity, operation, input, result)
        if (written) await written
      }
      return result
    } catch (err) {
      const error = asDBALError(err)
      if (!system || this.schema.errors.get(error.code)!.audit)
        await this.audit(entity, operation, input, undefined, error)
      throw error
    }
  }

  /** The sink's promise when it returns one: a synchronous sink costs no await on every call. */
  private audit(
    entity: string,
    operation: string,
    input: unknown,
    result: unknown,
    error?: DBALError,
  ): void | Promise<void> {
    const sink = this.options.audit
    if (!sink) return
    const id = (input as { id?: unknown } | undefined)?.id ?? (result as { id?: unknown } | undefined)?.id
    return sink.write({
      timestamp: new Date(this.trusted.now()).toISOString(),
      actor: auditActor(this.actor),
      entity,
      operation,
      // Only a well-formed id: whatever else a caller puts there (a token, a password) never reaches the log.
      ...(typeof id === 'string' && UUID.test(id) ? { targetId: id.toLowerCase() } : {}),
      success: error === undefined,
      ...(error ? { code: error.code } : {}),
    })
  }

  capabilities(): Promise<Capabilities> {
    return this.options.adapter.capabilities()
  }

  close(): Promise<void> {
    // The transaction's adapter is the client's: closing it is the client's business, after the transaction.
    if (this.tx)
      return Promise.reject(new DBALError('VALIDATION_ERROR', { reason: 'close the client, not tx' }))
    return this.options.adapter.close()
  }
}
