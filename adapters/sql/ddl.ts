/**
 * DDL derived from the schema, never written per entity: tables with their primary key, unique indexes
 * (single unique fields and the YAML's unique indexes), plain indexes, and foreign keys with the YAML's
 * ON DELETE / ON UPDATE actions. Every constraint is named after the schema's derived names, so that a
 * native error naming a constraint maps back to the entity and its fields (`constraints`).
 */
import type { Entity, Field, Schema } from '../../core/schema.ts'
import { quote, type Dialect } from './dialect.ts'

export interface DdlObject {
  readonly kind: 'table' | 'column' | 'index' | 'foreignKey' | 'function'
  /** The object's name (for a column `table.column`): what migrate compares with the live schema. */
  readonly name: string
  readonly sql: string
}

const ACTIONS = { cascade: 'CASCADE', restrict: 'RESTRICT' } as const

export const primaryKeyName = (e: Entity): string => `${e.table}_pkey`
export const foreignKeyName = (e: Entity, f: Field): string => `${e.table}_${f.column}_fkey`

function references(s: Schema, f: Field): string {
  const fk = f.foreignKey!
  const target = s.entity.get(fk.entity)!
  return `REFERENCES ${quote(target.table)} (${quote(fk.field)}) ON DELETE ${ACTIONS[fk.onDelete]} ON UPDATE ${ACTIONS[fk.onUpdate]}`
}

/** A column definition; `adding` to an existing table, a required field without a default stays nullable. */
function columnDef(d: Dialect, s: Schema, e: Entity, f: Field, adding: boolean): string {
  let sql = `${quote(f.column)} ${d.columnType(f)}`
  if (f.required && (!adding || f.default !== undefined)) sql += ' NOT NULL'
  if (f.default !== undefined) sql += ` DEFAULT ${d.literal(f, f.default)}`
  if (adding && f.foreignKey && d.inlineForeignKeys)
    sql += ` CONSTRAINT ${quote(foreignKeyName(e, f))} ${references(s, f)}`
  return sql
}

export function createTable(d: Dialect, s: Schema, e: Entity): DdlObject {
  const parts = e.fields.map((f) => columnDef(d, s, e, f, false))
  parts.push(`CONSTRAINT ${quote(primaryKeyName(e))} PRIMARY KEY (${quote(e.primary.column)})`)
  if (d.inlineForeignKeys) {
    for (const f of e.foreignKeys)
      parts.push(
        `CONSTRAINT ${quote(foreignKeyName(e, f))} FOREIGN KEY (${quote(f.column)}) ${references(s, f)}`,
      )
  }
  return {
    kind: 'table',
    name: e.table,
    sql: `CREATE TABLE ${quote(e.table)} (\n  ${parts.join(',\n  ')}\n)`,
  }
}

export function addColumn(d: Dialect, s: Schema, e: Entity, f: Field): DdlObject {
  return {
    kind: 'column',
    name: `${e.table}.${f.column}`,
    sql: `ALTER TABLE ${quote(e.table)} ADD COLUMN ${columnDef(d, s, e, f, true)}`,
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
export function foreignKeys(d: Dialect, s: Schema, e: Entity): DdlObject[] {
  if (d.inlineForeignKeys) return []
  return e.foreignKeys.map((f) => ({
    kind: 'foreignKey',
    name: foreignKeyName(e, f),
    sql: `ALTER TABLE ${quote(e.table)} ADD CONSTRAINT ${quote(foreignKeyName(e, f))} FOREIGN KEY (${quote(f.column)}) ${references(s, f)}`,
  }))
}

export interface Constraint {
  readonly entity: Entity
  readonly kind: 'unique' | 'foreignKey'
  readonly fields: readonly Field[]
}

const byName = new WeakMap<Schema, ReadonlyMap<string, Constraint>>()

/** Constraint and index name → what it guards, for mapping native errors back to fields. */
export function constraints(s: Schema): ReadonlyMap<string, Constraint> {
  let m = byName.get(s)
  if (!m) {
    const built = new Map<string, Constraint>()
    for (const e of s.entities) {
      built.set(primaryKeyName(e), { entity: e, kind: 'unique', fields: [e.primary] })
      for (const u of e.uniques) built.set(u.name, { entity: e, kind: 'unique', fields: u.fields })
      for (const f of e.foreignKeys)
        built.set(foreignKeyName(e, f), { entity: e, kind: 'foreignKey', fields: [f] })
    }
    byName.set(s, (m = built))
  }
  return m
}

/** Entities with the ones that reference others first: the order in which deleting never hits a RESTRICT. */
export function referencingFirst(s: Schema): Entity[] {
  const out: Entity[] = []
  const visit = (e: Entity, path: Set<Entity>) => {
    if (out.includes(e) || path.has(e)) return
    path.add(e)
    for (const re of s.entities)
      if (re !== e && re.foreignKeys.some((f) => f.foreignKey!.entity === e.name)) visit(re, path)
    out.push(e)
  }
  for (const e of s.entities) visit(e, new Set())
  return out
}

/**
 * Whether deleting a row of `e` can delete other rows of `e` through ON DELETE CASCADE, directly (a
 * component's subtree) or through other tables. On such an entity a DELETE may find some of the rows
 * it matched already gone.
 */
export function cascadesOntoItself(s: Schema, e: Entity): boolean {
  const seen = new Set<Entity>()
  const reach = (from: Entity): boolean =>
    s.entities.some((re) =>
      re.foreignKeys.some((f) => {
        if (f.foreignKey!.entity !== from.name || f.foreignKey!.onDelete !== 'cascade') return false
        if (re === e) return true
        if (seen.has(re)) return false
        seen.add(re)
        return reach(re)
      }),
    )
  return reach(e)
}
