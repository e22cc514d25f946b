/**
 * What MariaDB needs on top of the shared SQL adapter, as a decorator (also on every transaction's
 * adapter): MariaDB has INSERT ... RETURNING but no UPDATE ... RETURNING, so update is UPDATE then SELECT
 * by id, atomically (a transaction, or a savepoint inside the caller's); and a list sorted on a long
 * text gets the sort settings it needs (mariadb-sort.ts). Everything else is the shared adapter's.
 */
import type { Adapter, Capabilities, Cond, ListQuery, ManagedAdapter, Row } from '../../core/adapter.ts'
import type { Schema } from '../../core/schema.ts'
import type { Conn } from '../sql/driver.ts'
import { withSortSettings } from './mariadb-sort.ts'

/** Ids are canonical lowercase UUIDs; anything else cannot exist (adapters/sql/adapter.ts says the same). */
const CANONICAL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

class MariaDbPrisma implements Adapter {
  constructor(
    protected readonly inner: Adapter,
    protected readonly schema: Schema,
    /** Where the longest sort value is asked (the pool: an upper bound is enough). */
    protected readonly conn: Conn,
  ) {}

  get name(): string {
    return this.inner.name
  }

  capabilities(): Promise<Capabilities> {
    return this.inner.capabilities()
  }
  create(entity: string, row: Row): Promise<Row> {
    return this.inner.create(entity, row)
  }
  read(entity: string, id: string): Promise<Row | null> {
    return this.inner.read(entity, id)
  }

  async update(entity: string, id: string, patch: Row): Promise<Row | null> {
    const e = this.schema.entity.get(entity)
    if (!e || !CANONICAL_ID.test(id) || Object.keys(patch).length === 0)
      return this.inner.update(entity, id, patch)
    const byId: Cond = { kind: 'cmp', field: e.primary.name, op: 'eq', value: id }
    return this.inner.transaction(async (tx) =>
      (await tx.updateMany(entity, byId, patch)) === 0 ? null : tx.read(entity, id),
    )
  }

  delete(entity: string, id: string): Promise<boolean> {
    return this.inner.delete(entity, id)
  }
  list(entity: string, query: ListQuery): Promise<{ data: Row[]; total: number }> {
    return withSortSettings(this.conn, this.schema.entity.get(entity), query.sort, () =>
      this.inner.list(entity, query),
    )
  }
  count(entity: string, filter: Cond): Promise<number> {
    return this.inner.count(entity, filter)
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
    return this.inner.transaction((tx) => fn(new MariaDbPrisma(tx, this.schema, this.conn)))
  }
  close(): Promise<void> {
    return this.inner.close()
  }
}

export class ManagedMariaDbPrisma extends MariaDbPrisma implements ManagedAdapter {
  constructor(
    private readonly managed: ManagedAdapter,
    schema: Schema,
    conn: Conn,
  ) {
    super(managed, schema, conn)
  }
  migrate(): Promise<string[]> {
    return this.managed.migrate()
  }
  reset(): Promise<void> {
    return this.managed.reset()
  }
}
