/**
 * Dot paths inside JSON fields (`manifest.entry`), per dialect. The reference compares only scalars of
 * the same JSON type (a JSON `true` never equals 1, "2" never equals 2), so every comparison is guarded
 * by the value's JSON type. Path keys are schema-checked identifiers (query.ts) and still go in as
 * escaped values, never as SQL text.
 */
import { cast, col, fn, literal, Op, where, type WhereOptions } from 'sequelize'
import type { DialectName } from './dialect.ts'

export type Expr = ReturnType<typeof fn> | ReturnType<typeof cast> | ReturnType<typeof col>

export interface JsonPath {
  /** The JSON type name of the value, NULL when the path is absent. */
  readonly type: Expr
  /** Type names as this dialect spells them. */
  readonly names: { readonly string: string; readonly number: readonly string[]; readonly null: string }
  /**
   * The string value compared with `u` by code point (binary), or with each of `u` for Op.in; only
   * meaningful for JSON strings.
   */
  text(op: symbol, u: string | readonly string[]): WhereOptions
  /** The numeric value compared with `u` (or each of `u` for Op.in); only meaningful for JSON numbers. */
  number(op: symbol, u: number | readonly number[]): WhereOptions
  /** The folded string value, for $contains and friends. */
  readonly folded: Expr
  /** Is the value the JSON boolean `value`? */
  isBoolean(value: boolean): WhereOptions
}

/** Escapes a string into an SQL literal (see filter.ts on why fn() arguments are never plain strings). */
export type Escape = (value: string) => string

const UTF8 = literal("'UTF8'")

const dollarPath = (esc: Escape, keys: readonly string[]) => literal(esc(`$.${keys.join('.')}`))

/** `f(u)`, or `f` of each element when `u` is a list (the right operand of Op.in). */
const each = <T, R>(u: T | readonly T[], f: (x: T) => R): R | R[] =>
  Array.isArray(u) ? (u as readonly T[]).map(f) : f(u as T)

function postgres(esc: Escape, column: string, keys: readonly string[]): JsonPath {
  const args = keys.map((k) => literal(esc(k)))
  const node = fn('jsonb_extract_path', col(column), ...args)
  const text = fn('jsonb_extract_path_text', col(column), ...args)
  const type = fn('jsonb_typeof', node)
  const bytes = (u: string) => fn('convert_to', literal(esc(u)), UTF8)
  const jsonb = (u: number) => cast(literal(esc(JSON.stringify(u))), 'jsonb')
  return {
    type,
    names: { string: 'string', number: ['number'], null: 'null' },
    // bytea compares bytes: UTF-8 byte order is code point order, whatever the database's collation.
    text: (op, u) => where(fn('convert_to', text, UTF8), { [op]: each(u, bytes) }),
    // jsonb against jsonb: numbers compare numerically, and no cast can fail on a row of another type
    // (PostgreSQL does not promise to evaluate the type guard first).
    number: (op, u) => where(node, { [op]: each(u, jsonb) }),
    folded: fn('dbal_fold', text),
    isBoolean: (v) => ({
      [Op.and]: [where(type, { [Op.eq]: 'boolean' }), where(text, { [Op.eq]: String(v) })],
    }),
  }
}

function mariadb(esc: Escape, column: string, keys: readonly string[]): JsonPath {
  const node = fn('JSON_EXTRACT', col(column), dollarPath(esc, keys))
  const type = fn('JSON_TYPE', node)
  return {
    type,
    names: { string: 'STRING', number: ['INTEGER', 'DOUBLE', 'DECIMAL'], null: 'NULL' },
    text: (op, u) => where(cast(fn('JSON_UNQUOTE', node), 'BINARY'), { [op]: u }),
    number: (op, u) => where(cast(node, 'DOUBLE'), { [op]: u }),
    folded: fn('dbal_fold', fn('JSON_UNQUOTE', node)),
    isBoolean: (v) => ({
      [Op.and]: [where(type, { [Op.eq]: 'BOOLEAN' }), where(cast(node, 'BINARY'), { [Op.eq]: String(v) })],
    }),
  }
}

function sqlite(esc: Escape, column: string, shadow: string, keys: readonly string[]): JsonPath {
  const path = dollarPath(esc, keys)
  const type = fn('json_type', col(column), path)
  const text = fn('json_extract', col(column), path)
  return {
    type,
    names: { string: 'text', number: ['integer', 'real'], null: 'null' },
    text: (op, u) => where(text, { [op]: u }),
    number: (op, u) => where(text, { [op]: u }),
    folded: fn('json_extract', col(shadow), path),
    isBoolean: (v) => where(type, { [Op.eq]: String(v) }),
  }
}

export function jsonPath(
  d: DialectName,
  esc: Escape,
  column: string,
  shadow: string,
  keys: readonly string[],
): JsonPath {
  if (d === 'postgres') return postgres(esc, column, keys)
  if (d === 'mariadb') return mariadb(esc, column, keys)
  return sqlite(esc, column, shadow, keys)
}
