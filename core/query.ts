/**
 * The portable query language (CONTRACT §5): a caller's filter, sort and page are checked against the
 * schema and turned into a small normalized tree that every adapter compiles. Only schema field names and
 * the fixed operator set get through, which is also the injection barrier: nothing a caller writes is
 * ever spliced into a query as text.
 */
import { validationError, type FieldError } from './errors.ts'
import type { Entity, Field } from './schema.ts'
import { checkType, isPlainObject } from './values.ts'

export const COMPARISONS = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'nin',
  'contains',
  'startsWith',
  'endsWith',
  'exists',
] as const
export type Comparison = (typeof COMPARISONS)[number]
export type Scalar = string | number | boolean | null

/** A normalized filter. Field names are wire names; values are canonical (see values.ts). */
export type Cond =
  | { readonly kind: 'all' }
  | { readonly kind: 'and' | 'or'; readonly items: readonly Cond[] }
  | { readonly kind: 'not'; readonly item: Cond }
  | {
      readonly kind: 'cmp'
      readonly field: string
      /** Keys inside a JSON field (`manifest.entry` → field manifest, path [entry]). */
      readonly path?: readonly string[]
      readonly op: Comparison
      /** A scalar, an array of scalars for in/nin, a boolean for exists. */
      readonly value: unknown
    }

export interface SortKey {
  readonly field: string
  readonly dir: 'asc' | 'desc'
}

export interface ListQuery {
  readonly filter: Cond
  readonly sort: readonly SortKey[]
  readonly offset: number
  readonly limit: number
}

export const ALL: Cond = { kind: 'all' }

const MAX_DEPTH = 16
const MAX_CONDITIONS = 256
const MAX_IN = 1000
/**
 * Values in one whole filter (each $in/$nin element counts). Every accepted filter must run on every
 * backend: SQLite binds at most 32,766 parameters and PostgreSQL 65,535 per statement, and a JSON-path
 * comparison binds up to three; 5,000 values stay well inside both with the ACL's row rules added.
 */
export const MAX_VALUES = 5000
/**
 * Characters of all the strings in one filter (UTF-16 code units). Text fields have no length limit of
 * their own, and a statement carrying megabytes of text fails on some servers (MariaDB's
 * max_allowed_packet, 16 MiB, with values escaped) where it runs on others.
 */
export const MAX_TEXT = 1 << 20
const MAX_PATH = 8
const PATH_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/
const ORDERED: readonly Comparison[] = ['gt', 'gte', 'lt', 'lte']
const TEXT_MATCH: readonly Comparison[] = ['contains', 'startsWith', 'endsWith']

function allowed(f: Field, op: Comparison): boolean {
  switch (f.type) {
    case 'string':
    case 'text':
    case 'email':
    case 'enum':
      return true
    case 'boolean':
      return !ORDERED.includes(op) && !TEXT_MATCH.includes(op)
    case 'json':
      return op === 'exists' || op === 'eq' || op === 'ne'
    default:
      return !TEXT_MATCH.includes(op)
  }
}

// `{}` matches every row. Inside a combinator it is dropped from an and and absorbs an or, so that a filter
// that matches everything is ALL and a bulk write cannot pass `{$and: [{}]}` for the refused empty filter.
function andOf(items: readonly Cond[]): Cond {
  const rest = items.filter((c) => c.kind !== 'all')
  return rest.length === 0 ? ALL : rest.length === 1 ? rest[0]! : { kind: 'and', items: rest }
}

function orOf(items: readonly Cond[]): Cond {
  return items.some((c) => c.kind === 'all') ? ALL : items.length === 1 ? items[0]! : { kind: 'or', items }
}

// A double negation is what it negates, so `{$not: {$not: {}}}` is ALL too. This normalizing makes the
// bulk-write guard refuse the obvious spellings of "every row"; it is a guard against mistakes, not a
// barrier: `{id: {$exists: true}}` matches every row on purpose and is allowed.
const notOf = (c: Cond): Cond => (c.kind === 'not' ? c.item : { kind: 'not', item: c })

class FilterParser {
  readonly errors: FieldError[] = []
  private count = 0
  private values = 0
  private text = 0
  constructor(private readonly e: Entity) {}

  private fail(field: string, error: string): Cond {
    this.errors.push({ field, error })
    return ALL
  }

  parse(filter: unknown, at: string, depth: number): Cond {
    if (filter === undefined || filter === null) return ALL
    if (!isPlainObject(filter)) return this.fail(at || 'filter', 'must be an object')
    if (depth > MAX_DEPTH) return this.fail(at || 'filter', `nested deeper than ${MAX_DEPTH}`)
    const items: Cond[] = []
    for (const [key, value] of Object.entries(filter)) {
      const here = at ? `${at}.${key}` : key
      if (key === '$and' || key === '$or') {
        if (!Array.isArray(value) || value.length === 0) {
          this.fail(here, 'must be a non-empty array of filters')
          continue
        }
        const subs = value.map((v, i) => this.parse(v, `${here}[${i}]`, depth + 1))
        items.push(key === '$and' ? andOf(subs) : orOf(subs))
      } else if (key === '$not') {
        if (!isPlainObject(value) || Object.keys(value).length === 0) {
          this.fail(here, 'must be a non-empty filter')
          continue
        }
        items.push(notOf(this.parse(value, here, depth + 1)))
      } else if (key.startsWith('$')) {
        this.fail(here, 'unknown operator')
      } else {
        items.push(...this.field(key, value, here))
      }
    }
    return andOf(items)
  }

  private resolve(key: string): { f: Field; path?: string[] } | undefined {
    const parts = key.split('.')
    const f = this.e.field.get(parts[0]!)
    if (!f || f.secret) return undefined
    if (parts.length === 1) return { f }
    if (f.type !== 'json' || f.jsonType !== 'object') return undefined
    const path = parts.slice(1)
    if (path.length > MAX_PATH || !path.every((p) => PATH_KEY.test(p))) return undefined
    return { f, path }
  }

  private field(key: string, value: unknown, at: string): Cond[] {
    const r = this.resolve(key)
    if (!r) return [this.fail(at, 'unknown field')]
    const ops =
      isPlainObject(value) &&
      Object.keys(value).length > 0 &&
      Object.keys(value).every((k) => k.startsWith('$'))
    if (!ops) {
      if (isPlainObject(value) || Array.isArray(value))
        return [this.fail(at, 'must be a value or an operator object')]
      return [this.cmp(r.f, r.path, 'eq', value, at)]
    }
    return Object.entries(value as Record<string, unknown>).map(([k, v]) => {
      const op = k.slice(1) as Comparison
      if (!COMPARISONS.includes(op)) return this.fail(`${at}.${k}`, 'unknown operator')
      return this.cmp(r.f, r.path, op, v, `${at}.${k}`)
    })
  }

  private scalar(
    f: Field,
    path: readonly string[] | undefined,
    op: Comparison,
    v: unknown,
    at: string,
  ): { ok: boolean; value: unknown } {
    if (typeof v === 'string' && (this.text += v.length) > MAX_TEXT) {
      this.fail(at, `more than ${MAX_TEXT} characters of text in one filter`)
      return { ok: false, value: null }
    }
    if (path) {
      if (v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)))
        return { ok: true, value: v }
      if (typeof v === 'string') {
        const c = checkType({ ...f, type: 'string' }, v)
        if (c.ok) return { ok: true, value: v }
        this.fail(at, c.error)
        return { ok: false, value: null }
      }
      this.fail(at, 'must be a string, number, boolean or null')
      return { ok: false, value: null }
    }
    if (v === null) return { ok: true, value: null }
    if (TEXT_MATCH.includes(op) && typeof v !== 'string') {
      this.fail(at, 'must be a string')
      return { ok: false, value: null }
    }
    const c = checkType(f, v)
    if (!c.ok) this.fail(at, c.error)
    return { ok: c.ok, value: c.ok ? c.value : null }
  }

  private cmp(f: Field, path: readonly string[] | undefined, op: Comparison, v: unknown, at: string): Cond {
    if (++this.count > MAX_CONDITIONS) return this.fail(at, `more than ${MAX_CONDITIONS} conditions`)
    if (!path && !allowed(f, op)) return this.fail(at, `operator $${op} does not apply to a ${f.type} field`)
    if (op === 'exists') {
      if (typeof v !== 'boolean') return this.fail(at, 'must be true or false')
      return { kind: 'cmp', field: f.name, path, op, value: v }
    }
    if (op === 'in' || op === 'nin') {
      if (!Array.isArray(v)) return this.fail(at, 'must be an array')
      if (v.length > MAX_IN) return this.fail(at, `at most ${MAX_IN} values`)
      if ((this.values += v.length) > MAX_VALUES)
        return this.fail(at, `more than ${MAX_VALUES} values in one filter`)
      const values: unknown[] = []
      for (const [i, x] of v.entries()) {
        const s = this.scalar(f, path, 'eq', x, `${at}[${i}]`)
        if (!s.ok) return ALL
        values.push(s.value)
      }
      return { kind: 'cmp', field: f.name, path, op, value: values }
    }
    if (f.type === 'json' && !path && v !== null)
      return this.fail(at, 'a JSON field compares only with null; filter on a dot path')
    const s = this.scalar(f, path, op, v, at)
    if (!s.ok) return ALL
    if (s.value === null && op !== 'eq' && op !== 'ne') return this.fail(at, `$${op} does not take null`)
    if (path && (ORDERED.includes(op) || TEXT_MATCH.includes(op)) && typeof s.value === 'boolean')
      return this.fail(at, `$${op} does not take a boolean`)
    if (path && TEXT_MATCH.includes(op) && typeof s.value !== 'string')
      return this.fail(at, 'must be a string')
    return { kind: 'cmp', field: f.name, path, op, value: s.value }
  }
}

/** Checks a caller's filter; an empty or absent filter is ALL. */
export function parseFilter(e: Entity, filter: unknown, at = 'filter'): Cond {
  const p = new FilterParser(e)
  const c = p.parse(filter, at, 0)
  if (p.errors.length) throw validationError(p.errors, { entity: e.name })
  return c
}

export const isAll = (c: Cond): boolean => c.kind === 'all'

/** Adds a condition to a filter (used for row-level rules and session expiry). */
export const and = (a: Cond, b: Cond): Cond => (isAll(a) ? b : isAll(b) ? a : { kind: 'and', items: [a, b] })

const MAX_SORT_KEYS = 8

/** Checks a sort; ends with `id asc` so pages are deterministic. Default `createdAt asc, id asc`. */
export function parseSort(e: Entity, sort: unknown): SortKey[] {
  const errors: FieldError[] = []
  const keys: SortKey[] = []
  if (sort !== undefined && sort !== null) {
    if (!isPlainObject(sort))
      throw validationError([{ field: 'sort', error: 'must be an object of field: asc|desc' }], {
        entity: e.name,
      })
    const entries = Object.entries(sort)
    if (entries.length > MAX_SORT_KEYS) errors.push({ field: 'sort', error: `at most ${MAX_SORT_KEYS} keys` })
    for (const [k, dir] of entries) {
      const f = e.field.get(k)
      if (!f || f.secret) errors.push({ field: `sort.${k}`, error: 'unknown field' })
      else if (f.type === 'json')
        errors.push({ field: `sort.${k}`, error: 'JSON fields cannot be sorted on' })
      else if (dir !== 'asc' && dir !== 'desc')
        errors.push({ field: `sort.${k}`, error: "must be 'asc' or 'desc'" })
      else keys.push({ field: f.name, dir })
    }
  }
  if (errors.length) throw validationError(errors, { entity: e.name })
  if (keys.length === 0 && e.createdField) keys.push({ field: e.createdField.name, dir: 'asc' })
  if (!keys.some((k) => k.field === e.primary.name)) keys.push({ field: e.primary.name, dir: 'asc' })
  return keys
}

const MAX_PAGE = 1_000_000_000

/** Checks page and limit: page ≥ 1, 1 ≤ limit ≤ the entity's maximum. */
export function parsePage(
  e: Entity,
  page: unknown,
  limit: unknown,
): { page: number; limit: number; offset: number } {
  const errors: FieldError[] = []
  const p = page === undefined || page === null ? 1 : page
  const l = limit === undefined || limit === null ? e.page.defaultLimit : limit
  if (!Number.isSafeInteger(p) || (p as number) < 1 || (p as number) > MAX_PAGE)
    errors.push({ field: 'page', error: `must be an integer from 1 to ${MAX_PAGE}` })
  if (!Number.isSafeInteger(l) || (l as number) < 1 || (l as number) > e.page.maxLimit)
    errors.push({ field: 'limit', error: `must be an integer from 1 to ${e.page.maxLimit}` })
  if (errors.length) throw validationError(errors, { entity: e.name })
  return { page: p as number, limit: l as number, offset: ((p as number) - 1) * (l as number) }
}
