/**
 * SQLite reports a foreign key violation without saying which key ("FOREIGN KEY constraint failed"), and
 * of a row that breaks several unique keys it names the last one created, not the first. After such a
 * failure (the statement is undone, the transaction goes on) these queries find the answer the
 * reference gives: which fields dangle, which reference blocks a delete, which unique key comes first.
 * PostgreSQL and MariaDB name the constraint, but of a delete that several references block they name
 * the one they met first: a blocked deleteMany is explained here on every dialect.
 */
import { Op, type Transaction, type WhereOptions } from 'sequelize'
import { entityOf, type Entity, type Field } from '../../core/schema.ts'
import type { Row } from '../../core/validate.ts'
import { toStorage } from './codec.ts'
import type { DialectSpec } from './dialect.ts'
import { cascadeClosure } from './cascade.ts'
import { referencing, targetField, type EntityModel } from './models.ts'

export interface Tables {
  readonly spec: DialectSpec
  model(e: Entity): EntityModel
}

/** The reference fields of `row` (only those it contains) that name no existing row. */
export async function danglingFields(
  db: Tables,
  e: Entity,
  row: Row,
  t: Transaction | undefined,
): Promise<Field[]> {
  const out: Field[] = []
  for (const f of e.foreignKeys) {
    const v = row[f.name]
    if (v === null || v === undefined) continue
    const tf = targetField(f)
    const n = await db
      .model(entityOf(f.foreignKey!.entity))
      .count({ where: { [tf.name]: toStorage(db.spec, tf, v) }, transaction: t })
    if (n === 0) out.push(f)
  }
  return out
}

/** A raw timestamp (a Date, or text in one format per dialect) as something that sorts in time order. */
const instant = (v: unknown) => (v instanceof Date ? v.toISOString() : String(v))

/**
 * The first restricting reference that keeps the rows matching `where`, with their cascades, alive:
 * the reference's answer, which meets the rows in the contract's order (createdAt, then id) and, per row,
 * the references in schema order. Asked after the failed delete was rolled back: the database itself
 * names whichever referencing row it met first, which need not be that one.
 */
export async function blockingReference(
  db: Tables,
  e: Entity,
  where: WhereOptions,
  t: Transaction | undefined,
): Promise<{ entity: Entity; by: { entity: Entity; field: Field } } | undefined> {
  const doomed = await cascadeClosure(db, e, where, t)
  for (const [name, rows] of doomed) {
    const ent = entityOf(name)
    const created = ent.fields.find((f) => f.name === 'createdAt')
    // Per restricting reference, the referenced values that a surviving row still holds: one query each.
    const held: { re: Entity; f: Field; values: Set<unknown> }[] = []
    for (const { e: re, f } of referencing(ent)) {
      if (f.foreignKey!.onDelete !== 'restrict') continue
      const values = [...rows.values()].map((r) => r[targetField(f).name])
      const gone = [...(doomed.get(re.name)?.keys() ?? [])]
      const w: WhereOptions = gone.length
        ? { [f.name]: { [Op.in]: values }, [re.primary.name]: { [Op.notIn]: gone } }
        : { [f.name]: { [Op.in]: values } }
      const found = (await db
        .model(re)
        .findAll({ where: w, attributes: [f.name], raw: true, transaction: t })) as unknown as Row[]
      if (found.length) held.push({ re, f, values: new Set(found.map((r) => r[f.name])) })
    }
    if (held.length === 0) continue
    const ordered = [...rows.values()].sort((a, b) => {
      const [x, y] = created ? [instant(a[created.name]), instant(b[created.name])] : ['', '']
      const [i, j] = [String(a[ent.primary.name]), String(b[ent.primary.name])]
      return x < y ? -1 : x > y ? 1 : i < j ? -1 : i > j ? 1 : 0
    })
    for (const row of ordered)
      for (const h of held)
        if (h.values.has(row[targetField(h.f).name])) return { entity: ent, by: { entity: h.re, field: h.f } }
  }
  return undefined
}

/**
 * The first unique key, in schema order, that `row` (a new row, or the patch of row `id`) collides with:
 * the key the reference reports when a row breaks several.
 */
export async function firstConflict(
  db: Tables,
  e: Entity,
  row: Row,
  id: string | undefined,
  t: Transaction | undefined,
): Promise<readonly Field[] | undefined> {
  const pk = e.primary.name
  const old =
    id === undefined
      ? {}
      : (((await db.model(e).findOne({ where: { [pk]: id }, raw: true, transaction: t })) ?? {}) as Row)
  for (const u of [[e.primary], ...e.uniques.map((x) => x.fields)]) {
    if (id !== undefined && !u.some((f) => f.name in row)) continue
    const value = (f: Field) => (f.name in row ? toStorage(db.spec, f, row[f.name]) : old[f.name])
    if (u.some((f) => value(f) === null || value(f) === undefined)) continue
    const where: WhereOptions = Object.fromEntries(u.map((f) => [f.name, value(f)]))
    const others = id === undefined ? where : { [Op.and]: [where, { [pk]: { [Op.ne]: id } }] }
    if ((await db.model(e).count({ where: others, transaction: t })) > 0) return u
  }
  return undefined
}
