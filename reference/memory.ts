/**
 * The reference adapter: every entity a Map of rows in memory, every rule of the contract checked the
 * obvious way. It is the oracle the other backends are compared with, so it favours clarity over speed.
 * Atomicity is a snapshot of all tables, restored on failure; one operation runs at a time.
 */
import {
  capabilitySet,
  type Adapter,
  type Capabilities,
  type FactoryOptions,
  type ManagedAdapter,
} from '../core/adapter.ts'
import { conflict, dangling, stillReferenced } from '../core/constraints.ts'
import { DBALError } from '../core/errors.ts'
import { parseSort, type Cond, type ListQuery } from '../core/query.ts'
import { schema as projectSchema, type Entity, type Schema } from '../core/schema.ts'
import type { Row } from '../core/validate.ts'
import { cloneJson } from '../core/values.ts'
import { comparator, matches } from './match.ts'

type Tables = Map<string, Map<string, Row>>

const copyRow = (r: Row): Row => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, cloneJson(v)]))
const copyTables = (t: Tables): Tables =>
  new Map([...t].map(([k, rows]) => [k, new Map([...rows].map(([id, r]) => [id, copyRow(r)]))]))

class Store {
  constructor(public tables: Tables) {}

  rows(e: Entity): Map<string, Row> {
    let m = this.tables.get(e.name)
    if (!m) this.tables.set(e.name, (m = new Map()))
    return m
  }

  /** Unique constraints hold (SQL semantics: a null never collides), except against `self`. */
  checkUnique(e: Entity, row: Row, self?: string): void {
    for (const u of e.uniques) {
      if (u.fields.some((f) => row[f.name] === null || row[f.name] === undefined)) continue
      for (const other of this.rows(e).values()) {
        if (other[e.primary.name] === self) continue
        if (u.fields.every((f) => other[f.name] === row[f.name])) throw conflict(e, u.fields)
      }
    }
  }

  /** Every non-null reference names an existing row. */
  checkReferences(e: Entity, row: Row, only?: Row): void {
    const missing = e.references.filter((r) => {
      const v = row[r.field.name]
      if ((only && !(r.field.name in only)) || v === null || v === undefined) return false
      return ![...this.rows(r.target).values()].some((x) => x[r.targetField.name] === v)
    })
    if (missing.length)
      throw dangling(
        e,
        missing.map((r) => r.field),
      )
  }

  insert(e: Entity, row: Row): Row {
    const id = row[e.primary.name] as string
    if (this.rows(e).has(id)) throw conflict(e, [e.primary])
    this.checkUnique(e, row)
    this.checkReferences(e, row)
    this.rows(e).set(id, copyRow(row))
    return copyRow(row)
  }

  patch(e: Entity, id: string, patch: Row): Row | null {
    const old = this.rows(e).get(id)
    if (!old) return null
    const next = { ...old, ...copyRow(patch) }
    this.checkUnique(e, next, id)
    this.checkReferences(e, next, patch)
    this.rows(e).set(id, next)
    this.cascadeUpdate(e, old, next)
    return copyRow(next)
  }

  /** A referenced value that changes follows ON UPDATE: cascade to the referencing rows, or refuse. */
  private cascadeUpdate(e: Entity, old: Row, next: Row): void {
    for (const ref of e.referrers) {
      const [re, f, t] = [ref.entity, ref.field, ref.targetField]
      if (old[t.name] === next[t.name]) continue
      const refs = [...this.rows(re).values()].filter((r) => r[f.name] === old[t.name])
      if (refs.length === 0) continue
      if (ref.onUpdate === 'restrict') throw stillReferenced(ref)
      for (const r of refs) this.patch(re, r[re.primary.name] as string, { [f.name]: next[t.name] })
    }
  }

  /** Deletes rows with ON DELETE CASCADE; a restricting reference from a surviving row refuses it all. */
  remove(e: Entity, ids: string[]): number {
    const doomed = new Map<Entity, Set<string>>()
    const visit = (ent: Entity, id: string) => {
      const set = doomed.get(ent) ?? new Set()
      doomed.set(ent, set)
      if (set.has(id)) return
      set.add(id)
      const row = this.rows(ent).get(id)!
      for (const ref of ent.referrers) {
        if (ref.onDelete !== 'cascade') continue
        const re = ref.entity
        for (const r of this.rows(re).values())
          if (r[ref.field.name] === row[ref.targetField.name]) visit(re, r[re.primary.name] as string)
      }
    }
    for (const id of ids) visit(e, id)
    for (const [ent, set] of doomed) {
      for (const id of set) {
        const row = this.rows(ent).get(id)!
        for (const ref of ent.referrers) {
          if (ref.onDelete !== 'restrict') continue
          const re = ref.entity
          const gone = doomed.get(re)
          for (const r of this.rows(re).values()) {
            if (r[ref.field.name] === row[ref.targetField.name] && !gone?.has(r[re.primary.name] as string))
              throw stillReferenced(ref)
          }
        }
      }
    }
    for (const [ent, set] of doomed) for (const id of set) this.rows(ent).delete(id)
    return ids.length
  }

  /**
   * The matching rows in the contract's default order (createdAt, id), not insertion order: bulk writes
   * meet their rows in this order, so the first row that fails, and the error details that name it, are
   * the same on every backend whatever order the rows were inserted in.
   */
  select(e: Entity, filter: Cond): Row[] {
    return [...this.rows(e).values()]
      .filter((r) => matches(filter, r))
      .sort(comparator(parseSort(e, undefined)))
  }
}

export class MemoryAdapter implements ManagedAdapter {
  readonly name: string = 'reference'
  readonly schema: Schema
  private store = new Store(new Map())
  private queue: Promise<unknown> = Promise.resolve()
  private inTransaction = false

  /** `schema` defaults to the project's schema/. */
  constructor(options: FactoryOptions = {}) {
    this.schema = options.schema ?? projectSchema
  }

  private entity(name: string): Entity {
    const e = this.schema.entity.get(name)
    if (!e) throw new DBALError('INTERNAL_ERROR', { entity: name, problem: 'unknown entity' })
    return e
  }

  /** Nothing to create: a table is a Map made on first use. */
  async migrate(): Promise<string[]> {
    return []
  }

  /** Empties every entity's rows. */
  reset(): Promise<void> {
    return this.run((s) => {
      s.tables = new Map()
    })
  }

  async capabilities(): Promise<Capabilities> {
    return capabilitySet(['transactions', 'nestedTransactions', 'jsonQueries', 'aggregations', 'relations'])
  }

  /** One operation at a time; a failed one leaves the tables as they were. */
  private run<T>(fn: (s: Store) => T | Promise<T>): Promise<T> {
    const exec = async () => {
      const before = copyTables(this.store.tables)
      try {
        return await fn(this.store)
      } catch (e) {
        this.store.tables = before
        throw e
      }
    }
    if (this.inTransaction) return exec()
    const next = this.queue.then(exec, exec)
    this.queue = next.catch(() => undefined)
    return next
  }

  create(entity: string, row: Row) {
    return this.run((s) => s.insert(this.entity(entity), row))
  }
  read(entity: string, id: string) {
    return this.run((s) => {
      const r = s.rows(this.entity(entity)).get(id)
      return r ? copyRow(r) : null
    })
  }
  update(entity: string, id: string, patch: Row) {
    return this.run((s) => s.patch(this.entity(entity), id, patch))
  }
  delete(entity: string, id: string) {
    return this.run((s) => {
      const e = this.entity(entity)
      return s.rows(e).has(id) ? s.remove(e, [id]) === 1 : false
    })
  }
  list(entity: string, q: ListQuery) {
    return this.run((s) => {
      const rows = s.select(this.entity(entity), q.filter).sort(comparator(q.sort))
      return { data: rows.slice(q.offset, q.offset + q.limit).map(copyRow), total: rows.length }
    })
  }
  count(entity: string, filter: Cond) {
    return this.run((s) => s.select(this.entity(entity), filter).length)
  }
  createMany(entity: string, rows: Row[]) {
    return this.run((s) => {
      for (const r of rows) s.insert(this.entity(entity), r)
      return rows.length
    })
  }
  updateMany(entity: string, filter: Cond, patch: Row) {
    return this.run((s) => {
      const e = this.entity(entity)
      const ids = s.select(e, filter).map((r) => r[e.primary.name] as string)
      for (const id of ids) s.patch(e, id, patch)
      return ids.length
    })
  }
  deleteMany(entity: string, filter: Cond) {
    return this.run((s) => {
      const e = this.entity(entity)
      return s.remove(
        e,
        s.select(e, filter).map((r) => r[e.primary.name] as string),
      )
    })
  }
  transaction<T>(fn: (tx: Adapter) => Promise<T>): Promise<T> {
    return this.run((s) => {
      const tx = new MemoryAdapter({ schema: this.schema })
      tx.store = s
      tx.inTransaction = true
      return fn(tx)
    })
  }
  async close(): Promise<void> {
    this.store = new Store(new Map())
  }
}
