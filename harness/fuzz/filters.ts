/**
 * Random filter trees of depth ≤ 3 over every operator and field type (CONTRACT §5 Filter), with
 * values drawn from the dataset, so that they match some rows and not others.
 */
import { PIECES, text, type Dataset, type Json } from './data.ts'
import type { Random } from './random.ts'

type FieldType = 'string' | 'text' | 'int' | 'bool' | 'json' | 'uuid' | 'datetime'

/** The fields of each fuzzed entity, by wire name. */
const FIELDS: Record<string, Record<string, FieldType>> = {
  PageView: {
    slug: 'string',
    title: 'string',
    description: 'text',
    level: 'int',
    isActive: 'bool',
    layout: 'json',
    id: 'uuid',
    createdAt: 'datetime',
  },
  ComponentHierarchy: {
    componentType: 'string',
    order: 'int',
    pageId: 'uuid',
    parentId: 'uuid',
    props: 'json',
    createdAt: 'datetime',
  },
}

const STRING_OPS = [
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$contains',
  '$startsWith',
  '$endsWith',
  '$exists',
]
const NUMBER_OPS = ['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists']
const EQ_OPS = ['$eq', '$ne', '$in', '$nin', '$exists']
const JSON_PATHS = ['k', 'n', 'a.b', 'missing']

export interface FilterOptions {
  /** Dot paths into JSON fields: only where the backend declares `jsonQueries`. */
  readonly jsonPaths: boolean
}

/** Values of a field in the dataset, and a few that no row has. */
function valuesOf(r: Random, data: Dataset, entity: string, field: string, type: FieldType): Json[] {
  const rows = entity === 'PageView' ? data.pages : data.components
  const own = rows.map((row) => row.input[field]).filter((v): v is Json => v !== undefined)
  switch (type) {
    case 'int':
      return [...own, 0, 3, 6]
    case 'bool':
      return [true, false]
    case 'uuid': {
      const refs = (entity === 'ComponentHierarchy' && field === 'pageId' ? data.pages : rows).map(
        (row) => `$${row.ref}.id`,
      )
      return [...(field === 'parentId' ? data.components.map((c) => `$${c.ref}.id`) : refs), null]
    }
    case 'datetime':
      return ['2000-01-01T00:00:00.000Z', '2999-12-31T23:59:59.999Z']
    default: {
      const strings = own.filter((v): v is string => typeof v === 'string')
      // Pieces and case variants of existing values: what case folding gets wrong.
      const variants = strings.flatMap((s) => [s.toUpperCase(), s.toLowerCase(), [...s].slice(0, 2).join('')])
      return [...strings, ...variants.filter((s) => s.length && !s.startsWith('$')), ...PIECES, text(r), '']
    }
  }
}

function jsonLeafValues(r: Random, data: Dataset, entity: string, path: string): Json[] {
  const rows = entity === 'PageView' ? data.pages : data.components
  const field = entity === 'PageView' ? 'layout' : 'props'
  const out: Json[] = [null, 'x', 'Σ', 'p', 3]
  for (const row of rows) {
    let v: Json | undefined = row.input[field]
    for (const key of path.split('.'))
      v = v !== null && typeof v === 'object' && !Array.isArray(v) ? v[key] : undefined
    if (v !== undefined && (v === null || typeof v !== 'object')) out.push(v)
  }
  return out
    .filter((v) => !(typeof v === 'string' && v.startsWith('$')))
    .concat(r.chance(0.1) ? [text(r)] : [])
}

function leaf(r: Random, data: Dataset, entity: string, o: FilterOptions): { [key: string]: Json } {
  const fields = Object.entries(FIELDS[entity]!).filter(([, t]) => t !== 'json' || o.jsonPaths)
  const [field, type] = r.pick(fields)
  if (type === 'json') {
    const path = r.pick(JSON_PATHS)
    const name = `${field}.${path}`
    const values = jsonLeafValues(r, data, entity, path)
    const op = r.pick([
      '=',
      '$eq',
      '$ne',
      '$in',
      '$nin',
      '$exists',
      '$gt',
      '$gte',
      '$lt',
      '$lte',
      '$contains',
      '$startsWith',
    ])
    if (op === '=') return { [name]: r.pick(values) }
    if (op === '$exists') return { [name]: { $exists: r.chance(0.5) } }
    if (op === '$in') return { [name]: { $in: r.some(values, 3) } }
    if (op === '$nin') return { [name]: { $nin: r.some(values, 2) } }
    // Ranges over numbers, text operators over strings: the rows' values of other types test mixed types.
    const wanted =
      op.startsWith('$g') || op.startsWith('$l')
        ? 'number'
        : op.startsWith('$') && op.length > 3
          ? 'string'
          : ''
    const scalar = values.filter((v) => !wanted || typeof v === wanted)
    return { [name]: { [op]: scalar.length ? r.pick(scalar) : 1 } }
  }
  const ops =
    type === 'string' || type === 'text'
      ? STRING_OPS
      : type === 'int' || type === 'datetime'
        ? NUMBER_OPS
        : EQ_OPS
  const op = r.chance(0.15) ? '=' : r.pick(ops)
  const values = valuesOf(r, data, entity, field, type)
  const nonNull = values.filter((v) => v !== null)
  if (op === '=') return { [field]: r.pick(values) }
  if (op === '$exists') return { [field]: { $exists: r.chance(0.5) } }
  if (op === '$in' || op === '$nin') return { [field]: { [op]: r.some(values, r.int(1, 4)) } }
  const pool = ['$eq', '$ne'].includes(op) ? values : nonNull
  return { [field]: { [op]: pool.length ? r.pick(pool) : 'a' } }
}

/** A filter tree: combinators at depth < 3, comparisons at the leaves. */
export function filter(r: Random, data: Dataset, entity: string, o: FilterOptions, depth = 1): Json {
  if (depth < 3 && r.chance(0.45)) {
    const kind = r.pick(['$and', '$or', '$not', 'implicit'])
    if (kind === '$not') return { $not: filter(r, data, entity, o, depth + 1) }
    const items = Array.from({ length: r.int(1, 3) }, () => filter(r, data, entity, o, depth + 1))
    if (kind !== 'implicit') return { [kind]: items }
    // Several keys of one object: an implicit and (a later key of the same name wins, as in JSON).
    return Object.assign(
      {},
      ...items.map((i) =>
        i !== null && typeof i === 'object' && !Array.isArray(i) && !('$and' in i) ? i : {},
      ),
    ) as Json
  }
  return leaf(r, data, entity, o)
}

/**
 * The sortable fields of an entity, and its unique last key (every order total without ids). Not ids,
 * uuid references or timestamps: their order differs between runs and between file paths (run.ts caseIds).
 */
export const SORTABLE: Record<string, { readonly fields: readonly string[]; readonly last: string }> = {
  PageView: { fields: ['title', 'description', 'level', 'isActive'], last: 'slug' },
  ComponentHierarchy: { fields: ['order'], last: 'componentType' },
}

export function sort(r: Random, entity: string): { [key: string]: Json } {
  const s = SORTABLE[entity]!
  const out: { [key: string]: Json } = {}
  for (const f of r.some(s.fields, r.int(0, 3))) out[f] = r.pick(['asc', 'desc'])
  out[s.last] = r.pick(['asc', 'desc'])
  return out
}
