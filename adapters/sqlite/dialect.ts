/**
 * SQLite's side of the shared SQL: everything is TEXT or INTEGER. Timestamps are canonical ISO text
 * (which sorts chronologically), booleans 0/1, JSON as text read with json_type/json_extract. Text is
 * folded by `dbal_fold`, a JavaScript function registered on the connection (driver.ts), because SQLite's
 * LIKE folds ASCII only and treats % and _ as wildcards.
 */
import type { Field, FieldType } from '../../core/schema.ts'
import { codePointLength } from '../../core/text.ts'
import { OPERATORS, sqlString, type Dialect, type JsonScalar, type Params } from '../sql/dialect.ts'

const TYPES: Readonly<Record<FieldType, string>> = {
  uuid: 'TEXT',
  string: 'TEXT',
  text: 'TEXT',
  email: 'TEXT',
  enum: 'TEXT',
  integer: 'INTEGER',
  boolean: 'INTEGER',
  datetime: 'TEXT',
  json: 'TEXT',
}

/** json_type names per JSON scalar kind. */
const JSON_KIND: Readonly<Record<'string' | 'number', string>> = {
  string: `= 'text'`,
  number: `IN ('integer', 'real')`,
}

/** A JSON path is bound as a parameter, so that no key from a filter is ever part of the SQL text. */
const path$ = (path: readonly string[], p: Params) => p.add(`$${path.map((k) => `."${k}"`).join('')}`)

function encode(f: Field, v: unknown): unknown {
  if (v === null || v === undefined) return null
  if (f.type === 'boolean') return v ? 1 : 0
  if (f.type === 'json') return JSON.stringify(v)
  return v
}

const toBoolean = (raw: unknown) => (raw === null ? null : raw !== 0)
const toJson = (raw: unknown) => (raw === null ? null : (JSON.parse(raw as string) as unknown))

export const sqliteDialect: Dialect = {
  name: 'sqlite',
  placeholder: () => '?',
  columnType: (f) => TYPES[f.type],
  encode,
  decoder: (f) => (f.type === 'boolean' ? toBoolean : f.type === 'json' ? toJson : undefined),
  selectExpr: (_f, column) => column,
  param: (f, v, p) => p.add(encode(f, v)),
  inList: (f, column, values, p) => `${column} IN (${values.map((v) => p.add(encode(f, v))).join(', ')})`,
  literal(f, v) {
    if (typeof v === 'number') return String(v)
    if (typeof v === 'boolean') return v ? '1' : '0'
    return sqlString(f.type === 'json' ? JSON.stringify(v) : String(v))
  },
  // SQLite already sorts NULL before every value, so ascending/descending give first/last.
  nulls: () => '',
  textMatch(op, expr, needle, p) {
    // ASCII-only text is folded by SQLite's own lower(), which folds A-Z and nothing else (exact for
    // such text), instead of a call into JavaScript per row: a search over 10,000 users took 30× a raw
    // LIKE (bench/). Only for a bare column, which may appear several times (a JSON path may hold a
    // placeholder, and SQLite's placeholders are positional).
    const folded = /^"\w+"$/.test(expr)
      ? `CASE WHEN length(${expr}) = length(CAST(${expr} AS BLOB)) THEN lower(${expr}) ELSE dbal_fold(${expr}) END`
      : `dbal_fold(${expr})`
    if (op === 'contains') return `instr(${folded}, ${p.add(needle)}) > 0`
    const n = codePointLength(needle)
    if (op === 'startsWith') return `substr(${folded}, 1, ${p.add(n)}) = ${p.add(needle)}`
    // substr(x, -0) is the whole string, not its empty suffix.
    return n === 0 ? `${expr} IS NOT NULL` : `substr(${folded}, ${p.add(-n)}) = ${p.add(needle)}`
  },
  jsonIsNull: (column, path, p) => `COALESCE(json_type(${column}, ${path$(path, p)}), 'null') = 'null'`,
  jsonCompare(column, path, op, v: JsonScalar, p) {
    // json_extract turns true into 1: booleans are told apart by their JSON type instead.
    if (typeof v === 'boolean')
      return `json_type(${column}, ${path$(path, p)}) = ${p.add(v ? 'true' : 'false')}`
    const kind = typeof v === 'string' ? 'string' : 'number'
    return `(json_type(${column}, ${path$(path, p)}) ${JSON_KIND[kind]} AND json_extract(${column}, ${path$(path, p)}) ${OPERATORS[op]} ${p.add(v)})`
  },
  jsonIn(column, path, values, p) {
    const list = (xs: readonly unknown[]) => xs.map((x) => p.add(x)).join(', ')
    const parts: string[] = []
    for (const kind of ['string', 'number'] as const) {
      const xs = values.filter((v) => typeof v === kind)
      if (xs.length)
        parts.push(
          `(json_type(${column}, ${path$(path, p)}) ${JSON_KIND[kind]} AND json_extract(${column}, ${path$(path, p)}) IN (${list(xs)}))`,
        )
    }
    const booleans = [...new Set(values.filter((v) => typeof v === 'boolean'))]
    if (booleans.length)
      parts.push(`json_type(${column}, ${path$(path, p)}) IN (${list(booleans.map(String))})`)
    return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`
  },
  jsonText: (column, path, p) =>
    `CASE WHEN json_type(${column}, ${path$(path, p)}) = 'text' THEN json_extract(${column}, ${path$(path, p)}) END`,
  statementAbortsTransaction: false,
  // sqlite3_changes() counts only the rows the statement itself deleted, not those its cascades did.
  deleteCountOmitsCascaded: true,
  inlineForeignKeys: true,
  // IMMEDIATE takes the write lock up front, so two connections to one file never deadlock on upgrade.
  begin: 'BEGIN IMMEDIATE',
}
