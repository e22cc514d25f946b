/**
 * The Adapter seam on MongoDB and FerretDB. Every operation is atomic (CONTRACT §4): a single-document
 * write is atomic by itself; one that writes several documents (createMany, updateMany, a delete with
 * cascades, a transaction body) runs in a multi-document transaction where the deployment has them (a
 * replica set, detected at connect), else under an undo log (undo.ts) that takes back its writes if it
 * fails. Without transactions, operations on one adapter run one at a time, so that no operation of this
 * adapter sees another's writes before they are undone.
 */
import type { ClientSession } from 'mongodb'
import { capabilitySet, type Adapter, type Capabilities, type ManagedAdapter } from '../../core/adapter.ts'
import { DBALError } from '../../core/errors.ts'
import type { Cond, ListQuery } from '../../core/query.ts'
import type { Entity, Schema } from '../../core/schema.ts'
import type { Row } from '../../core/validate.ts'
import { Mutex } from '../sql/mutex.ts'
import { fromDoc } from './codec.ts'
import type { Connection } from './driver.ts'
import { toDBALError } from './errors.ts'
import { emptyAll, migrate } from './migrate.ts'
import { sortOf } from './sort.ts'
import { Store } from './store.ts'
import { UnitOfWork } from './undo.ts'

interface Shared {
  readonly conn: Connection
  readonly schema: Schema
  readonly maxTimeMS: number
  readonly mutex: Mutex
  closed: boolean
}

/** Inside a transaction: its session (a replica set) and the undo log of the scope. */
interface Scope {
  readonly session?: ClientSession
  readonly work: UnitOfWork
}

export class MongoAdapter implements ManagedAdapter {
  readonly name: string

  constructor(
    private readonly shared: Shared,
    private readonly scope?: Scope,
  ) {
    this.name = shared.conn.deployment.ferretdb ? 'ferretdb' : 'mongo'
  }

  static create(conn: Connection, schema: Schema, maxTimeMS: number): MongoAdapter {
    return new MongoAdapter({ conn, schema, maxTimeMS, mutex: new Mutex(), closed: false })
  }

  private get transactional(): boolean {
    return this.shared.conn.deployment.transactions
  }

  async capabilities(): Promise<Capabilities> {
    return capabilitySet([
      ...(this.transactional ? (['transactions'] as const) : []),
      'jsonQueries',
      'aggregations',
      'migrations',
      'connectionPooling',
    ])
  }

  private entity(name: string): Entity {
    const e = this.shared.schema.entity.get(name)
    if (!e) throw new DBALError('INTERNAL_ERROR', { entity: name, problem: 'unknown entity' })
    return e
  }

  private store(work: UnitOfWork, session = this.scope?.session): Store {
    const { conn, schema, maxTimeMS } = this.shared
    const ctx = { db: conn.db, schema, dialect: conn.deployment.dialect, maxTimeMS }
    return new Store(session ? { ...ctx, session } : ctx, work)
  }

  /** One at a time outside a transaction (where a deployment has none); errors become DBALErrors. */
  private async run<T>(e: Entity | undefined, fn: () => Promise<T>): Promise<T> {
    if (this.shared.closed) throw new DBALError('DATABASE_ERROR', { reason: 'adapter closed' })
    try {
      if (this.scope || this.transactional) return await fn()
      return await this.shared.mutex.run(fn)
    } catch (err) {
      throw toDBALError(err, e)
    }
  }

  /**
   * All or nothing: inside a transaction, a savepoint of its undo log; on a replica set, a transaction
   * of its own; else an undo log of its own.
   */
  private atomic<T>(e: Entity, fn: (s: Store) => Promise<T>): Promise<T> {
    return this.run(e, async () => {
      if (!this.scope && this.transactional)
        return this.inTransaction((session) => fn(this.store(new UnitOfWork(), session)))
      const work = new UnitOfWork()
      try {
        const out = await fn(this.store(work))
        work.commitInto(this.scope?.work)
        return out
      } catch (err) {
        await work.rollback().catch((undo: unknown) => {
          // The store may be left with part of the operation: say so rather than the original refusal.
          throw new DBALError('DATABASE_ERROR', { entity: e.name, reason: 'undo failed' }, { cause: undo })
        })
        throw err
      }
    })
  }

  /** A multi-document transaction on a new session (replica sets only). */
  private async inTransaction<T>(fn: (session: ClientSession) => Promise<T>): Promise<T> {
    const session = this.shared.conn.client.startSession()
    try {
      session.startTransaction()
      const out = await fn(session)
      await session.commitTransaction()
      return out
    } catch (err) {
      if (session.inTransaction()) await session.abortTransaction().catch(() => undefined)
      throw err
    } finally {
      await session.endSession()
    }
  }

  async migrate(): Promise<string[]> {
    const validators = !this.shared.conn.deployment.ferretdb
    return this.run(undefined, () => migrate(this.shared.conn.db, this.shared.schema, { validators }))
  }

  async reset(): Promise<void> {
    return this.run(undefined, () => emptyAll(this.shared.conn.db, this.shared.schema))
  }

  create(entity: string, row: Row): Promise<Row> {
    const e = this.entity(entity)
    return this.atomic(e, async (s) => {
      await s.insert(e, row)
      return { ...row }
    })
  }

  read(entity: string, id: string): Promise<Row | null> {
    const e = this.entity(entity)
    return this.run(e, () => this.store(new UnitOfWork()).read(e, id))
  }

  update(entity: string, id: string, patch: Row): Promise<Row | null> {
    const e = this.entity(entity)
    return this.atomic(e, (s) => s.patch(e, id, patch))
  }

  delete(entity: string, id: string): Promise<boolean> {
    const e = this.entity(entity)
    const filter: Cond = { kind: 'cmp', field: e.primary.name, op: 'eq', value: id }
    return this.atomic(e, async (s) => (await s.remove(e, filter)) > 0)
  }

  list(entity: string, q: ListQuery): Promise<{ data: Row[]; total: number }> {
    const e = this.entity(entity)
    return this.run(e, async () => {
      const s = this.store(new UnitOfWork())
      const where = s.where(e, q.filter)
      const docs = await s.find(e, where, { sort: sortOf(e, q.sort), skip: q.offset, limit: q.limit })
      const data = docs.map((d) => fromDoc(e, d))
      // A short page that is not past the end already tells the total.
      const total =
        data.length < q.limit && (data.length > 0 || q.offset === 0)
          ? q.offset + data.length
          : await s.count(e, where)
      return { data, total }
    })
  }

  count(entity: string, filter: Cond): Promise<number> {
    const e = this.entity(entity)
    return this.run(e, () => {
      const s = this.store(new UnitOfWork())
      return s.count(e, s.where(e, filter))
    })
  }

  createMany(entity: string, rows: Row[]): Promise<number> {
    const e = this.entity(entity)
    if (rows.length === 0) return Promise.resolve(0)
    // Row by row, in order: the first row that fails gives the reference's error; the undo log takes the
    // earlier ones back (FerretDB's insertMany would keep them).
    return this.atomic(e, async (s) => {
      for (const r of rows) await s.insert(e, r)
      return rows.length
    })
  }

  updateMany(entity: string, filter: Cond, patch: Row): Promise<number> {
    const e = this.entity(entity)
    return this.atomic(e, async (s) => {
      const ids = await s.ids(e, filter)
      for (const id of ids) await s.patch(e, id, patch)
      return ids.length
    })
  }

  deleteMany(entity: string, filter: Cond): Promise<number> {
    const e = this.entity(entity)
    return this.atomic(e, (s) => s.remove(e, filter))
  }

  async transaction<T>(fn: (tx: Adapter) => Promise<T>): Promise<T> {
    // What the body throws comes back unchanged (an application's own error too).
    const body = async (session?: ClientSession): Promise<T> => {
      const work = new UnitOfWork()
      const scope: Scope = session ? { session, work } : { work }
      try {
        const out = await fn(new MongoAdapter(this.shared, scope))
        work.commitInto(this.scope?.work)
        return out
      } catch (err) {
        await work.rollback().catch(() => undefined)
        throw err
      }
    }
    if (this.scope) return body(this.scope.session)
    if (this.transactional) return this.inTransaction((session) => body(session))
    if (this.shared.closed) throw new DBALError('DATABASE_ERROR', { reason: 'adapter closed' })
    return this.shared.mutex.run(() => body())
  }

  async close(): Promise<void> {
    if (this.scope || this.shared.closed) return
    this.shared.closed = true
    if (this.shared.conn.owned) await this.shared.conn.client.close()
  }
}
