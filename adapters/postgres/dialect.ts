/**
 * PostgreSQL's side of the shared SQL (used by the pg adapter and by PGlite). Text columns are
 * COLLATE "C" so that comparison and ORDER BY go by code point on any server locale; timestamps are
 * timestamptz, selected back as canonical ISO text; JSON is jsonb read with #> and jsonb_typeof. Every
 * parameter carries an explicit cast so that a named statement has the same types whatever the values.
 */
import type { Field, FieldType } from '../../core/schema.ts'
import { OPERATORS, sqlString, type Dialect, type Params } from '../sql/dialect.ts'

const INT4_MIN = -2147483648
const INT4_MAX = 2147483647
const fitsInt4 = (f: Field) =>
  f.min !== undefined && f.max !== undefined && f.min >= INT4_MIN && f.max <= INT4_MAX

const TEXT = 'text COLLATE "C"'
const TYPES: Readonly<Record<Exclude<FieldType, 'integer'>, string>> = {
  uuid: 'uuid',
  string: TEXT,
  text: TEXT,
  email: TEXT,
  enum: TEXT,
  boolean: 'boolean',
  datetime: 'timestamptz',
  json: 'jsonb',
}

/** The cast on a bound parameter; integers as bigint so that an out-of-range filter value compares instead of failing. */
const CASTS: Readonly<Record<FieldType, string>> = {
  uuid: 'uuid',
  string: 'text',
  text: 'text',
  email: 'text',
  enum: 'text',
  integer: 'bigint',
  boolean: 'boolean',
  datetime: 'timestamptz',
  json: 'jsonb',
}

const encode = (f: Field, v: unknown): unknown =>
  v === null || v === undefined ? null : f.type === 'json' ? JSON.stringify(v) : v

/** The JSON path is one text[] parameter: no key of a filter is ever spliced into the SQL text. */
const at = (column: string, path: readonly string[], p: Params, text = false) =>
  `(${column} ${text ? '#>>' : '#>'} ${p.add(path)}::text[])`

export const postgresDialect: Dialect = {
  name: 'postgres',
  placeholder: (n) => `$${n}`,
  columnType: (f) => (f.type === 'integer' ? (fitsInt4(f) ? 'integer' : 'bigint') : TYPES[f.type]),
  encode,
  // bigint arrives as a string (pg) or a number (PGlite).
  decoder: (f) =>
    f.type === 'integer' && !fitsInt4(f) ? (raw) => (raw === null ? null : Number(raw)) : undefined,
  selectExpr: (f, column) =>
    f.type === 'datetime' ? `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` : column,
  param: (f, v, p) => `${p.add(encode(f, v))}::${CASTS[f.type]}`,
  // One array parameter: the text stays the same whatever the list's length, so one prepared statement
  // serves every length, and no list comes near the protocol's 65,535 parameters.
  inList: (f, column, values, p) =>
    `${column} = ANY(${p.add(values.map((v) => encode(f, v)))}::${CASTS[f.type]}[])`,
  literal(f, v) {
    if (typeof v === 'number') return String(v)
    if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE'
    return f.type === 'json' ? `${sqlString(JSON.stringify(v))}::jsonb` : sqlString(String(v))
  },
  nulls: (dir) => (dir === 'asc' ? ' NULLS FIRST' : ' NULLS LAST'),
  textMatch(op, expr, needle, p) {
    const folded = `dbal_fold(${expr})`
    const n = `${p.add(needle)}::text`
    if (op === 'contains') return `strpos(${folded}, ${n}) > 0`
    return `${op === 'startsWith' ? 'left' : 'right'}(${folded}, length(${n})) = ${n}`
  },
  jsonIsNull: (column, path, p) => `COALESCE(jsonb_typeof(${at(column, path, p)}), 'null') = 'null'`,
  jsonCompare(column, path, op, v, p) {
    // jsonb equality is by JSON type and value (true is never 1); jsonb ordering of strings would use
    // the database collation, so strings are ordered as text COLLATE "C".
    if (op === 'eq') return `${at(column, path, p)} = ${p.add(JSON.stringify(v))}::jsonb`
    if (typeof v === 'string')
      return `(jsonb_typeof(${at(column, path, p)}) = 'string' AND ${at(column, path, p, true)} COLLATE "C" ${OPERATORS[op]} ${p.add(v)}::text)`
    return `(jsonb_typeof(${at(column, path, p)}) = 'number' AND ${at(column, path, p)} ${OPERATORS[op]} ${p.add(JSON.stringify(v))}::jsonb)`
  },
  // jsonb equality already tells the JSON types apart, so one array of every kind does.
  jsonIn: (column, path, values, p) =>
    `${at(column, path, p)} = ANY(${p.add(values.map((v) => JSON.stringify(v)))}::jsonb[])`,
  jsonText: (column, path, p) =>
    `CASE WHEN jsonb_typeof(${at(column, path, p)}) = 'string' THEN ${at(column, path, p, true)} END`,
  statementAbortsTransaction: true,
  // The referential actions run after the statement, so its row count holds every row it matched.
  deleteCountOmitsCascaded: false,
  inlineForeignKeys: false,
  begin: 'BEGIN',
}
