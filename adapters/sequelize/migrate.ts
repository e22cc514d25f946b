/**
 * `dbal migrate`: creates what is missing (fold function, tables, columns, indexes, foreign keys) by
 * looking at the live schema first, and says what it did; a second run finds nothing to do and returns
 * []. Not `sync({alter: true})`, which rebuilds constraints on every run. It never drops or alters what
 * exists: a changed column type is for a hand-written migration.
 */
import { QueryTypes, type ModelAttributeColumnOptions, type QueryInterface } from 'sequelize'
import type { Entity, Field } from '../../core/schema.ts'
import type { Row } from '../../core/validate.ts'
import { fromStorage, shadowValue } from './codec.ts'
import type { Db } from './db.ts'
import { foldable, shadowAttribute, shadowColumn } from './dialect.ts'
import { foldFingerprintQuery, foldFunctionDdl, FOLD_FINGERPRINT } from './fold-sql.ts'
import { indexesOf } from './models.ts'

type Column = ModelAttributeColumnOptions & { field: string }

async function foldFunction(db: Db): Promise<string[]> {
  const q = foldFingerprintQuery(db.spec.name)
  if (!q) return []
  // type SELECT: Sequelize 6 cannot read a raw SELECT from the mariadb 3 driver (frozen `meta`).
  const rows = await db.sequelize.query<{ fp: string | null }>(q, { type: QueryTypes.SELECT })
  if (rows[0]?.fp === FOLD_FINGERPRINT) return []
  for (const sql of foldFunctionDdl(db.spec.name)) await db.sequelize.query(sql)
  return [`create function dbal_fold (${FOLD_FINGERPRINT})`]
}

/** Column definitions of an entity; foreign keys are inline only on SQLite, which cannot add them later. */
function columns(db: Db, e: Entity): Column[] {
  const inline = db.spec.name === 'sqlite'
  return Object.values(db.model(e).getAttributes()).map((a) => {
    const { references, onDelete, onUpdate, ...rest } = a
    return { ...(inline ? a : rest), field: a.field! } as Column
  })
}

/** Fills a newly added shadow column from the column it folds (SQLite). */
async function backfillShadow(db: Db, e: Entity, f: Field): Promise<void> {
  const m = db.model(e)
  const rows = (await m.findAll({ attributes: [e.primary.name, f.name], raw: true })) as unknown as Row[]
  for (const r of rows) {
    const value = shadowValue(f, fromStorage(f, r[f.name]))
    await m.update(
      { [shadowAttribute(f)]: value },
      { where: { [e.primary.name]: r[e.primary.name] }, hooks: false, validate: false },
    )
  }
}

async function tables(db: Db, qi: QueryInterface): Promise<string[]> {
  const changes: string[] = []
  const existing = new Set(
    (await qi.showAllTables()).map((t) =>
      typeof t === 'string' ? t : (t as { tableName: string }).tableName,
    ),
  )
  const options =
    db.spec.name === 'mariadb' ? { engine: 'InnoDB', charset: 'utf8mb4', collate: 'utf8mb4_nopad_bin' } : {}
  for (const e of db.schema.creationOrder) {
    const cols = columns(db, e)
    if (!existing.has(e.table)) {
      await qi.createTable(e.table, Object.fromEntries(cols.map((c) => [c.field, c])), {
        ...options,
        withoutForeignKeyConstraints: db.spec.name !== 'sqlite',
      } as object)
      changes.push(`create table ${e.table}`)
      continue
    }
    const described = await qi.describeTable(e.table)
    const hasRows = (await db.model(e).count()) > 0
    for (const c of cols.filter((x) => !(x.field in described))) {
      // A required column without a default cannot be NOT NULL on a table that already has rows.
      const nullable = hasRows && c.defaultValue === undefined
      await qi.addColumn(e.table, c.field, { ...c, allowNull: nullable || c.allowNull !== false })
      changes.push(
        `add column ${e.table}.${c.field}${nullable && c.allowNull === false ? ' (nullable: the table has rows)' : ''}`,
      )
      const shadowed =
        db.spec.fold === 'shadow'
          ? e.fields.find((f) => foldable(f) && shadowColumn(f) === c.field)
          : undefined
      if (shadowed && hasRows) await backfillShadow(db, e, shadowed)
    }
  }
  return changes
}

async function indexes(db: Db, qi: QueryInterface): Promise<string[]> {
  const changes: string[] = []
  for (const e of db.schema.creationOrder) {
    const existing = new Set(((await qi.showIndex(e.table)) as { name: string }[]).map((i) => i.name))
    for (const i of indexesOf(db.spec, e)) {
      if (existing.has(i.name)) continue
      await qi.addIndex(e.table, i)
      changes.push(`create ${i.unique ? 'unique ' : ''}index ${i.name}`)
    }
  }
  return changes
}

async function foreignKeys(db: Db, qi: QueryInterface): Promise<string[]> {
  if (db.spec.name === 'sqlite') return []
  const changes: string[] = []
  for (const e of db.schema.creationOrder) {
    const refs = (await qi.getForeignKeyReferencesForTable(e.table)) as {
      constraintName?: string
      constraint_name?: string
    }[]
    const existing = new Set(refs.map((r) => r.constraintName ?? r.constraint_name))
    for (const r of e.references) {
      if (existing.has(r.name)) continue
      await qi.addConstraint(e.table, {
        type: 'foreign key',
        name: r.name,
        fields: [r.field.column],
        references: { table: r.target.table, field: r.targetField.column },
        onDelete: r.onDelete.toUpperCase(),
        onUpdate: r.onUpdate.toUpperCase(),
      })
      changes.push(`add foreign key ${r.name}`)
    }
  }
  return changes
}

export async function migrate(db: Db): Promise<string[]> {
  const qi = db.sequelize.getQueryInterface()
  return [
    ...(await foldFunction(db)),
    ...(await tables(db, qi)),
    ...(await indexes(db, qi)),
    ...(await foreignKeys(db, qi)),
  ]
}
