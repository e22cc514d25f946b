/**
 * The statements of one entity, built from the schema and the dialect: the fixed ones (insert, read,
 * delete by id) once, an UPDATE per set of patched fields once, and the filtered ones per call through
 * compile.ts. Statement text depends only on the shape of a query, never on its values, so drivers can
 * prepare each text once and reuse it.
 */
import { DBALError } from '../../core/errors.ts'
import type { Cond, ListQuery } from '../../core/query.ts'
import type { Entity, Field } from '../../core/schema.ts'
import type { Row } from '../../core/validate.ts'
import { compileOrder, compileWhere } from './compile.ts'
import { Params, quote, type Dialect } from './dialect.ts'
import { RowCodec } from './rows.ts'

export interface Statement {
  readonly sql: string
  readonly params: readonly unknown[]
}

/** The name of the column that carries a list's total. */
export const TOTAL = 'dbal_total'

/** Rows per INSERT of a createMany: 200 × at most a dozen fields stays far below every placeholder limit. */
export const INSERT_BATCH = 200

export class EntitySql {
  readonly codec: RowCodec
  readonly table: string
  readonly insert: string
  readonly insertQuiet: string
  readonly byId: string
  readonly deleteById: string
  private readonly updates = new Map<string, string>()
  private batchInsert: string | undefined

  constructor(
    readonly d: Dialect,
    readonly e: Entity,
    /** deleteMany counts the matching rows before it deletes them (see Dialect.deleteCountOmitsCascaded). */
    readonly countBeforeDelete = false,
  ) {
    this.codec = new RowCodec(d, e)
    this.table = quote(e.table)
    const values = new Params(d.placeholder)
    const placeholders = e.fields.map((f) => d.param(f, null, values)).join(', ')
    this.insertQuiet = `INSERT INTO ${this.table} (${e.fields.map((f) => quote(f.column)).join(', ')}) VALUES (${placeholders})`
    this.insert = `${this.insertQuiet} RETURNING ${this.codec.select}`
    this.byId = `SELECT ${this.codec.select} FROM ${this.table} WHERE ${this.idIs(new Params(d.placeholder))}`
    this.deleteById = `DELETE FROM ${this.table} WHERE ${this.idIs(new Params(d.placeholder))}`
  }

  /**
   * One INSERT of `n` rows: createMany sends a batch as statements of up to INSERT_BATCH rows, not a
   * statement per row (100 rows on PostgreSQL: one round trip instead of 100). Only the full-batch text
   * is kept, so odd sizes cost a string each time but never memory.
   */
  insertRows(n: number): string {
    if (n === INSERT_BATCH && this.batchInsert) return this.batchInsert
    const p = new Params(this.d.placeholder)
    const tuple = () => `(${this.e.fields.map((f) => this.d.param(f, null, p)).join(', ')})`
    const sql = `${this.insertQuiet.slice(0, this.insertQuiet.indexOf(' VALUES '))} VALUES ${Array.from({ length: n }, tuple).join(', ')}`
    if (n === INSERT_BATCH) this.batchInsert = sql
    return sql
  }

  private idIs(p: Params): string {
    return `${quote(this.e.primary.column)} = ${this.d.param(this.e.primary, null, p)}`
  }

  private field(name: string): Field {
    const f = this.e.field.get(name)
    if (!f)
      throw new DBALError('VALIDATION_ERROR', {
        entity: this.e.name,
        fields: [{ field: name, error: 'unknown field' }],
      })
    return f
  }

  private assignments(keys: readonly string[], patch: Row, p: Params): string {
    return keys
      .map((k) => `${quote(this.field(k).column)} = ${this.d.param(this.field(k), patch[k] ?? null, p)}`)
      .join(', ')
  }

  /** UPDATE ... WHERE id = ? RETURNING ..., for a patch of these fields (parameters: values, then the id). */
  update(keys: readonly string[]): string {
    const key = keys.join(',')
    let sql = this.updates.get(key)
    if (!sql) {
      const p = new Params(this.d.placeholder)
      sql = `UPDATE ${this.table} SET ${this.assignments(keys, {}, p)} WHERE ${this.idIs(p)} RETURNING ${this.codec.select}`
      this.updates.set(key, sql)
    }
    return sql
  }

  patchValues(keys: readonly string[], patch: Row): unknown[] {
    return keys.map((k) => this.codec.encode(this.field(k), patch[k] ?? null))
  }

  /**
   * One page in sort order; each row also carries the total count as TOTAL, from the same snapshot (one
   * statement). The total is an uncorrelated subquery, computed once, not `COUNT(*) OVER ()`: a window
   * over every matching row made the database sort all of them instead of keeping the top `offset +
   * limit` (5× slower for a page of 20 out of 5,000 on PostgreSQL, measured by bench/). The page is
   * chosen in a subquery and only its rows are converted to wire form (to_char of timestamps, ...):
   * PostgreSQL computes the select list before the sort, so the conversion would run on every matching
   * row. Parameters are added in the order they appear in the text, for positional placeholders.
   */
  list(q: ListQuery): Statement {
    const p = new Params(this.d.placeholder)
    const counted = compileWhere(this.d, this.e, q.filter, p)
    const where = compileWhere(this.d, this.e, q.filter, p)
    const order = compileOrder(this.d, this.e, q.sort)
    const total = `(SELECT COUNT(*) FROM ${this.table} WHERE ${counted}) AS ${TOTAL}`
    const page = `SELECT * FROM ${this.table} WHERE ${where}${order} LIMIT ${p.add(q.limit)} OFFSET ${p.add(q.offset)}`
    const sql = `SELECT ${this.codec.select}, ${total} FROM (${page}) AS ${this.table}${order}`
    return { sql, params: p.values }
  }

  /** Rows matching `filter` in creation order (used to explain a failed bulk write). */
  select(filter: Cond, limit: number): Statement {
    const p = new Params(this.d.placeholder)
    const where = compileWhere(this.d, this.e, filter, p)
    const created = this.e.createdField ? [{ field: this.e.createdField.name, dir: 'asc' as const }] : []
    const order = compileOrder(this.d, this.e, [...created, { field: this.e.primary.name, dir: 'asc' }])
    return {
      sql: `SELECT ${this.codec.select} FROM ${this.table} WHERE ${where}${order} LIMIT ${p.add(limit)}`,
      params: p.values,
    }
  }

  count(filter: Cond): Statement {
    const p = new Params(this.d.placeholder)
    return {
      sql: `SELECT COUNT(*) AS n FROM ${this.table} WHERE ${compileWhere(this.d, this.e, filter, p)}`,
      params: p.values,
    }
  }

  exists(filter: Cond): Statement {
    const p = new Params(this.d.placeholder)
    return {
      sql: `SELECT 1 AS x FROM ${this.table} WHERE ${compileWhere(this.d, this.e, filter, p)} LIMIT 1`,
      params: p.values,
    }
  }

  updateWhere(filter: Cond, patch: Row): Statement {
    const p = new Params(this.d.placeholder)
    const set = this.assignments(Object.keys(patch), patch, p)
    return {
      sql: `UPDATE ${this.table} SET ${set} WHERE ${compileWhere(this.d, this.e, filter, p)}`,
      params: p.values,
    }
  }

  deleteWhere(filter: Cond): Statement {
    const p = new Params(this.d.placeholder)
    return {
      sql: `DELETE FROM ${this.table} WHERE ${compileWhere(this.d, this.e, filter, p)}`,
      params: p.values,
    }
  }
}
