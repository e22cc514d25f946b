/**
 * The reference adapter: every entity a Map of rows in memory, every rule of the contract checked the
 * obvious way. It is the oracle the other backends are compared with, so it favours clarity over speed.
 * Atomicity is a snapshot of all tables, restored on failure; one operation runs at a time.
 */
import { capabilitySet, type Adapter, type Capabilities } from '../core/adapter.ts'
import { DBALError } from '../core/errors.ts'
import { parseSort, type Cond, type ListQuery } from '../core/query.ts'
import { entityOf, schema, type Entity, type Field } from '../core/schema.ts'
import type { Row } from '../core/validate.ts'
import { cloneJson } from '../core/values.ts'
import { comparator, matches } from './match.ts'

type Tables = Map<string, Map<string, Row>>

const copyRow = (r: Row): Row => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, cloneJson(v)]))
const copyTables = (t: Tables): Tables =>
  new Map([...t].map(([k, rows]) => [k, new Map([...rows].map(([id, r]) => [id, copyRow(r)]))]))

/** Every foreign key in the schema that points at `target`. */
const referencing = (target: Entity) =>
  schema.entities.flatMap((e) =>
    e.foreignKeys.filter((f) => f.foreignKey!.entity === target.name).map((f) => ({ e, f })),
  )

const targetField = (f: Field): Field =>
  entityOf(f.foreignKey!.entity).fields.find((x) => x.column === f.foreignKey!.field)!

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
        if (u.fields.every((f) => other[f.name] === row[f.name]))
          throw new DBALError('CONFLICT', { entity: e.name, unique: u.fields.map((f) => f.name) })
      }
    }
  }

  /** Every non-null reference names an existing row. */
  checkReferences(e: Entity, row: Row, only?: Row): void {
    const fields = []
    for (const f of e.foreignKeys) {
      if (only && !(f.name in only)) continue
      const v = row[f.name]
      if (v === null || v === undefined) continue
      const t = targetField(f)
      const target = entityOf(f.foreignKey!.entity)
      const found = [...this.rows(target).values()].some((r) => r[t.name] === v)
      if (!found) fields.push({ field: f.name, error: `references a missing ${target.name}` })
    }
    if (fields.length) throw new DBALError('VALIDATION_ERROR', { entity: e.name, fields })
  }

  insert(e: Entity, row: Row): Row {
    const id = row[e.primary.name] as string
    if (this.rows(e).has(id)) throw new DBALError('CONFLICT', { entity: e.name, unique: [e.primary.name] })
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
    for (const { e: re, f } of referencing(e)) {
      const t = targetField(f)
      if (old[t.name] === next[t.name]) continue
      const refs = [...this.rows(re).values()].filter((r) => r[f.name] === old[t.name])
      if (refs.length === 0) continue
      if (f.foreignKey!.onUpdate === 'restrict')
        throw new DBALError('CONFLICT', { entity: e.name, referencedBy: `${re.name}.${f.name}` })
      for (const r of refs) this.patch(re, r[re.primary.name] as string, { [f.name]: next[t.name] })
    }
  }

  /** Deletes rows with ON DELETE CASCADE; a restricting reference from a surviving row refuses it all. */
  remove(e: Entity, ids: string[]): number {
    const doomed = new Map<string, Set<string>>()
    const visit = (ent: Entity, id: string) => {
      const set = doomed.get(ent.name) ?? new Set()
      doomed.set(ent.name, set)
      if (set.has(id)) return
      set.add(id)
      const row = this.rows(ent).get(id)!
      for (const { e: re, f } of referencing(ent)) {
        if (f.foreignKey!.onDelete !== 'cascade') continue
        const t = targetField(f)
        for (const r of this.rows(re).values())
          if (r[f.name] === row[t.name]) visit(re, r[re.primary.name] as string)
      }
    }
    for (const id of ids) visit(e, id)
    for (const [name, set] of doomed) {
      const ent = entityOf(name)
      for (const id of set) {
        const row = this.rows(ent).get(id)!
        for (const { e: re, f } of referencing(ent)) {
          if (f.foreignKey!.onDelete !== 'restrict') continue
          const t = targetField(f)
          const gone = doomed.get(re.name)
          for (const r of this.rows(re).values()) {
            if (r[f.name] === row[t.name] && !gone?.has(r[re.primary.name] as string))
              throw new DBALError('CONFLICT', { entity: ent.name, referencedBy: `${re.name}.${f.name}` })
          }
        }
      }
    }
    for (const [name, set] of doomed) for (const id of set) this.rows(entityOf(name)).delete(id)
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

export class MemoryAdapter implements Adapter {
  readonly name: string = 'reference'
  private store = new Store(new Map())
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    private readonly inTransaction = false,
    store?: Store,
  ) {
    if (store) this.store = store
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
    return this.run((s) => s.insert(entityOf(entity), row))
  }
  read(entity: string, id: string) {
    return this.run((s) => {
      const r = s.rows(entityOf(entity)).get(id)
      return r ? copyRow(r) : null
    })
  }
  update(entity: string, id: string, patch: Row) {
    return this.run((s) => s.patch(entityOf(entity), id, patch))
  }
  delete(entity: string, id: string) {
    return this.run((s) => {
      const e = entityOf(entity)
      return s.rows(e).has(id) ? s.remove(e, [id]) === 1 : false
    })
  }
  list(entity: string, q: ListQuery) {
    return this.run((s) => {
      const rows = s.select(entityOf(entity), q.filter).sort(comparator(q.sort))
      return { data: rows.slice(q.offset, q.offset + q.limit).map(copyRow), total: rows.length }
    })
  }
  count(entity: string, filter: Cond) {
    return this.run((s) => s.select(entityOf(entity), filter).length)
  }
  createMany(entity: string, rows: Row[]) {
    return this.run((s) => {
      for (const r of rows) s.insert(entityOf(entity), r)
      return rows.length
    })
  }
  updateMany(entity: string, filter: Cond, patch: Row) {
    return this.run((s) => {
      const e = entityOf(entity)
      const ids = s.select(e, filter).map((r) => r[e.primary.name] as string)
      for (const id of ids) s.patch(e, id, patch)
      return ids.length
    })
  }
  deleteMany(entity: string, filter: Cond) {
    return this.run((s) => {
      const e = entityOf(entity)
      return s.remove(
        e,
        s.select(e, filter).map((r) => r[e.primary.name] as string),
      )
    })
  }
  transaction<T>(fn: (tx: Adapter) => Promise<T>): Promise<T> {
    return this.run((s) => fn(new MemoryAdapter(true, s)))
  }
  async close(): Promise<void> {
    this.store = new Store(new Map())
  }
}
