/**
 * What a delete takes with it through ON DELETE CASCADE, found by queries. Used to explain SQLite's
 * nameless foreign key errors (diagnose.ts), and on MariaDB to delete a self-referencing tree (components
 * under components) deepest level first: InnoDB refuses a cascade more than 15 levels deep, the
 * reference has no such limit.
 */
import { Op, type Transaction, type WhereOptions } from 'sequelize'
import { entityOf, schema, type Entity } from '../../core/schema.ts'
import type { Row } from '../../core/validate.ts'
import type { Tables } from './diagnose.ts'
import { referencing, targetField } from './models.ts'

/** Rows by entity and id (raw, keyed by attribute): the matches of `where` and their cascaded dependants. */
export async function cascadeClosure(
  db: Tables,
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
    for (const { e: re, f } of referencing(ent)) {
      if (f.foreignKey!.onDelete === 'cascade')
        queue.push([re, { [f.name]: { [Op.in]: fresh.map((r) => r[targetField(f).name]) } }])
    }
  }
  return doomed
}

/** Entities with a foreign key to themselves that cascades on delete, and that key's field. */
const selfCascading = schema.entities.flatMap((x) =>
  x.foreignKeys
    .filter((f) => f.foreignKey!.entity === x.name && f.foreignKey!.onDelete === 'cascade')
    .map((f) => ({ e: x, f })),
)

/** Can deleting rows of `e` cascade into a self-referencing tree? */
export function reachesTree(e: Entity): boolean {
  const seen = new Set<string>()
  const visit = (x: Entity): boolean => {
    if (seen.has(x.name)) return false
    seen.add(x.name)
    return (
      selfCascading.some((s) => s.e === x) ||
      referencing(x).some(({ e: re, f }) => f.foreignKey!.onDelete === 'cascade' && visit(re))
    )
  }
  return visit(e)
}

/** Deletes the rows a delete of `where` would cascade to in self-referencing trees, leaves first, keeping the tops. */
export async function unwindTrees(
  db: Tables,
  e: Entity,
  where: WhereOptions,
  t: Transaction | undefined,
): Promise<void> {
  const doomed = await cascadeClosure(db, e, where, t)
  for (const { e: tree, f } of selfCascading) {
    const rows = doomed.get(tree.name)
    if (!rows?.size) continue
    const pk = tree.primary.name
    const key = targetField(f).name
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
      if (level.length)
        await db.model(entityOf(tree.name)).destroy({ where: { [pk]: level }, transaction: t })
  }
}
