/**
 * Wire values ↔ stored values, field by field. Sequelize sees plain SQL type strings, so it never
 * transforms a value itself: every conversion is here and is lossless by construction.
 */
import type { Entity, Field } from '../../core/schema.ts'
import { foldCase } from '../../core/text.ts'
import type { Row } from '../../core/validate.ts'
import { canonicalDatetime, isPlainObject } from '../../core/values.ts'
import { foldable, shadowAttribute, type DialectSpec } from './dialect.ts'

/** A JSON value with every string folded and the keys kept: what dot-path text matching reads on SQLite. */
function foldJson(v: unknown): unknown {
  if (typeof v === 'string') return foldCase(v)
  if (Array.isArray(v)) return v.map(foldJson)
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, foldJson(x)]))
  return v
}

/** The folded form of a wire value, as stored in a shadow column. */
export function shadowValue(f: Field, v: unknown): unknown {
  if (v === null || v === undefined) return null
  return f.type === 'json' ? JSON.stringify(foldJson(v)) : foldCase(v as string)
}

/** A scalar wire value in the form the column stores: also used for filter operands. */
export function toStorage(d: DialectSpec, f: Field, v: unknown): unknown {
  if (v === null || v === undefined) return null
  switch (f.type) {
    case 'boolean':
      return d.name === 'postgres' ? v : v ? 1 : 0
    case 'datetime':
      // MariaDB DATETIME has no zone: the session runs in UTC and gets the UTC wall time.
      return d.name === 'mariadb' ? (v as string).slice(0, 23).replace('T', ' ') : v
    case 'json':
      return JSON.stringify(v)
    default:
      return v
  }
}

export function fromStorage(f: Field, v: unknown): unknown {
  if (v === null || v === undefined) return null
  switch (f.type) {
    case 'boolean':
      return typeof v === 'boolean' ? v : Number(v) !== 0
    case 'integer':
      return typeof v === 'number' ? v : Number(v)
    case 'datetime':
      if (v instanceof Date) return v.toISOString()
      // MariaDB sends 'YYYY-MM-DD HH:MM:SS.sss' (UTC); SQLite the canonical text itself.
      return canonicalDatetime(/[zZ]|[+-]\d\d:?\d\d$/.test(v as string) ? v : `${v as string}Z`) ?? v
    case 'json':
      return typeof v === 'string' ? JSON.parse(v) : v
    case 'uuid':
      return (v as string).toLowerCase()
    default:
      return v
  }
}

/** A wire row (or patch) as model attributes, with the shadow columns the dialect keeps. */
export function rowToStorage(d: DialectSpec, e: Entity, row: Row): Row {
  const out: Row = {}
  for (const f of e.fields) {
    if (!(f.name in row)) continue
    out[f.name] = toStorage(d, f, row[f.name])
    if (d.fold === 'shadow' && foldable(f)) out[shadowAttribute(f)] = shadowValue(f, row[f.name])
  }
  return out
}

/** A stored row (raw, keyed by attribute) in wire form: every field, canonical values. */
export function rowFromStorage(e: Entity, raw: Row): Row {
  const out: Row = {}
  for (const f of e.fields) out[f.name] = fromStorage(f, raw[f.name])
  return out
}
