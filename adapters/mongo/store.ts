/**
 * The writes and reads of one operation, on one session (or none), recording how to undo each write.
 * Mongo has no foreign keys, so what CONTRACT §1 asks of them is done here: a reference must name a
 * row (VALIDATION_ERROR naming the field), a delete takes its ON DELETE CASCADE rows with it and is
 * refused (CONFLICT) while a surviving row still holds a restricting reference, and a referenced value
 * that changes is followed by ON UPDATE CASCADE. Uniqueness is left to the unique indexes. When a write
 * fails, the error is the reference's, found by core/constraints.ts `replay` on this same session.
 */
import type { ClientSession, Collection, Db, Filter, UpdateFilter } from 'mongodb'
import { replay, type ConstraintLookup, type Write } from '../../core/constraints.ts'
import { dangling, fallback, stillReferenced } from '../../core/constraints.ts'
import { DBALError } from '../../core/errors.ts'
import type { Cond } from '../../core/query.ts'
import type { Entity, Reference, Schema } from '../../core/schema.ts'
import type { Row } from '../../core/validate.ts'
import { fromDoc, keyOf, toDoc, toStored, toUpdate, type Doc } from './codec.ts'
import { uniqueFault } from './errors.ts'
import { FilterCompiler, type FilterDialect } from './filter.ts'
import { defaultSort } from './sort.ts'
import type { UnitOfWork } from './undo.ts'

export interface StoreContext {
  readonly db: Db
  readonly schema: Schema
  readonly dialect: FilterDialect
  readonly session?: ClientSession
  /** A limit on reads (find, count), in ms; 0: none. */
  readonly maxTimeMS: number
}

/** A stored document: `_id` is the row's UUID string. */
type StoredDoc = { _id: string } & Doc
/** A query document this adapter built (filter.ts), in the driver's type. */
const q = (d: Doc): Filter<StoredDoc> => d as Filter<StoredDoc>

const byId = (e: Entity, id: unknown): Cond => ({ kind: 'cmp', field: e.primary.name, op: 'eq', value: id })

export class Store {
  constructor(
    readonly ctx: StoreContext,
    private readonly work: UnitOfWork,
  ) {}

  private get opts(): { session?: ClientSession } {
    return this.ctx.session ? { session: this.ctx.session } : {}
  }

  private get readOpts(): { session?: ClientSession; maxTimeMS?: number } {
    return { ...this.opts, ...(this.ctx.maxTimeMS ? { maxTimeMS: this.ctx.maxTimeMS } : {}) }
  }

  coll(e: Entity): Collection<StoredDoc> {
    return this.ctx.db.collection<StoredDoc>(e.table)
  }

  where(e: Entity, c: Cond): Doc {
    return new FilterCompiler(e, this.ctx.dialect).compile(c)
  }

  find(e: Entity, filter: Doc, o: { sort?: Record<string, 1 | -1>; skip?: number; limit?: number } = {}) {
    let cursor = this.coll(e).find(q(filter), this.readOpts)
    if (o.sort) cursor = cursor.sort(o.sort)
    if (o.skip) cursor = cursor.skip(o.skip)
    if (o.limit) cursor = cursor.limit(o.limit)
    return cursor.toArray() as Promise<Doc[]>
  }

  count(e: Entity, filter: Doc): Promise<number> {
    return this.coll(e).countDocuments(q(filter), this.readOpts)
  }

  async read(e: Entity, id: string): Promise<Row | null> {
    const doc = await this.coll(e).findOne(q({ _id: { $eq: id } }), this.readOpts)
    return doc ? fromDoc(e, doc) : null
  }

  /** The lookups core's constraint replay asks, on this session. */
  private lookup(): ConstraintLookup {
    return {
      rows: async (e, c, limit) =>
        (await this.find(e, this.where(e, c), { sort: defaultSort(e), limit })).map((d) => fromDoc(e, d)),
      exists: async (e, c) => (await this.coll(e).findOne(q(this.where(e, c)), this.opts)) !== null,
    }
  }

  /** The reference's error for a failed write, or `otherwise` when the replay finds none. */
  private async explain(e: Entity, w: Write, otherwise: () => DBALError, cause?: unknown): Promise<never> {
    // MongoDB aborts a transaction on a write error: the lookups then read the committed state instead.
    const aborted = cause !== undefined && this.ctx.session?.inTransaction() === true
    const { session: _, ...outside } = this.ctx
    const found = await replay((aborted ? new Store(outside, this.work) : this).lookup(), e, w)
    throw found ? new DBALError(found.code, found.details, { cause }) : otherwise()
  }

  /** The references of `row` among `refs` that name no row. */
  private async missing(e: Entity, row: Row, refs: readonly Reference[]): Promise<Reference[]> {
    const out: Reference[] = []
    for (const r of refs) {
      const v = row[r.field.name]
      if (v === null || v === undefined) continue
      const key = keyOf(r.targetField)
      const found = await this.coll(r.target).findOne(
        q({ [key]: { $eq: toStored(r.targetField, v) } }),
        this.opts,
      )
      if (!found) out.push(r)
    }
    return out
  }

  async insert(e: Entity, row: Row): Promise<void> {
    const w: Write = { kind: 'insert', rows: [row] }
    const bad = await this.missing(e, row, e.references)
    if (bad.length)
      await this.explain(e, w, () =>
        dangling(
          e,
          bad.map((r) => r.field),
        ),
      )
    const doc = toDoc(e, row)
    try {
      await this.coll(e).insertOne(doc as StoredDoc, this.opts)
    } catch (err) {
      const fault = uniqueFault(err, e)
      if (!fault) throw err
      await this.explain(e, w, () => fallback(this.ctx.schema, e, fault, w), err)
    }
    this.work.record(async () => void (await this.coll(e).deleteOne(q({ _id: doc._id }), this.opts)))
  }

  /** Applies `patch` to the row `id`, following ON UPDATE rules; null when there is no such row. */
  async patch(e: Entity, id: string, patch: Row): Promise<Row | null> {
    const before = await this.coll(e).findOne(q({ _id: { $eq: id } }), this.opts)
    if (!before) return null
    const old = fromDoc(e, before)
    const next = { ...old, ...patch }
    const w: Write = { kind: 'patch', filter: byId(e, id), patch }
    const bad = await this.missing(
      e,
      next,
      e.references.filter((r) => r.field.name in patch),
    )
    if (bad.length)
      await this.explain(e, w, () =>
        dangling(
          e,
          bad.map((r) => r.field),
        ),
      )
    const changed = e.referrers.filter((r) => old[r.targetField.name] !== next[r.targetField.name])
    for (const r of changed.filter((x) => x.onUpdate === 'restrict')) {
      const value = toStored(r.targetField, old[r.targetField.name])
      if (await this.coll(r.entity).findOne(q({ [keyOf(r.field)]: { $eq: value } }), this.opts))
        await this.explain(e, w, () => stillReferenced(r))
    }
    const update = toUpdate(e, patch)
    if (Object.keys(update).length) {
      try {
        await this.coll(e).updateOne(q({ _id: { $eq: id } }), update as UpdateFilter<StoredDoc>, this.opts)
      } catch (err) {
        const fault = uniqueFault(err, e)
        if (!fault) throw err
        await this.explain(e, w, () => fallback(this.ctx.schema, e, fault, w), err)
      }
      this.work.record(async () => void (await this.coll(e).replaceOne(q({ _id: id }), before, this.opts)))
    }
    for (const r of changed.filter((x) => x.onUpdate === 'cascade')) {
      const value = toStored(r.targetField, old[r.targetField.name])
      const holders = await this.find(
        r.entity,
        { [keyOf(r.field)]: { $eq: value } },
        { sort: defaultSort(r.entity) },
      )
      for (const h of holders)
        await this.patch(r.entity, h._id as string, { [r.field.name]: next[r.targetField.name] })
    }
    return next
  }

  /** The ids matching `c`, in the contract's default order (bulk writes meet rows in that order). */
  async ids(e: Entity, c: Cond): Promise<string[]> {
    const docs = await this.coll(e)
      .find(q(this.where(e, c)), { ...this.readOpts, projection: { _id: 1 } })
      .sort(defaultSort(e))
      .toArray()
    return docs.map((d) => d._id as string)
  }

  /**
   * Deletes the rows matching `c` and what they cascade to; refused when a surviving row still holds a
   * restricting reference to one of them. Returns the number of rows `c` matched.
   */
  async remove(e: Entity, c: Cond): Promise<number> {
    const top = await this.find(e, this.where(e, c))
    if (top.length === 0) return 0
    const doomed = await this.closure(e, top)
    for (const [ent, docs] of doomed) {
      for (const r of ent.referrers) {
        if (r.onDelete !== 'restrict') continue
        const values = [...docs.values()].map((d) => d[keyOf(r.targetField)]).filter((v) => v !== undefined)
        const spared = [...(doomed.get(r.entity)?.keys() ?? [])]
        const held = await this.coll(r.entity).findOne(
          q({ [keyOf(r.field)]: { $in: values }, _id: { $nin: spared } }),
          this.opts,
        )
        if (held) await this.explain(e, { kind: 'delete', filter: c }, () => stillReferenced(r))
      }
    }
    for (const [ent, docs] of doomed) {
      const list = [...docs.values()]
      await this.coll(ent).deleteMany(q({ _id: { $in: [...docs.keys()] } }), this.opts)
      this.work.record(async () => void (await this.coll(ent).insertMany(list as StoredDoc[], this.opts)))
    }
    return top.length
  }

  /** The documents a delete of `top` takes with it through ON DELETE CASCADE, by entity and id. */
  private async closure(e: Entity, top: Doc[]): Promise<Map<Entity, Map<unknown, Doc>>> {
    const out = new Map<Entity, Map<unknown, Doc>>()
    const queue: [Entity, Doc[]][] = [[e, top]]
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [ent, found] = next
      const seen = out.get(ent) ?? new Map<unknown, Doc>()
      out.set(ent, seen)
      const fresh = found.filter((d) => !seen.has(d._id))
      for (const d of fresh) seen.set(d._id, d)
      if (fresh.length === 0) continue
      for (const r of ent.referrers) {
        if (r.onDelete !== 'cascade') continue
        const values = fresh.map((d) => d[keyOf(r.targetField)]).filter((v) => v !== undefined)
        queue.push([r.entity, await this.find(r.entity, { [keyOf(r.field)]: { $in: values } })])
      }
    }
    return out
  }
}
