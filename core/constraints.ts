/**
 * A write the database refused on a constraint, explained as the reference would have refused it. A
 * native error says too little (SQLite names no foreign key; PostgreSQL names one constraint where the
 * reference lists every dangling field, and checks uniques in its own order; of a delete that several
 * references block, every engine names the one it met first), so once the failed statement is rolled
 * back the write is replayed as lookups in the reference's order: primary key, each unique, each
 * reference, per row; for a delete, the rows its cascades take with it, then the first restricting
 * reference a surviving row holds. Only if that finds nothing (a concurrent change) does the native
 * error's own constraint name decide. Every adapter answers the same small lookup (`ConstraintLookup`).
 */
import { DBALError } from './errors.ts'
import type { Cond } from './query.ts'
import type { Entity, Field, Reference, Schema } from './schema.ts'
import type { Row } from './validate.ts'

/** What an adapter's error mapping makes of a native error. */
export type Fault =
  | { readonly kind: 'unique'; readonly constraint?: string; readonly columns?: readonly string[] }
  | { readonly kind: 'reference'; readonly constraint?: string }
  | { readonly kind: 'error'; readonly error: DBALError }

/** The failed write, as the reference would have performed it (values in wire form). */
export type Write =
  | { readonly kind: 'insert'; readonly rows: readonly Row[] }
  | { readonly kind: 'patch'; readonly filter: Cond; readonly patch: Row }
  | { readonly kind: 'delete'; readonly filter: Cond }

/** What the replay asks the database; rows in wire form. */
export interface ConstraintLookup {
  /** The rows of `e` matching `filter` in the contract's order (createdAt, then id), at most `limit`. */
  rows(e: Entity, filter: Cond, limit: number): Promise<Row[]>
  /** Whether a row matches; where absent, `rows(e, filter, 1)`. */
  exists?(e: Entity, filter: Cond): Promise<boolean>
}

/** Replaying more rows than this costs more than the exact detail is worth. */
const MAX_REPLAY = 1000

const eq = (field: string, value: unknown): Cond => ({ kind: 'cmp', field, op: 'eq', value })
const within = (field: string, op: 'in' | 'nin', values: unknown[]): Cond => ({
  kind: 'cmp',
  field,
  op,
  value: values,
})
const all = (...items: Cond[]): Cond => ({ kind: 'and', items })

/** A unique key collides: CONFLICT naming its fields. */
export const conflict = (e: Entity, fields: readonly Field[], cause?: unknown): DBALError =>
  new DBALError('CONFLICT', { entity: e.name, unique: fields.map((f) => f.name) }, { cause })

/** References naming no row: VALIDATION_ERROR naming each field. */
export const dangling = (e: Entity, fields: readonly Field[], cause?: unknown): DBALError =>
  new DBALError(
    'VALIDATION_ERROR',
    {
      entity: e.name,
      fields: fields.map((f) => ({ field: f.name, error: `references a missing ${f.foreignKey!.entity}` })),
    },
    { cause },
  )

/** A row of `r.target` is still referenced through `r`: CONFLICT naming the referrer. */
export const stillReferenced = (r: Reference, cause?: unknown): DBALError =>
  new DBALError(
    'CONFLICT',
    { entity: r.target.name, referencedBy: `${r.entity.name}.${r.field.name}` },
    { cause },
  )

class Replay {
  constructor(
    private readonly x: ConstraintLookup,
    private readonly e: Entity,
  ) {}

  private exists(e: Entity, filter: Cond): Promise<boolean> {
    return this.x.exists ? this.x.exists(e, filter) : this.x.rows(e, filter, 1).then((r) => r.length > 0)
  }

  /** The first unique `row` collides on: DB rows not in `mine` (already written), or rows in `mine`. */
  async collision(
    row: Row,
    self: string | undefined,
    mine: readonly Row[],
  ): Promise<readonly Field[] | undefined> {
    const e = this.e
    const id = e.primary.name
    const others = [...mine.map((r) => r[id]), ...(self === undefined ? [] : [self])]
    const candidates =
      self === undefined ? [[e.primary], ...e.uniques.map((u) => u.fields)] : e.uniques.map((u) => u.fields)
    for (const fields of candidates) {
      if (fields.some((f) => row[f.name] === null || row[f.name] === undefined)) continue
      const same = (r: Row) => r[id] !== self && fields.every((f) => r[f.name] === row[f.name])
      if (mine.some(same)) return fields
      if (await this.exists(e, all(...fields.map((f) => eq(f.name, row[f.name])), within(id, 'nin', others))))
        return fields
    }
    return undefined
  }

  /** Every reference of `row` (among `refs`) that names no existing row. */
  async dangling(row: Row, refs: readonly Reference[], mine: readonly Row[]): Promise<Field[]> {
    const out: Field[] = []
    for (const r of refs) {
      const v = row[r.field.name]
      if (v === null || v === undefined) continue
      const tf = r.targetField.name
      const found =
        (r.target === this.e && mine.some((m) => m[tf] === v)) || (await this.exists(r.target, eq(tf, v)))
      if (!found) out.push(r.field)
    }
    return out
  }

  /** A restricting reference that keeps `old` from becoming `next`. */
  async blockedUpdate(old: Row, next: Row): Promise<DBALError | undefined> {
    for (const r of this.e.referrers) {
      const tf = r.targetField.name
      if (r.onUpdate !== 'restrict' || next[tf] === old[tf]) continue
      if (await this.exists(r.entity, eq(r.field.name, old[tf]))) return stillReferenced(r)
    }
    return undefined
  }

  /** The rows a delete takes with it through ON DELETE CASCADE, by entity, each in the contract's order. */
  async doomed(rows: Row[]): Promise<Map<Entity, Map<unknown, Row>>> {
    const out = new Map<Entity, Map<unknown, Row>>()
    const queue: [Entity, Row[]][] = [[this.e, rows]]
    let budget = MAX_REPLAY
    for (let next = queue.shift(); next && budget > 0; next = queue.shift()) {
      const [ent, found] = next
      const seen = out.get(ent) ?? new Map<unknown, Row>()
      out.set(ent, seen)
      const fresh = found.filter((r) => !seen.has(r[ent.primary.name]))
      for (const r of fresh) seen.set(r[ent.primary.name], r)
      budget -= fresh.length
      if (fresh.length === 0) continue
      for (const r of ent.referrers) {
        if (r.onDelete !== 'cascade') continue
        const values = fresh.map((x) => x[r.targetField.name])
        queue.push([r.entity, await this.x.rows(r.entity, within(r.field.name, 'in', values), budget)])
      }
    }
    return out
  }

  /** The first restricting reference a surviving row holds to a row the delete (with its cascades) removes. */
  async blockedDelete(rows: Row[]): Promise<DBALError | undefined> {
    const doomed = await this.doomed(rows)
    for (const [ent, gone] of doomed) {
      const held: { r: Reference; values: Set<unknown> }[] = []
      for (const r of ent.referrers) {
        if (r.onDelete !== 'restrict') continue
        const values = [...gone.values()].map((x) => x[r.targetField.name])
        const spared = [...(doomed.get(r.entity)?.keys() ?? [])]
        const f = within(r.field.name, 'in', values)
        const w = spared.length ? all(f, within(r.entity.primary.name, 'nin', spared)) : f
        const found = await this.x.rows(r.entity, w, MAX_REPLAY)
        if (found.length) held.push({ r, values: new Set(found.map((x) => x[r.field.name])) })
      }
      for (const row of gone.values())
        for (const h of held) if (h.values.has(row[h.r.targetField.name])) return stillReferenced(h.r)
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
        const fields = await this.dangling(row, e.references, mine)
        if (fields.length) return dangling(e, fields)
        mine.push(row)
      }
      return undefined
    }
    const rows = await this.x.rows(e, w.filter, MAX_REPLAY)
    if (w.kind === 'delete') return this.blockedDelete(rows)
    const patched = e.references.filter((r) => r.field.name in w.patch)
    const mine: Row[] = []
    for (const old of rows) {
      const next = { ...old, ...w.patch }
      const u = await this.collision(next, old[e.primary.name] as string, mine)
      if (u) return conflict(e, u)
      const fields = await this.dangling(next, patched, [])
      if (fields.length) return dangling(e, fields)
      const b = await this.blockedUpdate(old, next)
      if (b) return b
      mine.push(next)
    }
    return undefined
  }
}

/** The reference's error for a write that failed on a constraint; undefined when the replay finds none. */
export async function replay(x: ConstraintLookup, e: Entity, w: Write): Promise<DBALError | undefined> {
  try {
    return await new Replay(x, e).run(w)
  } catch {
    // The lookups failed too (the connection went away): the native error's own words must do.
    return undefined
  }
}

/** What the native error itself says, when replaying found nothing. */
export function fallback(
  s: Schema,
  e: Entity,
  fault: Exclude<Fault, { kind: 'error' }>,
  w: Write,
): DBALError {
  const c = fault.constraint === undefined ? undefined : s.constraints.get(fault.constraint)
  if (fault.kind === 'unique') {
    const cols = fault.columns?.join(',')
    const fields =
      c?.fields ??
      [[e.primary], ...e.uniques.map((u) => u.fields)].find(
        (fs) => fs.map((f) => f.column).join(',') === cols,
      )
    return fields ? conflict(e, fields) : new DBALError('CONFLICT', { entity: e.name })
  }
  const r = c?.reference
  if (w.kind === 'delete' || (c && c.entity !== e))
    return r ? stillReferenced(r) : new DBALError('CONFLICT', { entity: e.name })
  return dangling(e, r ? [r.field] : e.foreignKeys.filter((x) => w.kind === 'insert' || x.name in w.patch))
}

/** The DBALError for a failed write; lookups run after the failed statement was rolled back. */
export async function explain(
  s: Schema,
  x: ConstraintLookup,
  e: Entity,
  fault: Fault,
  w: Write,
): Promise<DBALError> {
  if (fault.kind === 'error') return fault.error
  return (await replay(x, e, w)) ?? fallback(s, e, fault, w)
}
