/**
 * SQLite reports a foreign key violation without saying which key ("FOREIGN KEY constraint failed"), and
 * of a row that breaks several unique keys it names the last one created, not the first. After such a
 * failure (the statement is undone, the transaction goes on) these queries find the answer the
 * reference gives: which fields dangle, which reference blocks a delete, which unique key comes first.
 * PostgreSQL and MariaDB name the constraint in the reference's order and never get here.
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

/** The first restricting reference that keeps the rows matching `where`, with their cascades, alive. */
export async function blockingReference(
  db: Tables,
  e: Entity,
  where: WhereOptions,
  t: Transaction | undefined,
): Promise<{ entity: Entity; by: { entity: Entity; field: Field } } | undefined> {
  const doomed = await cascadeClosure(db, e, where, t)
  for (const [name, rows] of doomed) {
    const ent = entityOf(name)
    for (const { e: re, f } of referencing(ent)) {
      if (f.foreignKey!.onDelete !== 'restrict') continue
      const values = [...rows.values()].map((r) => r[targetField(f).name])
      const gone = [...(doomed.get(re.name)?.keys() ?? [])]
      const where: WhereOptions = gone.length
        ? { [f.name]: { [Op.in]: values }, [re.primary.name]: { [Op.notIn]: gone } }
        : { [f.name]: { [Op.in]: values } }
      const n = await db.model(re).count({ where, transaction: t })
      if (n > 0) return { entity: ent, by: { entity: re, field: f } }
    }
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
