/** The query language evaluated in memory, the obvious way: the meaning every backend must reproduce. */
import type { Cond, SortKey } from '../core/query.ts'
import { compareCodePoints, foldCase } from '../core/text.ts'
import type { Row } from '../core/validate.ts'

type Value = unknown

function at(row: Row, field: string, path?: readonly string[]): Value {
  let v: Value = row[field]
  for (const key of path ?? []) {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.hasOwn(v, key)) return undefined
    v = (v as Record<string, Value>)[key]
  }
  return v
}

const isNull = (v: Value) => v === null || v === undefined

/** Scalars are equal when they have the same JSON type and value (a JSON `true` never equals `1`). */
const same = (a: Value, b: Value) => (isNull(a) ? isNull(b) : typeof a === typeof b && a === b)

/** Order of two non-null scalars of one type; undefined when they cannot be ordered. */
function order(a: Value, b: Value): number | undefined {
  if (typeof a === 'string' && typeof b === 'string') return compareCodePoints(a, b)
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b)
  return undefined
}

export function matches(c: Cond, row: Row): boolean {
  switch (c.kind) {
    case 'all':
      return true
    case 'and':
      return c.items.every((x) => matches(x, row))
    case 'or':
      return c.items.some((x) => matches(x, row))
    case 'not':
      return !matches(c.item, row)
    case 'cmp': {
      const v = at(row, c.field, c.path)
      switch (c.op) {
        case 'eq':
          return same(v, c.value)
        case 'ne':
          return !same(v, c.value)
        case 'in':
          return (c.value as Value[]).some((x) => same(v, x))
        case 'nin':
          return !(c.value as Value[]).some((x) => same(v, x))
        case 'exists':
          return c.value === !isNull(v)
        case 'gt':
        case 'gte':
        case 'lt':
        case 'lte': {
          if (isNull(v)) return false
          const o = order(v, c.value)
          if (o === undefined) return false
          return c.op === 'gt' ? o > 0 : c.op === 'gte' ? o >= 0 : c.op === 'lt' ? o < 0 : o <= 0
        }
        case 'contains':
        case 'startsWith':
        case 'endsWith': {
          if (typeof v !== 'string') return false
          const hay = foldCase(v)
          const needle = foldCase(c.value as string)
          return c.op === 'contains'
            ? hay.includes(needle)
            : c.op === 'startsWith'
              ? hay.startsWith(needle)
              : hay.endsWith(needle)
        }
      }
    }
  }
}

/** Sort order: nulls first ascending, last descending; strings by code point. */
export function comparator(keys: readonly SortKey[]): (a: Row, b: Row) => number {
  return (a, b) => {
    for (const k of keys) {
      const x = a[k.field]
      const y = b[k.field]
      let o: number
      if (isNull(x) || isNull(y)) o = isNull(x) === isNull(y) ? 0 : isNull(x) ? -1 : 1
      else o = order(x, y) ?? 0
      if (o !== 0) return k.dir === 'asc' ? o : -o
    }
    return 0
  }
}
