/**
 * How feature text becomes client input: the words for entities, the label a saved row goes by, `$`
 * references to saved rows inside tables and JSON doc strings, and table cells typed by the schema.
 */
import { schema } from '../../core/schema.ts'
import type { Row } from '../../core/validate.ts'
import { MATCHERS } from '../vectors/match.ts'

/** Entity words in steps, singular and plural, and the entity each names. */
export const ENTITY_WORDS: Readonly<Record<string, string>> = {
  user: 'User',
  users: 'User',
  page: 'PageView',
  pages: 'PageView',
  component: 'ComponentHierarchy',
  components: 'ComponentHierarchy',
  workflow: 'Workflow',
  workflows: 'Workflow',
  script: 'LuaScript',
  scripts: 'LuaScript',
  package: 'Package',
  packages: 'Package',
  session: 'Session',
  sessions: 'Session',
}

/** The field a row of the entity is named by in steps (packages: `name@version`). */
const NAME_FIELD: Readonly<Record<string, string>> = {
  User: 'username',
  PageView: 'slug',
  Workflow: 'name',
  LuaScript: 'name',
  Package: 'name',
}

/** What names a row: the saved label for its id, else its natural name field. */
export function naturalName(row: Row): string | undefined {
  for (const k of ['username', 'slug', 'name', 'componentType']) {
    const v = row[k]
    if (typeof v === 'string') return typeof row.version === 'string' ? `${v}@${row.version}` : v
  }
  return undefined
}

/** The label an entity's row is saved under when a step does not name it. */
export function defaultLabel(entity: string, row: Row): string | undefined {
  const f = NAME_FIELD[entity]
  if (!f || typeof row[f] !== 'string') return undefined
  return entity === 'Package' ? `${row.name as string}@${String(row.version)}` : (row[f] as string)
}

/** Puts a step's name into the entity's name field when the input has none (packages: its name part). */
export function withName(entity: string, name: string, input: Row): Row {
  const f = NAME_FIELD[entity]
  if (!f || f in input) return input
  return { ...input, [f]: entity === 'Package' ? name.split('@')[0] : name }
}

export interface Refs {
  /** A saved row by label (`me`: the signed-in user); throws for an unknown one. */
  row(label: string): Row
}

/**
 * `$label` → the saved row's id, `$label.field` → that field, `$now` → the current time. The vector
 * matchers (`$any`, `$uuid`, `$datetime`, `$absent`) are left for the comparison.
 */
export function resolveRefs(v: unknown, refs: Refs): unknown {
  if (typeof v === 'string' && v.startsWith('$') && !MATCHERS.has(v)) {
    if (v === '$now') return new Date().toISOString()
    const [label, ...path] = v.slice(1).split('.')
    let out: unknown = refs.row(label!)
    if (path.length === 0) return (out as Row).id
    for (const p of path) out = (out as Row | undefined)?.[p]
    return out
  }
  if (Array.isArray(v)) return v.map((x) => resolveRefs(x, refs))
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveRefs(x, refs)]))
  return v
}

/** A JSON doc string with its references resolved. */
export function parseJson(text: string, refs: Refs): unknown {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch (e) {
    throw new Error(`the doc string is not JSON: ${e instanceof Error ? e.message : String(e)}`)
  }
  return resolveRefs(v, refs)
}

/** A table cell as the field's type: numbers, booleans, JSON, `null`, references; empty is absent. */
export function cellValue(entity: string, field: string, text: string, refs: Refs): unknown {
  const f = schema.entity.get(entity)?.field.get(field)
  if (text.startsWith('$')) return resolveRefs(text, refs)
  if (!f) return text // an unknown field goes to the DBAL as given, which refuses it
  if (text === 'null' && f.type !== 'string' && f.type !== 'text') return null
  switch (f.type) {
    case 'integer':
      return /^-?\d+$/.test(text) ? Number(text) : text
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text
    case 'json':
      return parseJson(text, refs)
    default:
      return text
  }
}

/** A data table with a header row as one input object per row. */
export function tableRows(entity: string, rows: readonly Record<string, string>[], refs: Refs): Row[] {
  return rows.map((r) =>
    Object.fromEntries(
      Object.entries(r)
        .filter(([, text]) => text !== '')
        .map(([k, text]) => [k, cellValue(entity, k, text, refs)]),
    ),
  )
}

/** `"a, b, c"` → `['a', 'b', 'c']`; the empty string is the empty list. */
export const commaList = (s: string): string[] => (s.trim() === '' ? [] : s.split(',').map((x) => x.trim()))
