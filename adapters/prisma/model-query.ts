/**
 * The part of a list, count or read that Prisma's query API says exactly as the contract means it
 * (CONTRACT §5), translated to `where` / `orderBy` / `skip` / `take`; anything else answers undefined
 * and the shared SQL code runs it as raw SQL instead (docs/prisma.md lists why for each):
 *
 * - equality, ranges, $in/$nin and $exists on plain columns: exact, since the DBAL's columns compare by
 *   code point (PostgreSQL COLLATE "C", SQLite BINARY, MariaDB utf8mb4_nopad_bin). The contract's
 *   two-valued logic is spelled out: $ne and $nin also match a null field (Prisma's `not` does not).
 * - not translated: $not (SQL's NOT is three-valued), the text operators (the contract folds by Unicode
 *   simple lowercase; Prisma's `mode: 'insensitive'` is PostgreSQL's ILIKE with the server's locale and
 *   does not exist on SQLite), JSON dot paths (Prisma's JSON filters neither exist on SQLite nor guard
 *   by JSON type), integers outside a column's Prisma type, and on MariaDB sorts on unbounded text
 *   (max_sort_length: mariadb-sort.ts).
 */
import type { Cond, SortKey } from '../../core/query.ts'
import type { Entity, Field } from '../../core/schema.ts'
import { MARIADB_SORT_BYTES, mariadbKeyBytes } from '../sequelize/dialect.ts'
import type { PrismaProviderName } from './client-like.ts'

export type Where = Record<string, unknown>
type Cmp = Extract<Cond, { kind: 'cmp' }>

/** Values in one list that go through Prisma; a longer list is the SQL's. */
const MAX_LIST = 100

/** A condition no row meets, and one every row meets. Not `{}`: Prisma drops an empty object from an OR. */
const NEVER = (e: Entity): Where => ({ [e.primary.name]: { in: [] } })
const ALWAYS = (e: Entity): Where => ({ [e.primary.name]: { notIn: [] } })

const INT4 = 2 ** 31
const fitsInt4 = (f: Field) => f.min !== undefined && f.max !== undefined && f.min >= -INT4 && f.max < INT4

/** A wire value as Prisma takes it for `f`, or undefined when Prisma's type cannot hold it exactly. */
function value(p: PrismaProviderName, f: Field, v: unknown): unknown {
  switch (f.type) {
    case 'datetime':
      return typeof v === 'string' ? (p === 'sqlite' ? v : new Date(v)) : undefined
    case 'integer':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) return undefined
      return fitsInt4(f) ? (Math.abs(v) < INT4 ? v : undefined) : BigInt(v)
    case 'boolean':
      return typeof v === 'boolean' ? v : undefined
    case 'json':
      return undefined
    default:
      return typeof v === 'string' ? v : undefined
  }
}

function cmp(p: PrismaProviderName, e: Entity, c: Cmp): Where | undefined {
  const f = e.field.get(c.field)
  if (!f || f.type === 'json' || (c.path && c.path.length > 0)) return undefined
  const nullable = !f.required && !f.primary
  const is = (w: unknown): Where => ({ [f.name]: w })
  const orNull = (w: Where): Where => (nullable ? { OR: [w, is(null)] } : w)
  // Prisma refuses null tests on a required field: they are always (or never) true there.
  const isNull = (yes: boolean): Where =>
    nullable ? is(yes ? null : { not: null }) : yes ? NEVER(e) : ALWAYS(e)
  const v = c.value
  const one = v === null ? null : value(p, f, v)
  switch (c.op) {
    case 'eq':
      return v === null ? isNull(true) : one === undefined ? undefined : is(one)
    case 'ne':
      return v === null ? isNull(false) : one === undefined ? undefined : orNull(is({ not: one }))
    case 'exists':
      return typeof v === 'boolean' ? isNull(!v) : undefined
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return one === undefined || one === null ? undefined : is({ [c.op]: one })
    case 'in':
    case 'nin': {
      // Prisma's Boolean filter has no in / notIn; long lists pass Prisma's parameter limit (it does
      // not split them as the DBAL's SQL does: adapters/sql/compile.ts).
      if (!Array.isArray(v) || f.type === 'boolean' || v.length > MAX_LIST) return undefined
      const present = v.filter((x) => x !== null).map((x) => value(p, f, x))
      if (present.some((x) => x === undefined)) return undefined
      const hasNull = present.length < v.length
      if (c.op === 'in') return hasNull ? { OR: [is({ in: present }), isNull(true)] } : is({ in: present })
      // $nin: not one of them, a null field included unless null is one of them.
      const notIn = is({ notIn: present })
      return hasNull ? { AND: [notIn, isNull(false)] } : orNull(notIn)
    }
    default:
      return undefined
  }
}

/** The filter as a Prisma `where`, or undefined when some part of it needs the DBAL's own SQL. */
export function prismaWhere(p: PrismaProviderName, e: Entity, c: Cond): Where | undefined {
  switch (c.kind) {
    case 'all':
      return ALWAYS(e)
    case 'and':
    case 'or': {
      const items = c.items.map((x) => prismaWhere(p, e, x))
      if (items.some((x) => x === undefined)) return undefined
      return { [c.kind === 'and' ? 'AND' : 'OR']: items }
    }
    case 'not':
      return undefined
    case 'cmp':
      return cmp(p, e, c)
  }
}

/** The sort as a Prisma `orderBy` (nulls first ascending, last descending), or undefined. */
export function prismaOrderBy(
  p: PrismaProviderName,
  e: Entity,
  sort: readonly SortKey[],
): Where[] | undefined {
  const out: Where[] = []
  for (const k of sort) {
    const f = e.field.get(k.field)
    if (!f || f.type === 'json') return undefined
    if (p === 'mysql' && mariadbKeyBytes(f) > MARIADB_SORT_BYTES) return undefined
    const nullable = !f.required && !f.primary
    out.push({ [f.name]: nullable ? { sort: k.dir, nulls: k.dir === 'asc' ? 'first' : 'last' } : k.dir })
  }
  return out
}
