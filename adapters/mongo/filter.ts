/**
 * The portable filter (core/query.ts Cond) as a Mongo query document. A caller's value only ever sits
 * under an operator this file chose ($eq, $in, $gt, ...; text as an escaped regular expression), so no
 * value can become an operator, and field names come from the schema, never from the caller.
 *
 * Mongo's dot paths look inside arrays (`{'a.b': 1}` matches `{a: [{b: 1}]}`, `{a: 1}` matches `{a: [1]}`),
 * where the reference (reference/match.ts) reads a JSON path as keys of objects only: every step of a
 * path, and the value compared, is required not to be an array. A null or missing value is "null".
 */
import type { Cond } from '../../core/query.ts'
import type { Entity, Field } from '../../core/schema.ts'
import { foldCase } from '../../core/text.ts'
import { keyOf, shadowKey, storedValue, type Doc } from './codec.ts'

/** What differs between servers: how a regular expression says "end of text". */
export interface FilterDialect {
  /** `$` in Go's RE2 (FerretDB) and JavaScript; `\z` in PCRE (MongoDB), whose `$` also matches before a final newline. */
  readonly textEnd: '$' | '\\z'
}

/** Every metacharacter of PCRE, RE2 and JavaScript escaped: the text matches literally. */
const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

const NOTHING: Doc = { _id: { $in: [] } }
const nor = (d: Doc): Doc => ({ $nor: [d] })
const and = (items: Doc[]): Doc => (items.length === 1 ? items[0]! : { $and: items })
const or = (items: Doc[]): Doc =>
  items.length === 0 ? NOTHING : items.length === 1 ? items[0]! : { $or: items }
const notArray = (key: string): Doc => ({ [key]: { $not: { $type: 'array' } } })

/** Where a condition's value lives: a top-level field, or a path inside a JSON object field. */
interface Target {
  readonly key: string
  /** The keys of the path's steps above the value (each must be an object, not an array). */
  readonly steps: readonly string[]
  readonly path: boolean
}

function target(base: string, path: readonly string[] | undefined): Target {
  if (!path || path.length === 0) return { key: base, steps: [], path: false }
  const steps = path.slice(0, -1).map((_, i) => [base, ...path.slice(0, i + 1)].join('.'))
  return { key: [base, ...path].join('.'), steps, path: true }
}

/** The value is a scalar (or object) reached through objects only, and `cond` holds of it. */
function scalar(t: Target, cond: Doc): Doc {
  if (!t.path) return { [t.key]: cond }
  return and([...t.steps.map(notArray), notArray(t.key), { [t.key]: cond }])
}

/** The value is present and not null (an array counts as present, as in the reference). */
function defined(t: Target): Doc {
  if (!t.path) return { [t.key]: { $exists: true } }
  const present = { [t.key]: { $exists: true } }
  const notNull = or([{ [t.key]: { $type: 'array' } }, { [t.key]: { $not: { $type: 'null' } } }])
  return and([...t.steps.map(notArray), present, notNull])
}

function equals(t: Target, v: unknown): Doc {
  return v === null ? nor(defined(t)) : scalar(t, { $eq: v })
}

function oneOf(t: Target, values: readonly unknown[]): Doc {
  const present = values.filter((v) => v !== null)
  const parts: Doc[] = present.length ? [scalar(t, { $in: present })] : []
  if (present.length < values.length) parts.push(nor(defined(t)))
  return or(parts)
}

export class FilterCompiler {
  constructor(
    private readonly e: Entity,
    private readonly dialect: FilterDialect,
  ) {}

  compile(c: Cond): Doc {
    switch (c.kind) {
      case 'all':
        return {}
      case 'and':
        return and(c.items.map((x) => this.compile(x)))
      case 'or':
        return or(c.items.map((x) => this.compile(x)))
      case 'not':
        return nor(this.compile(c.item))
      case 'cmp':
        return this.cmp(c)
    }
  }

  private field(name: string): Field {
    const f = this.e.field.get(name)
    if (!f) throw new TypeError(`${this.e.name} has no field ${name}`)
    return f
  }

  private cmp(c: Extract<Cond, { kind: 'cmp' }>): Doc {
    const f = this.field(c.field)
    const t = target(keyOf(f), c.path)
    // Inside JSON a value is compared as it is (JSON has no dates); a top-level datetime as a BSON date.
    const value = (v: unknown) => (c.path ? v : storedValue(f, v))
    switch (c.op) {
      case 'eq':
        return equals(t, value(c.value))
      case 'ne':
        return nor(equals(t, value(c.value)))
      case 'in':
        return oneOf(t, (c.value as unknown[]).map(value))
      case 'nin':
        return nor(oneOf(t, (c.value as unknown[]).map(value)))
      case 'exists':
        return c.value ? defined(t) : nor(defined(t))
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        // Mongo compares only values of one type (numbers with numbers, strings by code point), as the reference does.
        return scalar(t, { [`$${c.op}`]: value(c.value) })
      case 'contains':
      case 'startsWith':
      case 'endsWith': {
        const needle = escapeRegex(foldCase(c.value as string))
        const pattern =
          c.op === 'contains'
            ? needle
            : c.op === 'startsWith'
              ? `^${needle}`
              : `${needle}${this.dialect.textEnd}`
        return scalar(target(shadowKey(f), c.path), { $regex: pattern })
      }
    }
  }
}
