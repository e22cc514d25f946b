/**
 * Interactive transactions (PROTOCOL.md §11): an adapter transaction held open between requests for the
 * connection that began it. Each is bounded twice, like Prisma's `maxWait` and `timeout`: it must start
 * within `waitMs` (on SQLite, while another connection's transaction holds the database) and end within
 * its timeout, else it is rolled back; so is every transaction of a connection that drops. An id is
 * only ever valid for its own connection and caller: anyone else gets the answer an unknown id gets.
 */
import { randomUUID } from 'node:crypto'
import type { Adapter } from '../core/adapter.ts'
import { DBALError, validationError } from '../core/errors.ts'
import { isPlainObject } from '../core/values.ts'

export interface TransactionLimits {
  /** The longest timeoutMs a client may ask for; also the default when it asks for none. */
  readonly maxMs: number
  /** How long `tx.begin` may wait for the transaction to start. */
  readonly waitMs: number
  /** Open transactions (outermost ones) per connection. */
  readonly perConnection: number
  /** Calls in one `tx.batch` (the config's max_batch). */
  readonly maxCalls: number
}

/** Who may use a transaction: its connection, as the caller that began it. */
export interface Owner {
  readonly connection: string
  readonly scope: string
}

interface Open {
  readonly owner: Owner
  readonly adapter: Adapter
  readonly parent: Open | undefined
  child: Open | undefined
  /** Operations running on it: a rollback waits for them, so none lands after it. */
  readonly running: Set<Promise<unknown>>
  /** Commits or rolls back; resolves once the backend has done so. */
  readonly finish: (commit: boolean) => Promise<void>
  timer?: NodeJS.Timeout
}

/** The body's way to say "roll back" to the adapter's transaction without being an error anyone sees. */
const ROLLBACK = Symbol('rollback')
const MAX_ENDED = 1000

/** Runs `start` with a body that waits for the decision: the adapter of the held transaction, and its end. */
function hold(start: (body: (tx: Adapter) => Promise<void>) => Promise<void>) {
  let decide!: (commit: boolean) => void
  const decision = new Promise<boolean>((r) => (decide = r))
  let started!: (tx: Adapter) => void
  const ready = new Promise<Adapter>((r) => (started = r))
  const done = start(async (tx) => {
    started(tx)
    if (!(await decision)) throw ROLLBACK
  }).catch((e: unknown) => {
    if (e !== ROLLBACK) throw e
  })
  done.catch(() => undefined)
  return { ready, done, decide }
}

export class Transactions {
  private readonly open = new Map<string, Open>()
  /** Why recently ended ids ended (a timeout says so), for a clear answer to a late call. */
  private readonly ended = new Map<string, DBALError>()

  constructor(
    private readonly adapter: Adapter,
    readonly limits: TransactionLimits,
  ) {}

  private find(owner: Owner, id: unknown): Open {
    const tx = typeof id === 'string' ? this.open.get(id) : undefined
    if (tx && tx.owner.connection === owner.connection && tx.owner.scope === owner.scope) return tx
    const why = typeof id === 'string' ? this.ended.get(`${owner.connection}\n${id}`) : undefined
    throw (
      why ??
      new DBALError('VALIDATION_ERROR', {
        field: 'transaction',
        reason: 'no open transaction with this id on this connection',
      })
    )
  }

  /** `tx.begin {timeoutMs?, transaction?}`: a new transaction, or a savepoint in `transaction`. */
  async begin(owner: Owner, params: unknown): Promise<{ transaction: string }> {
    const p = isPlainObject(params) ? params : params === undefined ? {} : null
    const bad = p && Object.keys(p).find((k) => k !== 'timeoutMs' && k !== 'transaction')
    if (!p || bad)
      throw validationError([
        { field: bad ?? '(params)', error: 'tx.begin takes {timeoutMs?, transaction?}' },
      ])
    const { maxMs, waitMs, perConnection } = this.limits
    const ms = p.timeoutMs ?? maxMs
    if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 1 || ms > maxMs)
      throw validationError([{ field: 'timeoutMs', error: `must be an integer from 1 to ${maxMs}` }])
    const parent = p.transaction === undefined ? undefined : this.find(owner, p.transaction)
    const caps = await this.adapter.capabilities()
    const need = parent ? 'nestedTransactions' : 'transactions'
    if (!caps[need]) throw new DBALError('CAPABILITY_NOT_SUPPORTED', { reason: `the backend lacks ${need}` })
    if (parent?.child)
      throw new DBALError('VALIDATION_ERROR', { reason: 'a nested transaction is already open' })
    if (
      !parent &&
      [...this.open.values()].filter((t) => !t.parent && t.owner.connection === owner.connection).length >=
        perConnection
    )
      throw new DBALError('RATE_LIMIT_EXCEEDED', {
        reason: 'too many open transactions',
        limit: perConnection,
      })
    const h = hold((body) => (parent ? parent.adapter : this.adapter).transaction(body))
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>(
      (_, reject) =>
        (timer = setTimeout(
          () =>
            reject(new DBALError('TIMEOUT', { reason: 'transaction not started in time', limit: waitMs })),
          waitMs,
        )),
    )
    let adapter: Adapter
    try {
      adapter = await Promise.race([h.ready, h.done.then(() => Promise.reject(new Error('ended'))), late])
    } catch (e) {
      h.decide(false)
      throw e
    } finally {
      clearTimeout(timer)
    }
    const id = randomUUID()
    const tx: Open = {
      owner,
      adapter,
      parent,
      child: undefined,
      running: new Set(),
      finish: async (commit) => {
        if (tx.child) await tx.child.finish(false)
        await Promise.allSettled([...tx.running])
        clearTimeout(tx.timer)
        this.open.delete(id)
        if (parent) parent.child = undefined
        h.decide(commit)
        await h.done
      },
    }
    this.open.set(id, tx)
    if (parent) parent.child = tx
    // A savepoint ends with its transaction at the latest; only the outermost one has a clock.
    else
      tx.timer = setTimeout(() => {
        this.remember(
          owner,
          id,
          new DBALError('TIMEOUT', { reason: 'transaction timeout: rolled back', limit: ms }),
        )
        void tx.finish(false).catch(() => undefined)
      }, ms)
    return { transaction: id }
  }

  private remember(owner: Owner, id: string, why: DBALError): void {
    this.ended.set(`${owner.connection}\n${id}`, why)
    if (this.ended.size > MAX_ENDED) this.ended.delete(this.ended.keys().next().value!)
  }

  /** `tx.commit` / `tx.rollback {transaction}`. */
  async end(owner: Owner, params: unknown, commit: boolean): Promise<true> {
    const p = isPlainObject(params) ? params : {}
    if (Object.keys(p).join(',') !== 'transaction')
      throw validationError([{ field: '(params)', error: 'takes {transaction}' }])
    const tx = this.find(owner, p.transaction)
    if (commit && tx.child)
      throw new DBALError('VALIDATION_ERROR', { reason: 'a nested transaction is still open: end it first' })
    await tx.finish(commit)
    return true
  }

  /** Runs one operation on the transaction `id` of this owner. */
  run<T>(owner: Owner, id: string, op: (tx: Adapter) => Promise<T>): Promise<T> {
    const tx = this.find(owner, id)
    const p = op(tx.adapter)
    const tracked = p.catch(() => undefined)
    tx.running.add(tracked)
    void tracked.finally(() => tx.running.delete(tracked))
    return p
  }

  /** The connection is gone: everything it held is rolled back. */
  async dropped(connection: string): Promise<void> {
    const mine = [...this.open.values()].filter((t) => t.owner.connection === connection && !t.parent)
    await Promise.allSettled(mine.map((t) => t.finish(false)))
    for (const k of this.ended.keys()) if (k.startsWith(`${connection}\n`)) this.ended.delete(k)
  }
}
