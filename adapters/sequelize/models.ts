/**
 * Sequelize models derived from schema/: one per entity, attribute = wire name, `field` = column. Types
 * are plain SQL strings (see dialect.ts), so Sequelize passes values through untouched (codec.ts).
 */
import { Model, type ModelAttributeColumnOptions, type ModelStatic, type Sequelize } from 'sequelize'
import { entityOf, schema, type Entity, type Field, type Index } from '../../core/schema.ts'
import { toStorage } from './codec.ts'
import {
  foldable,
  MARIADB_INDEX_PREFIX,
  MARIADB_MAX_KEY_BYTES,
  mariadbKeyBytes,
  shadowAttribute,
  shadowColumn,
  type DialectSpec,
} from './dialect.ts'

export type EntityModel = ModelStatic<Model>

/** Name of the foreign key constraint of a field: the name PostgreSQL itself would choose. */
export const foreignKeyName = (e: Entity, f: Field): string => `${e.table}_${f.column}_fkey`

export const targetField = (f: Field): Field =>
  entityOf(f.foreignKey!.entity).fields.find((x) => x.column === f.foreignKey!.field)!

const REFERENTIAL = { cascade: 'CASCADE', restrict: 'RESTRICT' } as const

function attribute(d: DialectSpec, e: Entity, f: Field): ModelAttributeColumnOptions {
  const a: ModelAttributeColumnOptions = {
    type: d.columnType(f),
    field: f.column,
    allowNull: !f.required,
    primaryKey: f.primary,
  }
  // A default only matters to migrate: it fills a required column added to a table that has rows.
  if (f.required && f.default !== undefined) a.defaultValue = toStorage(d, f, f.default)
  const fk = f.foreignKey
  if (fk) {
    a.references = { model: entityOf(fk.entity).table, key: fk.field }
    a.onDelete = REFERENTIAL[fk.onDelete]
    a.onUpdate = REFERENTIAL[fk.onUpdate]
  }
  return a
}

type IndexField = string | { name: string; length: number }

/** Every index of an entity, uniques first in schema order, as Sequelize index options. */
export function indexesOf(
  d: DialectSpec,
  e: Entity,
): { name: string; unique: boolean; fields: IndexField[]; using?: string }[] {
  const toIndex = (i: Index) => {
    const long =
      d.name === 'mariadb' && i.fields.reduce((n, f) => n + mariadbKeyBytes(f), 0) > MARIADB_MAX_KEY_BYTES
    // MariaDB keeps a long unique key exact with a hidden hash column; a plain index may use prefixes.
    if (long && i.unique)
      return { name: i.name, unique: true, fields: i.fields.map((f) => f.column), using: 'HASH' }
    const prefix = (f: Field): IndexField =>
      long && mariadbKeyBytes(f) > 4 * MARIADB_INDEX_PREFIX
        ? { name: f.column, length: MARIADB_INDEX_PREFIX }
        : f.column
    return { name: i.name, unique: i.unique, fields: i.fields.map(prefix) }
  }
  return [...e.uniques.map(toIndex), ...e.indexes.map(toIndex)]
}

export function defineModels(sequelize: Sequelize, d: DialectSpec): ReadonlyMap<string, EntityModel> {
  const models = new Map<string, EntityModel>()
  for (const e of schema.entities) {
    const attributes: Record<string, ModelAttributeColumnOptions> = {}
    for (const f of e.fields) {
      attributes[f.name] = attribute(d, e, f)
      if (d.fold === 'shadow' && foldable(f))
        attributes[shadowAttribute(f)] = { type: 'TEXT', field: shadowColumn(f), allowNull: true }
    }
    const model = sequelize.define(e.name, attributes, {
      tableName: e.table,
      timestamps: false,
      underscored: true,
      freezeTableName: true,
      indexes: indexesOf(d, e),
    })
    models.set(e.name, model)
  }
  return models
}

/** Entities ordered so that every referenced entity comes before the ones referencing it. */
export function dependencyOrder(): Entity[] {
  const out: Entity[] = []
  const seen = new Set<string>()
  const visit = (e: Entity) => {
    if (seen.has(e.name)) return
    seen.add(e.name)
    for (const f of e.foreignKeys) if (f.foreignKey!.entity !== e.name) visit(entityOf(f.foreignKey!.entity))
    out.push(e)
  }
  for (const e of schema.entities) visit(e)
  return out
}

/** Attributes a read returns: the entity's fields, never the shadow columns. */
export const fieldAttributes = (e: Entity): string[] => e.fields.map((f) => f.name)

/** Every foreign key in the schema that points at `target`, with the entity that holds it. */
export const referencing = (target: Entity): { e: Entity; f: Field }[] =>
  schema.entities.flatMap((e) =>
    e.foreignKeys.filter((f) => f.foreignKey!.entity === target.name).map((f) => ({ e, f })),
  )
