/**
 * Reads through Prisma's query API where it says exactly what the contract means (model-query.ts):
 * read by id as findUnique, list as findMany with where / orderBy / skip / take and its total as count
 * in one batch transaction (one snapshot, as the SQL's COUNT(*) OVER gives), count as count. Everything
 * else, and everything inside a transaction, is the shared SQL adapter's: a transaction's operations
 * run one at a time under its lock (adapters/sql/scope.ts), which a model call on the same connection
 * would bypass. Writes stay SQL too, so that a constraint failure is explained the one way
 * (adapters/sql/explain.ts) on every backend.
 */
import type { Adapter, Capabilities, Cond, ListQuery, ManagedAdapter, Row } from '../../core/adapter.ts'
import { DBALError } from '../../core/errors.ts'
import type { Entity, Schema } from '../../core/schema.ts'
import type { PrismaClientLike, PrismaProviderName } from './client-like.ts'
import type { PrismaDriver } from './driver.ts'
import { classifyPrisma } from './errors.ts'
import { fromPrisma } from './model-codec.ts'
import { prismaOrderBy, prismaWhere, type Where } from './model-query.ts'

/** The part of a generated model delegate (prisma.user, ...) called here. */
interface Delegate {
  findUnique(args: { where: Where }): Promise<Record<string, unknown> | null>
  findMany(args: {
    where: Where
    orderBy: Where[]
    skip: number
    take: number
  }): Promise<Record<string, unknown>[]>
  count(args: { where: Where }): Promise<number>
}

/** The client's batch transaction: several model calls in one database transaction. */
type Batch = (calls: Promise<unknown>[]) => Promise<unknown[]>

const CANONICAL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const delegateName = (e: Entity) => e.name[0]!.toLowerCase() + e.name.slice(1)

export class PrismaReads implements ManagedAdapter {
  readonly name: string

  constructor(
    private readonly inner: ManagedAdapter,
    private readonly driver: PrismaDriver,
    private readonly provider: PrismaProviderName,
    private readonly schema: Schema,
  ) {
    this.name = inner.name
  }

  /** The model of `entity` on the client, when the client has it (an application's own may not). */
  private delegate(c: PrismaClientLike, e: Entity): Delegate | undefined {
    const d = (c as unknown as Record<string, Partial<Delegate> | undefined>)[delegateName(e)]
    return d && typeof d.findMany === 'function' ? (d as Delegate) : undefined
  }

  private fail(err: unknown, e: Entity): never {
    const f = classifyPrisma(this.provider, err, e)
    throw f.kind === 'error' ? f.error : new DBALError('INTERNAL_ERROR', { entity: e.name }, { cause: err })
  }

  private decode(e: Entity, raw: Record<string, unknown>): Row {
    return fromPrisma(e, raw, this.provider !== 'postgresql')
  }

  async read(entity: string, id: string): Promise<Row | null> {
    const e = this.schema.entity.get(entity)
    if (!e || !CANONICAL_ID.test(id)) return this.inner.read(entity, id)
    const found = await this.driver.outside(async (c) => {
      const d = this.delegate(c, e)
      if (!d) return undefined
      return d.findUnique({ where: { [e.primary.name]: id } }).catch((err: unknown) => this.fail(err, e))
    })
    if (found === undefined) return this.inner.read(entity, id)
    return found === null ? null : this.decode(e, found)
  }

  async list(entity: string, q: ListQuery): Promise<{ data: Row[]; total: number }> {
    const e = this.schema.entity.get(entity)
    const where = e && prismaWhere(this.provider, e, q.filter)
    const orderBy = e && prismaOrderBy(this.provider, e, q.sort)
    if (!e || !where || !orderBy) return this.inner.list(entity, q)
    const got = await this.driver.outside(async (c) => {
      const d = this.delegate(c, e)
      if (!d) return undefined
      const batch = (c as unknown as { $transaction: Batch }).$transaction.bind(c)
      const [rows, total] = (await batch([
        d.findMany({ where, orderBy, skip: q.offset, take: q.limit }),
        d.count({ where }),
      ]).catch((err: unknown) => this.fail(err, e))) as [Record<string, unknown>[], number]
      return { data: rows.map((r) => this.decode(e, r)), total }
    })
    return got ?? this.inner.list(entity, q)
  }

  async count(entity: string, filter: Cond): Promise<number> {
    const e = this.schema.entity.get(entity)
    const where = e && prismaWhere(this.provider, e, filter)
    if (!e || !where) return this.inner.count(entity, filter)
    const n = await this.driver.outside(async (c) => {
      const d = this.delegate(c, e)
      return d ? d.count({ where }).catch((err: unknown) => this.fail(err, e)) : undefined
    })
    return n ?? this.inner.count(entity, filter)
  }

  capabilities(): Promise<Capabilities> {
    return this.inner.capabilities()
  }
  create(entity: string, row: Row): Promise<Row> {
    return this.inner.create(entity, row)
  }
  update(entity: string, id: string, patch: Row): Promise<Row | null> {
    return this.inner.update(entity, id, patch)
  }
  delete(entity: string, id: string): Promise<boolean> {
    return this.inner.delete(entity, id)
  }
  createMany(entity: string, rows: Row[]): Promise<number> {
    return this.inner.createMany(entity, rows)
  }
  updateMany(entity: string, filter: Cond, patch: Row): Promise<number> {
    return this.inner.updateMany(entity, filter, patch)
  }
  deleteMany(entity: string, filter: Cond): Promise<number> {
    return this.inner.deleteMany(entity, filter)
  }
  transaction<T>(fn: (tx: Adapter) => Promise<T>): Promise<T> {
    return this.inner.transaction(fn)
  }
  migrate(): Promise<string[]> {
    return this.inner.migrate()
  }
  reset(): Promise<void> {
    return this.inner.reset()
  }
  close(): Promise<void> {
    return this.inner.close()
  }
}
