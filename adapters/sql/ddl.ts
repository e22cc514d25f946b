/**
 * DDL derived from the schema, never written per entity: tables with their primary key, unique indexes
 * (single unique fields and the YAML's unique indexes), plain indexes, and foreign keys with the YAML's
 * ON DELETE / ON UPDATE actions. Every constraint carries the schema's name for it (core/schema.ts
 * `constraintName`), so that a native error naming a constraint maps back to the entity and its fields
 * (`schema.constraints`).
 */
import type { Entity, Field, Reference } from '../../core/schema.ts'
import { quote, type Dialect } from './dialect.ts'

export interface DdlObject {
  readonly kind: 'table' | 'column' | 'index' | 'foreignKey' | 'function'
  /** The object's name (for a column `table.column`): what migrate compares with the live schema. */
  readonly name: string
  readonly sql: string
}

const ACTIONS = { cascade: 'CASCADE', restrict: 'RESTRICT' } as const

const references = (r: Reference): string =>
  `REFERENCES ${quote(r.target.table)} (${quote(r.targetField.column)}) ON DELETE ${ACTIONS[r.onDelete]} ON UPDATE ${ACTIONS[r.onUpdate]}`

const foreignKey = (r: Reference): string =>
  `CONSTRAINT ${quote(r.name)} FOREIGN KEY (${quote(r.field.column)}) ${references(r)}`

/** A column definition; `adding` to an existing table, a required field without a default stays nullable. */
function columnDef(d: Dialect, e: Entity, f: Field, adding: boolean): string {
  let sql = `${quote(f.column)} ${d.columnType(f)}`
  if (f.required && (!adding || f.default !== undefined)) sql += ' NOT NULL'
  if (f.default !== undefined) sql += ` DEFAULT ${d.literal(f, f.default)}`
  const r = adding && d.inlineForeignKeys ? e.references.find((x) => x.field === f) : undefined
  if (r) sql += ` CONSTRAINT ${quote(r.name)} ${references(r)}`
  return sql
}

export function createTable(d: Dialect, e: Entity): DdlObject {
  const parts = e.fields.map((f) => columnDef(d, e, f, false))
  parts.push(`CONSTRAINT ${quote(e.primaryKey)} PRIMARY KEY (${quote(e.primary.column)})`)
  if (d.inlineForeignKeys) parts.push(...e.references.map(foreignKey))
  return {
    kind: 'table',
    name: e.table,
    sql: `CREATE TABLE ${quote(e.table)} (\n  ${parts.join(',\n  ')}\n)`,
  }
}

export function addColumn(d: Dialect, e: Entity, f: Field): DdlObject {
  return {
    kind: 'column',
    name: `${e.table}.${f.column}`,
    sql: `ALTER TABLE ${quote(e.table)} ADD COLUMN ${columnDef(d, e, f, true)}`,
  }
}

/** Unique indexes first (foreign keys need them), then the plain ones. */
export function indexes(e: Entity): DdlObject[] {
  return [...e.uniques, ...e.indexes].map((i) => ({
    kind: 'index',
    name: i.name,
    sql: `CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${quote(i.name)} ON ${quote(e.table)} (${i.fields.map((f) => quote(f.column)).join(', ')})`,
  }))
}

/** Foreign keys added after the tables and unique indexes exist (where the dialect can). */
export function foreignKeys(d: Dialect, e: Entity): DdlObject[] {
  if (d.inlineForeignKeys) return []
  return e.references.map((r) => ({
    kind: 'foreignKey',
    name: r.name,
    sql: `ALTER TABLE ${quote(e.table)} ADD ${foreignKey(r)}`,
  }))
}

/**
 * Whether deleting a row of `e` can delete other rows of `e` through ON DELETE CASCADE, directly (a
 * component's subtree) or through other tables. On such an entity a DELETE may find some of the rows
 * it matched already gone.
 */
export function cascadesOntoItself(e: Entity): boolean {
  const seen = new Set<Entity>()
  const reach = (from: Entity): boolean =>
    from.referrers.some((r) => {
      if (r.onDelete !== 'cascade') return false
      if (r.entity === e) return true
      if (seen.has(r.entity)) return false
      seen.add(r.entity)
      return reach(r.entity)
    })
  return reach(e)
}
