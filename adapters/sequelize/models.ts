/**
 * Sequelize models derived from schema/: one per entity, attribute = wire name, `field` = column. Types
 * are plain SQL strings (see dialect.ts), so Sequelize passes values through untouched (codec.ts).
 */
import { Model, type ModelAttributeColumnOptions, type ModelStatic, type Sequelize } from 'sequelize'
import type { Entity, Field, Index, Schema } from '../../core/schema.ts'
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
  const r = e.references.find((x) => x.field === f)
  if (r) {
    a.references = { model: r.target.table, key: r.targetField.column }
    a.onDelete = REFERENTIAL[r.onDelete]
    a.onUpdate = REFERENTIAL[r.onUpdate]
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

export function defineModels(
  sequelize: Sequelize,
  d: DialectSpec,
  schema: Schema,
): ReadonlyMap<string, EntityModel> {
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

/** Attributes a read returns: the entity's fields, never the shadow columns. */
export const fieldAttributes = (e: Entity): string[] => e.fields.map((f) => f.name)
