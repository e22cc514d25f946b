/**
 * The facts about a schema that need all of it, computed once when it loads (core/schema.ts) so that no
 * backend family derives them again: each foreign key as a Reference from both ends (an entity's
 * `references`, its `referrers`), the creation and deletion order, and every constraint by name. The
 * names come from one function, `constraintName`, used by the SQL DDL, the Sequelize models and the
 * error mappings that read a native error's constraint name back.
 */
import { ConfigError, Reader } from './config-error.ts'
import type { Entity, Field, ReferentialAction } from './schema.ts'

/** A foreign key, seen from either end: `entity.field` references `target.targetField`. */
export interface Reference {
  readonly entity: Entity
  readonly field: Field
  readonly target: Entity
  readonly targetField: Field
  readonly onDelete: ReferentialAction
  readonly onUpdate: ReferentialAction
  /** The constraint's name (`constraintName`). */
  readonly name: string
}

export const CONSTRAINT_KINDS = ['primary', 'unique', 'index', 'foreignKey'] as const
export type ConstraintKind = (typeof CONSTRAINT_KINDS)[number]

/** A named constraint or index, what a native error naming it is about. */
export interface Constraint {
  readonly name: string
  readonly kind: ConstraintKind
  readonly entity: Entity
  readonly fields: readonly Field[]
  /** For a foreign key. */
  readonly reference?: Reference
  /**
   * For a unique key that an ON UPDATE CASCADE writes into (Credential.username from User.username): the
   * parent's unique key on the renamed column. Renaming the parent so that the child's key would repeat
   * repeats the parent's first (a child's value names an existing parent): that is the error to report.
   */
  readonly cascadedFrom?: Constraint
}

const SUFFIX: Readonly<Record<ConstraintKind, string>> = {
  primary: 'pkey',
  unique: 'key',
  index: 'idx',
  foreignKey: 'fkey',
}

/**
 * The name of every constraint and index, the names PostgreSQL itself would choose (users_pkey,
 * users_username_key, ..._idx, ..._fkey): DDL, Sequelize models and error lookup all use this one.
 */
export const constraintName = (table: string, kind: ConstraintKind, columns: readonly string[]): string =>
  kind === 'primary' ? `${table}_pkey` : `${table}_${columns.join('_')}_${SUFFIX[kind]}`

/** An entity before the facts that need the whole schema (`linkEntities`). */
export type Unlinked = Omit<Entity, 'references' | 'referrers'>

/** Checks every foreign key and gives each entity its references and referrers (the same objects). */
export function linkEntities(unlinked: readonly Unlinked[]): Entity[] {
  const entities = unlinked.map((u) => ({ ...u, references: [], referrers: [] }) as Entity)
  const entity = new Map(entities.map((e) => [e.name, e]))
  const all: Reference[] = []
  for (const e of entities) {
    for (const f of e.foreignKeys) {
      const fk = f.foreignKey!
      const target = entity.get(fk.entity)
      const where = new Reader(e.file, `fields.${f.column}.foreign_key`, null)
      if (!target) return where.fail(`no entity named ${fk.entity}`)
      const tf = target.fields.find((x) => x.column === fk.field)
      if (!tf) return where.fail(`${fk.entity} has no field ${fk.field}`)
      if (!tf.unique) where.fail(`${fk.entity}.${fk.field} is not unique`)
      const name = constraintName(e.table, 'foreignKey', [f.column])
      all.push({
        entity: e,
        field: f,
        target,
        targetField: tf,
        onDelete: fk.onDelete,
        onUpdate: fk.onUpdate,
        name,
      })
    }
  }
  for (const e of entities)
    Object.assign(e, {
      references: all.filter((r) => r.entity === e),
      referrers: all.filter((r) => r.target === e),
    })
  return entities
}

/** Referenced entities first, in file order otherwise; a cycle of foreign keys has no such order. */
export function creationOrder(entities: readonly Entity[]): Entity[] {
  const order: Entity[] = []
  const left = new Set(entities)
  const waits = (e: Entity) => e.references.find((r) => r.target !== e && left.has(r.target))
  while (left.size) {
    const next = [...left].find((e) => !waits(e))
    if (!next) {
      // Every entity left waits for another one left: follow the waits until they come round.
      const path: Entity[] = []
      for (let e = [...left][0]!; !path.includes(e); e = waits(e)!.target) path.push(e)
      const cycle = path.slice(path.indexOf(waits(path.at(-1)!)!.target))
      throw new ConfigError(
        cycle[0]!.file,
        `fields.${waits(cycle[0]!)!.field.column}.foreign_key`,
        `the foreign keys among ${cycle.map((x) => x.name).join(', ')} form a cycle (only an entity's references to itself may)`,
      )
    }
    order.push(next)
    left.delete(next)
  }
  return order
}

export function constraintsOf(entities: readonly Entity[]): Map<string, Constraint> {
  const out = new Map<string, Constraint>()
  for (const e of entities) {
    out.set(e.primaryKey, { name: e.primaryKey, kind: 'primary', entity: e, fields: [e.primary] })
    for (const i of [...e.uniques, ...e.indexes])
      out.set(i.name, { name: i.name, kind: i.unique ? 'unique' : 'index', entity: e, fields: i.fields })
    for (const r of e.references)
      out.set(r.name, { name: r.name, kind: 'foreignKey', entity: e, fields: [r.field], reference: r })
  }
  for (const e of entities)
    for (const u of e.uniques)
      for (const r of e.references) {
        const parent = r.target.uniques.find((x) => x.fields.includes(r.targetField))
        if (r.onUpdate === 'cascade' && u.fields.includes(r.field) && parent)
          Object.assign(out.get(u.name)!, { cascadedFrom: out.get(parent.name)! })
      }
  return out
}
