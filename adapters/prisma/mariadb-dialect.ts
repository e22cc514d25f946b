/**
 * MariaDB's side of the shared SQL (adapters/sql), for the Prisma backend: the DBAL's native SQL code has
 * no MariaDB dialect of its own (MariaDB is served by Sequelize there), so this one borrows Sequelize's
 * MariaDB column types and its `dbal_fold` function (sequelize/dialect.ts, fold-sql.ts) rather than
 * restating them. Identifiers are double-quoted by the shared code, so every session runs with
 * ANSI_QUOTES (open.ts). Text is utf8mb4_nopad_bin (code point order, trailing spaces significant);
 * datetimes are DATETIME(3) in UTC, bound as 'YYYY-MM-DD HH:MM:SS.mmm' and selected back as canonical ISO
 * text; JSON is text read with JSON_EXTRACT / JSON_TYPE, every comparison guarded by the JSON type.
 */
import type { Field } from '../../core/schema.ts'
import { codePointLength } from '../../core/text.ts'
import { SPECS } from '../sequelize/dialect.ts'
import { OPERATORS, type Dialect, type JsonScalar, type Params } from '../sql/dialect.ts'
import { PRISMA_BEGIN } from './driver.ts'

const TEXT = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin'

/** Enums are as long as their longest value: VARCHAR, so that an index needs no prefix. */
function columnType(f: Field): string {
  if (f.type === 'enum' && !f.maxLength && f.values?.length)
    return `VARCHAR(${Math.max(...f.values.map(codePointLength))}) ${TEXT}`
  return SPECS.mariadb.columnType(f)
}

/** A string constant: MariaDB's literals also treat backslash as an escape. */
const literalString = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`

/** Canonical ISO (…T…Z) → DATETIME text in UTC; the session's time zone is UTC. */
const toDatetime = (v: string) => v.replace('T', ' ').replace(/Z$/, '')

function encode(f: Field, v: unknown): unknown {
  if (v === null || v === undefined) return null
  if (f.type === 'boolean') return v ? 1 : 0
  if (f.type === 'json') return JSON.stringify(v)
  if (f.type === 'datetime' && typeof v === 'string') return toDatetime(v)
  return v
}

const toBoolean = (raw: unknown) => (raw === null ? null : raw === true || Number(raw) !== 0)
const toJson = (raw: unknown) =>
  raw === null ? null : typeof raw === 'string' ? (JSON.parse(raw) as unknown) : raw

/** The path as one bound parameter; keys are quoted so that any identifier is a path step. */
const path$ = (path: readonly string[], p: Params) => p.add(`$${path.map((k) => `."${k}"`).join('')}`)
const node = (column: string, path: readonly string[], p: Params) =>
  `JSON_EXTRACT(${column}, ${path$(path, p)})`
const typeOf = (column: string, path: readonly string[], p: Params) => `JSON_TYPE(${node(column, path, p)})`

const NUMBER_TYPES = `('INTEGER', 'DOUBLE', 'DECIMAL')`

/** A JSON string's value as text compared by code point (UTF-8 bytes). */
const unquoted = (column: string, path: readonly string[], p: Params) =>
  `CAST(JSON_UNQUOTE(${node(column, path, p)}) AS BINARY)`

export const mariadbDialect: Dialect = {
  name: 'mariadb',
  placeholder: () => '?',
  columnType,
  encode,
  decoder: (f) => (f.type === 'boolean' ? toBoolean : f.type === 'json' ? toJson : undefined),
  selectExpr: (f, column) =>
    f.type === 'datetime'
      ? `CONCAT(DATE_FORMAT(${column}, '%Y-%m-%dT%H:%i:%s.'), LPAD(MICROSECOND(${column}) DIV 1000, 3, '0'), 'Z')`
      : column,
  param: (f, v, p) => p.add(encode(f, v)),
  inList: (f, column, values, p) => `${column} IN (${values.map((v) => p.add(encode(f, v))).join(', ')})`,
  literal(f, v) {
    if (typeof v === 'number') return String(v)
    if (typeof v === 'boolean') return v ? '1' : '0'
    return literalString(f.type === 'json' ? JSON.stringify(v) : String(v))
  },
  // NULL is the smallest value in MariaDB: ascending puts it first, descending last, as the contract says.
  nulls: () => '',
  textMatch(op, expr, needle, p) {
    // Binary comparison: the folded text and the needle match byte for byte, never by a collation.
    // Placeholders are positional: each use of a value is a parameter of its own, added in text order
    // (`expr` has already added its own).
    const folded = `CAST(dbal_fold(${expr}) AS BINARY)`
    if (op === 'contains') return `INSTR(${folded}, CAST(${p.add(needle)} AS BINARY)) > 0`
    const bytes = p.add(Buffer.byteLength(needle, 'utf8'))
    const side = op === 'startsWith' ? 'LEFT' : 'RIGHT'
    return `${side}(${folded}, ${bytes}) = CAST(${p.add(needle)} AS BINARY)`
  },
  jsonIsNull: (column, path, p) => `COALESCE(${typeOf(column, path, p)}, 'NULL') = 'NULL'`,
  jsonCompare(column, path, op, v: JsonScalar, p) {
    if (typeof v === 'boolean')
      return `(${typeOf(column, path, p)} = 'BOOLEAN' AND CAST(${node(column, path, p)} AS CHAR) = ${p.add(String(v))})`
    if (typeof v === 'string')
      return `(${typeOf(column, path, p)} = 'STRING' AND ${unquoted(column, path, p)} ${OPERATORS[op]} CAST(${p.add(v)} AS BINARY))`
    return `(${typeOf(column, path, p)} IN ${NUMBER_TYPES} AND CAST(${node(column, path, p)} AS DOUBLE) ${OPERATORS[op]} ${p.add(v)})`
  },
  jsonIn(column, path, values, p) {
    const parts: string[] = []
    const strings = values.filter((v): v is string => typeof v === 'string')
    if (strings.length)
      parts.push(
        `(${typeOf(column, path, p)} = 'STRING' AND ${unquoted(column, path, p)} IN (${strings.map((s) => `CAST(${p.add(s)} AS BINARY)`).join(', ')}))`,
      )
    const numbers = values.filter((v): v is number => typeof v === 'number')
    if (numbers.length)
      parts.push(
        `(${typeOf(column, path, p)} IN ${NUMBER_TYPES} AND CAST(${node(column, path, p)} AS DOUBLE) IN (${numbers.map((x) => p.add(x)).join(', ')}))`,
      )
    const booleans = [...new Set(values.filter((v): v is boolean => typeof v === 'boolean'))]
    if (booleans.length)
      parts.push(
        `(${typeOf(column, path, p)} = 'BOOLEAN' AND CAST(${node(column, path, p)} AS CHAR) IN (${booleans.map((b) => p.add(String(b))).join(', ')}))`,
      )
    return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`
  },
  jsonText: (column, path, p) =>
    `CASE WHEN ${typeOf(column, path, p)} = 'STRING' THEN CONVERT(JSON_UNQUOTE(${node(column, path, p)}) USING utf8mb4) COLLATE utf8mb4_nopad_bin END`,
  statementAbortsTransaction: false,
  // Like SQLite, a DELETE's count leaves out matched rows that a cascade of the same table removed first.
  deleteCountOmitsCascaded: true,
  inlineForeignKeys: false,
  begin: PRISMA_BEGIN,
}
