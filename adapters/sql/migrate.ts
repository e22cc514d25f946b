/**
 * `migrate`: compares the schema with the live database (the dialect's catalog reads it back) and creates
 * what is missing: tables, columns of fields added to schema/ (nullable, or with their default), unique
 * and plain indexes, foreign keys, and the dialect's own objects. What already exists is left alone, so a
 * second run changes nothing and returns no changes. Columns are never dropped or retyped.
 */
import type { Schema } from '../../core/schema.ts'
import { addColumn, createTable, foreignKeys, indexes, type DdlObject } from './ddl.ts'
import type { Dialect } from './dialect.ts'
import type { Conn } from './driver.ts'

export interface LiveSchema {
  /** Table → its columns. */
  readonly tables: ReadonlyMap<string, ReadonlySet<string>>
  readonly indexes: ReadonlySet<string>
  /** Named foreign keys (empty where they live inside CREATE TABLE). */
  readonly foreignKeys: ReadonlySet<string>
}

export interface Catalog {
  /** Taken first, inside the migration's transaction, so that two processes never migrate at once. */
  readonly lock?: string
  read(conn: Conn): Promise<LiveSchema>
  /** Objects the dialect needs besides tables (PostgreSQL: dbal_fold), when missing or outdated. */
  extras(conn: Conn): Promise<DdlObject[]>
}

const VERBS: Readonly<Record<DdlObject['kind'], string>> = {
  table: 'create table',
  column: 'add column',
  index: 'create index',
  foreignKey: 'add foreign key',
  function: 'create function',
}

/** The statements that bring the live schema up to `s`, in an order that satisfies dependencies. */
export function plan(d: Dialect, s: Schema, live: LiveSchema): DdlObject[] {
  const out: DdlObject[] = []
  for (const e of s.creationOrder) {
    const columns = live.tables.get(e.table)
    if (!columns) out.push(createTable(d, e))
    else for (const f of e.fields) if (!columns.has(f.column)) out.push(addColumn(d, e, f))
  }
  for (const e of s.creationOrder) out.push(...indexes(e).filter((i) => !live.indexes.has(i.name)))
  for (const e of s.creationOrder) out.push(...foreignKeys(d, e).filter((k) => !live.foreignKeys.has(k.name)))
  return out
}

/** Applies the plan on `conn` (the caller makes it atomic); returns one line per change. */
export async function migrate(d: Dialect, catalog: Catalog, conn: Conn, s: Schema): Promise<string[]> {
  if (catalog.lock) await conn.run(catalog.lock, [])
  const steps = [...(await catalog.extras(conn)), ...plan(d, s, await catalog.read(conn))]
  for (const step of steps) await conn.run(step.sql, [])
  return steps.map((step) => `${VERBS[step.kind]} ${step.name}`)
}
