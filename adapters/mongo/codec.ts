/**
 * Wire rows ↔ Mongo documents, derived from the schema: `_id` is the row's UUID string, other fields
 * take their snake_case storage name, datetimes are BSON dates, JSON fields are native sub-documents.
 * A null is never stored (the field is left out), so that a unique index never sees two nulls collide
 * (CONTRACT §1: SQL semantics) on MongoDB (sparse indexes skip missing fields) and on FerretDB alike.
 *
 * Case-insensitive matching (CONTRACT §5, Unicode simple lowercase per code point) cannot come from the
 * server: neither the `i` regex flag (Go's or PCRE's case orbits fold ς, ſ, µ and not İ as the contract
 * does) nor a collation (FerretDB has none) gives it. So every text field, and every string inside a JSON
 * object field, is stored a second time folded by core's foldCase in `<column>__fold`, and text matching
 * runs an escaped, flag-free regular expression on that shadow.
 */
import type { Entity, Field } from '../../core/schema.ts'
import { foldCase } from '../../core/text.ts'
import type { Row } from '../../core/validate.ts'

export type Doc = Record<string, unknown>

export const FOLD_SUFFIX = '__fold'

/** The document key of a field. */
export const keyOf = (f: Field): string => (f.primary ? '_id' : f.column)

/** Fields whose text is matched case-insensitively: they get a folded shadow. */
export const isFoldable = (f: Field): boolean =>
  f.type === 'string' ||
  f.type === 'text' ||
  f.type === 'email' ||
  f.type === 'enum' ||
  (f.type === 'json' && f.jsonType === 'object')

export const shadowKey = (f: Field): string => `${f.column}${FOLD_SUFFIX}`

/**
 * MongoDB and FerretDB refuse keys with a '.' or a leading '$'; JSON fields round-trip exactly, so such
 * keys are escaped: '%' → %25, '.' → %2E, a leading '$' → %24. An identifier key (the only kind a dot
 * path can name, core/query.ts) never contains '%', so it is stored unchanged and paths need no escaping;
 * every other key decodes back unambiguously because '%' itself is always escaped.
 */
export function encodeKey(k: string): string {
  if (!/[%.]|^\$/.test(k)) return k
  return k.replace(/%/g, '%25').replace(/\./g, '%2E').replace(/^\$/, '%24')
}

export function decodeKey(k: string): string {
  if (!k.includes('%')) return k
  return k.replace(/%(25|2E|24)/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
}

/** Builds an object with own data properties only, so '__proto__' stays a key, never a prototype. */
function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {}
  for (const [k, v] of entries)
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true })
  return o
}

/**
 * FerretDB refuses an array directly inside an array ("nested arrays are not supported"), so such an
 * array is stored wrapped as `{"%a": [...]}`. No key of the caller's can be `%a` (its '%' would be
 * escaped), and a dot path never steps into an array, so the wrapping is invisible to queries.
 */
const WRAPPED = '%a'

function mapJson(
  v: unknown,
  dir: 'encode' | 'decode',
  leaf: (x: unknown) => unknown,
  inArray = false,
): unknown {
  if (Array.isArray(v)) {
    const items = v.map((x) => mapJson(x, dir, leaf, true))
    return inArray && dir === 'encode' ? { [WRAPPED]: items } : items
  }
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v)
    if (dir === 'decode') {
      const [only] = entries
      if (entries.length === 1 && only![0] === WRAPPED && Array.isArray(only![1]))
        return mapJson(only![1], dir, leaf, true)
    }
    const key = dir === 'encode' ? encodeKey : decodeKey
    return objectOf(entries.map(([k, x]) => [key(k), mapJson(x, dir, leaf)]))
  }
  return leaf(v)
}

const same = (x: unknown) => x
const foldLeaf = (x: unknown) => (typeof x === 'string' ? foldCase(x) : x)

export const encodeJson = (v: unknown): unknown => mapJson(v, 'encode', same)
export const decodeJson = (v: unknown): unknown => mapJson(v, 'decode', same)
/** The folded shadow of a JSON object: stored as encodeJson stores it, every string value folded. */
export const foldJson = (v: unknown): unknown => mapJson(v, 'encode', foldLeaf)

/** A non-null wire value as stored. */
export function toStored(f: Field, v: unknown): unknown {
  if (f.type === 'datetime') return new Date(v as string)
  if (f.type === 'json') return encodeJson(v)
  return v
}

function fromStored(f: Field, v: unknown): unknown {
  if (v === undefined || v === null) return null
  if (f.type === 'datetime') return v instanceof Date ? v.toISOString() : new Date(v as string).toISOString()
  if (f.type === 'json') return decodeJson(v)
  return v
}

/** The shadow value of a non-null wire value. */
export function shadowOf(f: Field, v: unknown): unknown {
  return f.type === 'json' ? foldJson(v) : foldCase(v as string)
}

/** The document of a full row (nulls left out). */
export function toDoc(e: Entity, row: Row): Doc {
  const doc: Doc = {}
  for (const f of e.fields) {
    const v = row[f.name]
    if (v === null || v === undefined) continue
    doc[keyOf(f)] = toStored(f, v)
    if (isFoldable(f)) doc[shadowKey(f)] = shadowOf(f, v)
  }
  return doc
}

/** The wire row of a document: every field of the entity, null where absent. */
export function fromDoc(e: Entity, doc: Doc): Row {
  const row: Row = {}
  for (const f of e.fields) row[f.name] = fromStored(f, doc[keyOf(f)])
  return row
}

/** The update document of a patch: `$set` for values, `$unset` for nulls, shadows kept in step. */
export function toUpdate(e: Entity, patch: Row): { $set?: Doc; $unset?: Doc } {
  const set: Doc = {}
  const unset: Doc = {}
  for (const [name, v] of Object.entries(patch)) {
    const f = e.field.get(name)
    if (!f || f.primary) continue
    if (v === null || v === undefined) {
      unset[keyOf(f)] = ''
      if (isFoldable(f)) unset[shadowKey(f)] = ''
    } else {
      set[keyOf(f)] = toStored(f, v)
      if (isFoldable(f)) set[shadowKey(f)] = shadowOf(f, v)
    }
  }
  return {
    ...(Object.keys(set).length ? { $set: set } : {}),
    ...(Object.keys(unset).length ? { $unset: unset } : {}),
  }
}

/** A filter value as stored (a datetime compares as a BSON date). */
export function storedValue(f: Field, v: unknown): unknown {
  if (v === null || v === undefined) return null
  return f.type === 'datetime' ? new Date(v as string) : v
}
