/**
 * The Adapter seam on Sequelize. One class for the three dialects; what differs lives in dialect.ts,
 * json-path.ts and fold-sql.ts. Every write is atomic: a multi-statement one runs in its own transaction
 * (or a savepoint inside the caller's), so a failure leaves nothing behind and, on PostgreSQL, does not
 * poison the caller's transaction, matching the reference, which undoes a failed operation and goes on.
 */
import type { Transaction } from 'sequelize'
import { capabilitySet, type Adapter, type Capabilities, type ManagedAdapter } from '../../core/adapter.ts'
import { replay, type Write } from '../../core/constraints.ts'
import { DBALError } from '../../core/errors.ts'
import type { Cond, ListQuery } from '../../core/query.ts'
import type { Entity } from '../../core/schema.ts'
import type { Row } from '../../core/validate.ts'
import { reachesTree, unwindTrees } from './cascade.ts'
import { rowFromStorage, rowToStorage, shadowValue, toStorage } from './codec.ts'
import type { Db } from './db.ts'
import { foldable, shadowAttribute } from './dialect.ts'
import { sequelizeLookup } from './diagnose.ts'
import {
  foreignKeyOf,
  isForeignKeyViolation,
  isUniqueViolation,
  namesUnique,
  toDBALError,
  type ErrorContext,
} from './errors.ts'
import { migrate } from './migrate.ts'
import { fieldAttributes } from './models.ts'
import { emptyAll } from './reset.ts'
import { findSorted } from './sort.ts'

type Tx = Transaction | undefined

const BULK_CHUNK = 500

/** A unique or foreign key violation, already explained by `explain`. */
const isConstraintFailure = (e: unknown) =>
  e instanceof DBALError && (e.code === 'CONFLICT' || e.code === 'VALIDATION_ERROR')
const NO_HOOKS = { hooks: false, validate: false } as const

/** Sequelize keeps a savepoint's enclosing transaction as `parent` (not in its type declarations). */
const parentOf = (t: Transaction): Transaction | undefined =>
  (t as Transaction & { parent?: Transaction }).parent

const byId = (e: Entity, id: string): Cond => ({ kind: 'cmp', field: e.primary.name, op: 'eq', value: id })

export class SequelizeAdapter implements ManagedAdapter {
  readonly name: string

  constructor(
    readonly db: Db,
    private readonly tx?: Transaction,
  ) {
    this.name = `sequelize-${db.spec.name}`
  }

  async capabilities(): Promise<Capabilities> {
    return capabilitySet(this.db.spec.capabilities)
  }

  /** Creates or upgrades the schema; returns what changed (empty when it was up to date). */
  migrate(): Promise<string[]> {
    return this.db.exclusive(() => migrate(this.db))
  }

  /** Deletes every row of every table, internal ones included. */
  reset(): Promise<void> {
    return emptyAll(this.db)
  }

  /** What errors.ts needs to know of a failed operation on `entity`. */
  private ctx(entity: Entity, write?: ErrorContext['write']): ErrorContext {
    return { schema: this.db.schema, entity, write }
  }

  /** The reference's error for a failed write, asked of the database (core/constraints.ts). */
  private async replayed(e: Entity, w: Write, t: Tx, cause: unknown): Promise<DBALError | undefined> {
    const found = await replay(sequelizeLookup(this.db, t), e, w)
    return found && new DBALError(found.code, found.details, { cause })
  }

  /** Runs in the caller's transaction, or alone on single-connection dialects; errors become DBALErrors. */
  private async run<T>(ctx: ErrorContext, fn: (t: Tx) => Promise<T>): Promise<T> {
    // A closed adapter refuses work even when the Sequelize instance (its owner's) is still open; its
    // own instance, closed, refuses by itself (with the driver's error as the cause).
    if (this.db.closed && !this.db.ownsSequelize)
      throw new DBALError('DATABASE_ERROR', { reason: 'adapter closed' })
    try {
      return this.tx ? await fn(this.tx) : await this.db.exclusive(() => fn(undefined))
    } catch (e) {
      throw toDBALError(e, ctx)
    }
  }

  /** All or nothing: a transaction of its own, or a savepoint inside the caller's. */
  private atomic<T>(ctx: ErrorContext, fn: (t: Transaction) => Promise<T>): Promise<T> {
    return this.run(ctx, (t) => this.savepoint(t, fn))
  }

  /**
   * A savepoint always hangs off the outermost transaction: Sequelize names a savepoint after its
   * parent's count, so a savepoint inside a savepoint would reuse its parent's name, and rolling back to
   * that name would stop at the inner one. SQL savepoints nest by order anyway.
   */
  private savepoint<T>(t: Tx, fn: (t: Transaction) => Promise<T>): Promise<T> {
    if (!t) return this.db.sequelize.transaction(fn)
    let root = t
    for (let p = parentOf(root); p; p = parentOf(root)) root = p
    return this.db.sequelize.transaction({ transaction: root }, fn)
  }

  /** One statement is atomic by itself; on PostgreSQL its failure would abort the caller's transaction. */
  private single<T>(ctx: ErrorContext, fn: (t: Tx) => Promise<T>): Promise<T> {
    return this.tx && this.db.spec.statementAbortsTransaction ? this.atomic(ctx, fn) : this.run(ctx, fn)
  }

  /** Turns a failed statement into the reference's error, asking the database where it cannot tell. */
  private async explain(e: unknown, ctx: ErrorContext, t: Tx, w?: Write): Promise<never> {
    // SQLite names no key in the reference's order nor any foreign key, MariaDB's 1022 no key at all: ask.
    const ask =
      (isUniqueViolation(e) && (this.db.spec.diagnose || !namesUnique(e, ctx))) ||
      (isForeignKeyViolation(e) && !foreignKeyOf(e, ctx))
    const found = ask && w ? await this.replayed(ctx.entity, w, t, e) : undefined
    throw found ?? toDBALError(e, ctx)
  }

  private async insert(e: Entity, rows: Row[], t: Tx): Promise<void> {
    try {
      await this.db.model(e).bulkCreate(
        rows.map((r) => rowToStorage(this.db.spec, e, r)),
        { ...NO_HOOKS, transaction: t, returning: false },
      )
    } catch (err) {
      const w: Write | undefined = rows.length === 1 ? { kind: 'insert', rows } : undefined
      await this.explain(err, this.ctx(e, 'insert'), t, w)
    }
  }

  /** Updates the rows with these ids; returns how many there were. */
  private async patch(e: Entity, ids: string | string[], patch: Row, t: Tx): Promise<number> {
    let n = 0
    try {
      ;[n] = await this.db.model(e).update(rowToStorage(this.db.spec, e, patch), {
        ...NO_HOOKS,
        where: { [e.primary.name]: ids },
        transaction: t,
      })
    } catch (err) {
      const w: Write | undefined =
        typeof ids === 'string' ? { kind: 'patch', filter: byId(e, ids), patch } : undefined
      await this.explain(err, this.ctx(e, 'update'), t, w)
    }
    await this.followCascades(e, patch, t)
    return n
  }

  /** ON UPDATE CASCADE changes a referencing column in the database; its shadow column follows here. */
  private async followCascades(e: Entity, patch: Row, t: Tx): Promise<void> {
    if (this.db.spec.fold !== 'shadow') return
    for (const { entity: re, field: f, targetField, onUpdate } of e.referrers) {
      if (onUpdate !== 'cascade' || !foldable(f) || !(targetField.name in patch)) continue
      const value = patch[targetField.name]
      const where = { [f.name]: toStorage(this.db.spec, f, value) }
      await this.db
        .model(re)
        .update({ [shadowAttribute(f)]: shadowValue(f, value) }, { ...NO_HOOKS, where, transaction: t })
    }
  }

  private async readRow(e: Entity, id: string, t: Tx): Promise<Row | null> {
    const raw = await this.db
      .model(e)
      .findOne({ where: { [e.primary.name]: id }, attributes: fieldAttributes(e), raw: true, transaction: t })
    return raw ? rowFromStorage(e, raw as unknown as Row) : null
  }

  create(entity: string, row: Row): Promise<Row> {
    const e = this.db.entity(entity)
    return this.single(this.ctx(e, 'insert'), async (t) => {
      await this.insert(e, [row], t)
      return { ...row }
    })
  }

  read(entity: string, id: string): Promise<Row | null> {
    const e = this.db.entity(entity)
    return this.run(this.ctx(e), (t) => this.readRow(e, id, t))
  }

  update(entity: string, id: string, patch: Row): Promise<Row | null> {
    const e = this.db.entity(entity)
    if (Object.keys(patch).length === 0) return this.read(entity, id)
    return this.atomic(this.ctx(e, 'update'), async (t) => {
      const n = await this.patch(e, id, patch, t)
      return n === 0 ? null : this.readRow(e, id, t)
    })
  }

  delete(entity: string, id: string): Promise<boolean> {
    const e = this.db.entity(entity)
    const ctx = this.ctx(e, 'delete')
    const where = { [e.primary.name]: id }
    const unwind = this.unwinds(e)
    const remove = async (t: Tx): Promise<boolean> => {
      if (unwind) await unwindTrees(this.db, e, where, t)
      return (await this.db.model(e).destroy({ where, transaction: t, hooks: false })) > 0
    }
    return this.blocked(ctx, byId(e, id), () =>
      unwind ? this.atomic(ctx, remove) : this.single(ctx, remove),
    )
  }

  /**
   * Runs a delete of the rows matching `where`. If a reference blocks it, which one is asked once the
   * delete is rolled back (PostgreSQL refuses queries in a failed transaction, SQLite names no key), in
   * the reference's order rather than whichever row the database met first.
   */
  private async blocked<T>(ctx: ErrorContext, filter: Cond, work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (err) {
      const native = err instanceof DBALError ? err.cause : err
      if (!isForeignKeyViolation(native)) throw err
      const found = await this.run(ctx, (t) =>
        this.replayed(ctx.entity, { kind: 'delete', filter }, t, native),
      )
      throw found ?? err
    }
  }

  /** Whether deleting rows of `e` must first take apart the trees it cascades into (MariaDB). */
  private unwinds(e: Entity): boolean {
    return this.db.spec.shallowCascades && reachesTree(e)
  }

  list(entity: string, q: ListQuery): Promise<{ data: Row[]; total: number }> {
    const e = this.db.entity(entity)
    return this.run(this.ctx(e), async (t) => {
      const where = this.db.where(e, q.filter)
      const raw = await findSorted(this.db, e, { where, sort: q.sort, offset: q.offset, limit: q.limit }, t)
      const data = raw.map((r) => rowFromStorage(e, r))
      // A short page that is not past the end already tells the total.
      const total =
        data.length < q.limit && (data.length > 0 || q.offset === 0)
          ? q.offset + data.length
          : await this.db.model(e).count({ where, transaction: t })
      return { data, total }
    })
  }

  count(entity: string, filter: Cond): Promise<number> {
    const e = this.db.entity(entity)
    return this.run(this.ctx(e), (t) =>
      this.db.model(e).count({ where: this.db.where(e, filter), transaction: t }),
    )
  }

  createMany(entity: string, rows: Row[]): Promise<number> {
    const e = this.db.entity(entity)
    if (rows.length === 0) return Promise.resolve(0)
    return this.atomic(this.ctx(e, 'insert'), async (t) => {
      try {
        await this.savepoint(t, async (sp) => {
          for (let i = 0; i < rows.length; i += BULK_CHUNK)
            await this.insert(e, rows.slice(i, i + BULK_CHUNK), sp)
        })
      } catch (err) {
        if (!isConstraintFailure(err)) throw err
        // A multi-row statement may report a later row's violation first: replay row by row, in order,
        // so that the error is the one the reference gives (it stops at the first failing row).
        for (const r of rows) await this.insert(e, [r], t)
      }
      return rows.length
    })
  }

  updateMany(entity: string, filter: Cond, patch: Row): Promise<number> {
    const e = this.db.entity(entity)
    const pk = e.primary.name
    return this.atomic(this.ctx(e, 'update'), async (t) => {
      // The matching ids first, in the reference's order: an UPDATE never carries the filter (see
      // filter.ts), and a failure can be replayed row by row.
      const order = [e.createdField, e.primary]
        .filter((f) => f !== undefined)
        .map((f) => [f.name, 'ASC'] as [string, string])
      const found = await this.db
        .model(e)
        .findAll({ where: this.db.where(e, filter), order, attributes: [pk], raw: true, transaction: t })
      const ids = (found as unknown as Row[]).map((r) => r[pk] as string)
      try {
        await this.savepoint(t, async (sp) => {
          for (let i = 0; i < ids.length; i += BULK_CHUNK)
            await this.patch(e, ids.slice(i, i + BULK_CHUNK), patch, sp)
        })
      } catch (err) {
        if (!isConstraintFailure(err)) throw err
        // Row by row, to stop at the row where the reference stops and give its error.
        for (const id of ids) await this.patch(e, id, patch, t)
      }
      return ids.length
    })
  }

  deleteMany(entity: string, filter: Cond): Promise<number> {
    const e = this.db.entity(entity)
    const ctx = this.ctx(e, 'delete')
    const where = this.db.where(e, filter)
    return this.blocked(ctx, filter, () =>
      this.atomic(ctx, async (t) => {
        // Counted first: rows removed by a cascade from another match would not be counted by the delete.
        const n = await this.db.model(e).count({ where, transaction: t })
        if (n === 0) return 0
        if (this.unwinds(e)) await unwindTrees(this.db, e, where, t)
        await this.db.model(e).destroy({ where, transaction: t, hooks: false })
        return n
      }),
    )
  }

  async transaction<T>(fn: (tx: Adapter) => Promise<T>): Promise<T> {
    // What the body throws comes back unchanged (an application's own error too); only Sequelize's are mapped.
    let thrown: { e: unknown } | undefined
    const body = (t: Transaction) =>
      fn(new SequelizeAdapter(this.db, t)).catch((e: unknown) => Promise.reject((thrown = { e }).e))
    try {
      return this.tx
        ? await this.savepoint(this.tx, body)
        : await this.db.exclusive(() => this.savepoint(undefined, body))
    } catch (e) {
      throw thrown && thrown.e === e ? e : toDBALError(e)
    }
  }

  close(): Promise<void> {
    return this.db.close()
  }
}
