/**
 * A constraint the database refused, turned into the reference's error. The native error says too little
 * (SQLite names no foreign key; PostgreSQL names one constraint where the reference lists every dangling
 * field, and checks uniques in its own order), so after the failed statement is rolled back the write is
 * replayed as lookups, in the reference's order: primary key, each unique, each reference, per row.
 * Only if that finds nothing (a concurrent change) does the native error's own constraint name decide.
 */
import { DBALError, type FieldError } from '../../core/errors.ts'
import type { Cond } from '../../core/query.ts'
import type { Entity, Field, Schema } from '../../core/schema.ts'
import type { Row } from '../../core/validate.ts'
import { constraints } from './ddl.ts'

/** What an adapter's errors.ts makes of a native error. */
export type Fault =
  | { readonly kind: 'unique'; readonly constraint?: string; readonly columns?: readonly string[] }
  | { readonly kind: 'reference'; readonly constraint?: string }
  | { readonly kind: 'error'; readonly error: DBALError }

/** The failed write, as the reference would have performed it. */
export type Write =
  | { readonly kind: 'insert'; readonly rows: readonly Row[] }
  | { readonly kind: 'patch'; readonly filter: Cond; readonly patch: Row }
  | { readonly kind: 'delete'; readonly filter: Cond }

export interface Lookup {
  exists(e: Entity, filter: Cond): Promise<boolean>
  /** Rows matching `filter` in creation order. */
  rows(e: Entity, filter: Cond, limit: number): Promise<Row[]>
}

/** Replaying more rows than this costs more than the exact detail is worth. */
const MAX_REPLAY = 1000

const eq = (field: string, value: unknown): Cond => ({ kind: 'cmp', field, op: 'eq', value })
const notIn = (field: string, values: unknown[]): Cond => ({ kind: 'cmp', field, op: 'nin', value: values })
const all = (...items: Cond[]): Cond => ({ kind: 'and', items })
const target = (s: Schema, f: Field) => {
  const t = s.entity.get(f.foreignKey!.entity)!
  return { t, tf: t.fields.find((x) => x.column === f.foreignKey!.field)! }
}
const conflict = (e: Entity, fields: readonly Field[]) =>
  new DBALError('CONFLICT', { entity: e.name, unique: fields.map((f) => f.name) })
const referenced = (e: Entity, by: Entity, f: Field) =>
  new DBALError('CONFLICT', { entity: e.name, referencedBy: `${by.name}.${f.name}` })

class Replay {
  constructor(
    private readonly s: Schema,
    private readonly x: Lookup,
    private readonly e: Entity,
  ) {}

  /** The first unique `row` collides on: DB rows not in `replaced`, or rows in `mine` (already written). */
  async collision(
    row: Row,
    self: string | undefined,
    mine: readonly Row[],
  ): Promise<readonly Field[] | undefined> {
    const e = this.e
    const id = e.primary.name
    const replaced = mine.map((r) => r[id])
    const candidates =
      self === undefined ? [[e.primary], ...e.uniques.map((u) => u.fields)] : e.uniques.map((u) => u.fields)
    for (const fields of candidates) {
      if (fields.some((f) => row[f.name] === null || row[f.name] === undefined)) continue
      const same = (r: Row) => r[id] !== self && fields.every((f) => r[f.name] === row[f.name])
      if (mine.some(same)) return fields
      const others = self === undefined ? replaced : [...replaced, self]
      if (await this.x.exists(e, all(...fields.map((f) => eq(f.name, row[f.name])), notIn(id, others))))
        return fields
    }
    return undefined
  }

  /** Every reference of `row` (among `fields`) that names no existing row. */
  async dangling(row: Row, fields: readonly Field[], mine: readonly Row[]): Promise<FieldError[]> {
    const out: FieldError[] = []
    for (const f of fields) {
      const v = row[f.name]
      if (v === null || v === undefined) continue
      const { t, tf } = target(this.s, f)
      const found =
        (t === this.e && mine.some((r) => r[tf.name] === v)) || (await this.x.exists(t, eq(tf.name, v)))
      if (!found) out.push({ field: f.name, error: `references a missing ${t.name}` })
    }
    return out
  }

  /** Foreign keys pointing at this entity. */
  referencing(action: 'onDelete' | 'onUpdate'): { re: Entity; f: Field }[] {
    return this.s.entities.flatMap((re) =>
      re.foreignKeys
        .filter((f) => f.foreignKey!.entity === this.e.name && f.foreignKey![action] === 'restrict')
        .map((f) => ({ re, f })),
    )
  }

  async blocked(row: Row, action: 'onDelete' | 'onUpdate', next?: Row): Promise<DBALError | undefined> {
    for (const { re, f } of this.referencing(action)) {
      const { tf } = target(this.s, f)
      if (next && next[tf.name] === row[tf.name]) continue
      if (await this.x.exists(re, eq(f.name, row[tf.name]))) return referenced(this.e, re, f)
    }
    return undefined
  }

  async run(w: Write): Promise<DBALError | undefined> {
    const e = this.e
    if (w.kind === 'insert') {
      const mine: Row[] = []
      for (const row of w.rows) {
        const u = await this.collision(row, undefined, mine)
        if (u) return conflict(e, u)
        const fields = await this.dangling(row, e.foreignKeys, mine)
        if (fields.length) return new DBALError('VALIDATION_ERROR', { entity: e.name, fields })
        mine.push(row)
      }
      return undefined
    }
    const rows = await this.x.rows(e, w.filter, MAX_REPLAY)
    if (w.kind === 'delete') {
      for (const row of rows) {
        const b = await this.blocked(row, 'onDelete')
        if (b) return b
      }
      return undefined
    }
    const patched = e.foreignKeys.filter((f) => f.name in w.patch)
    const mine: Row[] = []
    for (const old of rows) {
      const next = { ...old, ...w.patch }
      const u = await this.collision(next, old[e.primary.name] as string, mine)
      if (u) return conflict(e, u)
      const fields = await this.dangling(next, patched, [])
      if (fields.length) return new DBALError('VALIDATION_ERROR', { entity: e.name, fields })
      const b = await this.blocked(old, 'onUpdate', next)
      if (b) return b
      mine.push(next)
    }
    return undefined
  }
}

/** What the native error itself says, when replaying found nothing. */
function fallback(s: Schema, e: Entity, fault: Exclude<Fault, { kind: 'error' }>, w: Write): DBALError {
  const c = fault.constraint === undefined ? undefined : constraints(s).get(fault.constraint)
  if (fault.kind === 'unique') {
    const cols = fault.columns?.join(',')
    const fields =
      c?.fields ??
      [[e.primary], ...e.uniques.map((u) => u.fields)].find(
        (fs) => fs.map((f) => f.column).join(',') === cols,
      )
    return new DBALError(
      'CONFLICT',
      fields ? { entity: e.name, unique: fields.map((f) => f.name) } : { entity: e.name },
    )
  }
  const f = c?.kind === 'foreignKey' ? c.fields[0] : undefined
  if (w.kind === 'delete' || (c && c.entity !== e)) {
    const by = c?.entity
    const to = f ? s.entity.get(f.foreignKey!.entity)!.name : e.name
    return new DBALError(
      'CONFLICT',
      by && f ? { entity: to, referencedBy: `${by.name}.${f.name}` } : { entity: e.name },
    )
  }
  const fields = f ? [f] : e.foreignKeys.filter((x) => w.kind === 'insert' || x.name in w.patch)
  return new DBALError('VALIDATION_ERROR', {
    entity: e.name,
    fields: fields.map((x) => ({ field: x.name, error: `references a missing ${x.foreignKey!.entity}` })),
  })
}

/** The DBALError for a failed write; lookups run after the failed statement was rolled back. */
export async function explain(s: Schema, x: Lookup, e: Entity, fault: Fault, w: Write): Promise<DBALError> {
  if (fault.kind === 'error') return fault.error
  try {
    const found = await new Replay(s, x, e).run(w)
    if (found) return found
  } catch {
    // The lookups failed too (the connection went away): the native error's own words must do.
  }
  return fallback(s, e, fault, w)
}
