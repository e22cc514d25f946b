/**
 * On MariaDB, a delete that cascades into a self-referencing tree (components under components) first
 * deletes that tree deepest level first: InnoDB refuses a cascade more than 15 levels deep, the
 * reference has no such limit. What the delete takes with it is found by queries.
 */
import { Op, type Transaction, type WhereOptions } from 'sequelize'
import type { Entity, Reference } from '../../core/schema.ts'
import type { Row } from '../../core/validate.ts'
import type { Db } from './db.ts'

/** Rows by entity and id (raw, keyed by attribute): the matches of `where` and their cascaded dependants. */
async function cascadeClosure(
  db: Db,
  e: Entity,
  where: WhereOptions,
  t: Transaction | undefined,
): Promise<Map<string, Map<string, Row>>> {
  const doomed = new Map<string, Map<string, Row>>()
  const queue: [Entity, WhereOptions][] = [[e, where]]
  for (let next = queue.shift(); next; next = queue.shift()) {
    const [ent, w] = next
    const rows = (await db.model(ent).findAll({ where: w, raw: true, transaction: t })) as unknown as Row[]
    const seen = doomed.get(ent.name) ?? new Map<string, Row>()
    doomed.set(ent.name, seen)
    const fresh = rows.filter((r) => !seen.has(r[ent.primary.name] as string))
    for (const r of fresh) seen.set(r[ent.primary.name] as string, r)
    if (fresh.length === 0) continue
    for (const r of ent.referrers) {
      if (r.onDelete === 'cascade')
        queue.push([r.entity, { [r.field.name]: { [Op.in]: fresh.map((x) => x[r.targetField.name]) } }])
    }
  }
  return doomed
}

/** A foreign key of an entity to itself that cascades on delete: a tree. */
const isTree = (r: Reference): boolean => r.target === r.entity && r.onDelete === 'cascade'

/** Can deleting rows of `e` cascade into a self-referencing tree? */
export function reachesTree(e: Entity): boolean {
  const seen = new Set<Entity>()
  const visit = (x: Entity): boolean => {
    if (seen.has(x)) return false
    seen.add(x)
    return x.referrers.some((r) => r.onDelete === 'cascade' && (isTree(r) || visit(r.entity)))
  }
  return visit(e)
}

/** Deletes the rows a delete of `where` would cascade to in self-referencing trees, leaves first, keeping the tops. */
export async function unwindTrees(
  db: Db,
  e: Entity,
  where: WhereOptions,
  t: Transaction | undefined,
): Promise<void> {
  const doomed = await cascadeClosure(db, e, where, t)
  for (const { entity: tree, field: f, targetField } of db.schema.entities.flatMap((x) =>
    x.references.filter(isTree),
  )) {
    const rows = doomed.get(tree.name)
    if (!rows?.size) continue
    const pk = tree.primary.name
    const key = targetField.name
    const children = new Map<unknown, string[]>()
    for (const r of rows.values())
      children.set(r[f.name], [...(children.get(r[f.name]) ?? []), r[pk] as string])
    // Levels from the tops (rows whose parent is not deleted with them) down.
    const levels: string[][] = [
      [...rows.values()].filter((r) => !rows.has(r[f.name] as string)).map((r) => r[pk] as string),
    ]
    while (levels.at(-1)!.length)
      levels.push(levels.at(-1)!.flatMap((id) => children.get(rows.get(id)![key]) ?? []))
    for (const level of levels.slice(1).reverse())
      if (level.length) await db.model(tree).destroy({ where: { [pk]: level }, transaction: t })
  }
}
