/**
 * The normalized filter tree (core/query.ts) → a SQL condition, and a sort → ORDER BY. Only quoted column
 * names from the schema and a fixed set of operators are written into the SQL text; every value (and
 * every JSON path) is a bound parameter. The meaning is reference/match.ts: two-valued logic where a
 * comparison with NULL is false, so every NOT is written as NOT COALESCE(x, FALSE) and `$ne`, `$nin` and
 * `$not` include the rows where the field is null.
 *
 * Every filter core/query.ts accepts must compile to a statement each database runs (CONTRACT §5: one
 * query language on every backend). SQLite refuses an expression tree deeper than 1000 and parses
 * `a OR b OR c ...` into a tree as deep as the list, so lists of values are never spelled out as ORs (an
 * IN list per JSON type instead) and long AND/OR chains are grouped. A list binds one parameter per
 * value on SQLite (and a few for its JSON path), one array on PostgreSQL: the largest accepted filter
 * binds under 6,000 of SQLite's 32,766 and under 700 of PostgreSQL's 65,535 (sql-filter-limits.test.ts).
 */
import { DBALError } from '../../core/errors.ts'
import type { Cond, SortKey } from '../../core/query.ts'
import type { Entity, Field } from '../../core/schema.ts'
import { foldCase } from '../../core/text.ts'
import {
  OPERATORS,
  quote,
  type Dialect,
  type JsonScalar,
  type Ordering,
  type Params,
  type TextMatch,
} from './dialect.ts'

const TRUE = '(1 = 1)'
const FALSE = '(1 = 0)'
const ORDERINGS: readonly string[] = ['eq', 'gt', 'gte', 'lt', 'lte']
const TEXT_MATCHES: readonly string[] = ['contains', 'startsWith', 'endsWith']

/** Terms in one flat AND/OR: a chain of n adds n levels to SQLite's tree, groups of groups add log n. */
const GROUP = 8

/** `parts` joined by `op`, in nested groups of at most GROUP, so the depth grows with log(parts). */
function chain(parts: readonly string[], op: 'AND' | 'OR'): string {
  let level = parts
  while (level.length > GROUP) {
    const groups: string[] = []
    for (let i = 0; i < level.length; i += GROUP) groups.push(chain(level.slice(i, i + GROUP), op))
    level = groups
  }
  return level.length === 1 ? level[0]! : `(${level.join(` ${op} `)})`
}

const negate = (sql: string) => `NOT COALESCE(${sql}, FALSE)`
const anyOf = (parts: readonly string[]) => (parts.length === 0 ? FALSE : chain(parts, 'OR'))
const allOf = (parts: readonly string[]) => (parts.length === 0 ? TRUE : chain(parts, 'AND'))

function bad(e: Entity, field: string, error: string): DBALError {
  return new DBALError('VALIDATION_ERROR', { entity: e.name, fields: [{ field, error }] })
}

function fieldOf(e: Entity, name: string): Field {
  const f = e.field.get(name)
  if (!f) throw bad(e, name, 'unknown field')
  return f
}

type Cmp = Extract<Cond, { kind: 'cmp' }>

/** A comparison on a column of its own (not a JSON path). */
function column(d: Dialect, e: Entity, f: Field, c: Cmp, p: Params): string {
  const col = quote(f.column)
  const v = c.value
  switch (c.op) {
    case 'eq':
      return v === null ? `${col} IS NULL` : `${col} = ${d.param(f, v, p)}`
    case 'ne':
      return v === null ? `${col} IS NOT NULL` : negate(`${col} = ${d.param(f, v, p)}`)
    case 'in':
    case 'nin': {
      const values = c.value as unknown[]
      const present = values.filter((x) => x !== null)
      const parts = present.length ? [d.inList(f, col, present, p)] : []
      if (present.length < values.length) parts.push(`${col} IS NULL`)
      return c.op === 'in' ? anyOf(parts) : negate(anyOf(parts))
    }
    case 'exists':
      return `${col} IS ${v ? 'NOT ' : ''}NULL`
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      if (typeof v !== 'string') throw bad(e, c.field, `$${c.op} takes a string`)
      return d.textMatch(c.op, col, foldCase(v), p)
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (v === null) throw bad(e, c.field, `$${c.op} does not take null`)
      return `${col} ${OPERATORS[c.op]} ${d.param(f, v, p)}`
  }
  throw bad(e, c.field, 'unknown operator')
}

const isScalar = (v: unknown): v is JsonScalar =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'

/** A comparison on a dot path inside a JSON column: only values of the same JSON type ever match. */
function jsonPath(d: Dialect, e: Entity, f: Field, c: Cmp, path: readonly string[], p: Params): string {
  const col = quote(f.column)
  const eq = (v: unknown) => {
    if (v === null) return d.jsonIsNull(col, path, p)
    if (!isScalar(v)) throw bad(e, c.field, 'a JSON path compares with scalars only')
    return d.jsonCompare(col, path, 'eq', v, p)
  }
  // One IN list per JSON type (see the dialects' jsonIn), however long the list.
  const oneOf = (values: readonly unknown[]) => {
    const present = values.filter((x) => x !== null)
    if (!present.every(isScalar)) throw bad(e, c.field, 'a JSON path compares with scalars only')
    const parts = present.length ? [d.jsonIn(col, path, present, p)] : []
    if (present.length < values.length) parts.push(d.jsonIsNull(col, path, p))
    return anyOf(parts)
  }
  const v = c.value
  switch (c.op) {
    case 'eq':
      return eq(v)
    case 'ne':
      return negate(eq(v))
    case 'in':
      return oneOf(v as unknown[])
    case 'nin':
      return negate(oneOf(v as unknown[]))
    case 'exists':
      return v ? negate(d.jsonIsNull(col, path, p)) : d.jsonIsNull(col, path, p)
  }
  if (TEXT_MATCHES.includes(c.op) && typeof v === 'string')
    return d.textMatch(c.op as TextMatch, d.jsonText(col, path, p), foldCase(v), p)
  if (ORDERINGS.includes(c.op) && (typeof v === 'string' || typeof v === 'number'))
    return d.jsonCompare(col, path, c.op as Ordering, v, p)
  throw bad(e, c.field, `$${c.op} does not take this value`)
}

/** The condition as SQL (never NULL-sensitive under NOT); its values are added to `p`. */
export function compileWhere(d: Dialect, e: Entity, c: Cond, p: Params): string {
  switch (c.kind) {
    case 'all':
      return TRUE
    case 'and':
      return allOf(c.items.map((x) => compileWhere(d, e, x, p)))
    case 'or':
      return anyOf(c.items.map((x) => compileWhere(d, e, x, p)))
    case 'not':
      return negate(compileWhere(d, e, c.item, p))
    case 'cmp': {
      const f = fieldOf(e, c.field)
      if (c.path && c.path.length > 0) {
        if (f.type !== 'json') throw bad(e, c.field, 'only JSON fields have paths')
        return jsonPath(d, e, f, c, c.path, p)
      }
      return column(d, e, f, c, p)
    }
  }
}

/** ORDER BY for a sort (already ending with the primary key, see parseSort). */
export function compileOrder(d: Dialect, e: Entity, sort: readonly SortKey[]): string {
  if (sort.length === 0) return ''
  const keys = sort.map((k) => {
    const f = fieldOf(e, k.field)
    if (f.type === 'json') throw bad(e, `sort.${k.field}`, 'JSON fields cannot be sorted on')
    const dir = k.dir === 'desc' ? 'desc' : 'asc'
    return `${quote(f.column)} ${dir.toUpperCase()}${d.nulls(dir)}`
  })
  return ` ORDER BY ${keys.join(', ')}`
}
