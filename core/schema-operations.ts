/**
 * schema/operations.yaml: each operation's parameters in the typed method's positional order, checked
 * against the entities when the schema loads. The client's method types (core/codegen.ts), its
 * positional mapping (core/client-args.ts) and the argument checks (core/operations/args.ts) read it.
 */
import type { Reader } from './config-error.ts'
import type { Entity, Field } from './schema.ts'

/** Plain parameter types; the operations that take them check them (the query parser, the row rules). */
export const PARAM_TYPES = [
  'id',
  'string',
  'integer',
  'boolean',
  'filter',
  'sort',
  'fields',
  'patch',
] as const
export type ParamType = (typeof PARAM_TYPES)[number]

interface ParamBase {
  /** Its key in the input object (for `object` and `rest`: only its name in the signature). */
  readonly name: string
  readonly optional: boolean
  readonly nullable: boolean
  /** A value that cannot exist answers as absent (NOT_FOUND), not VALIDATION_ERROR. */
  readonly lookup: boolean
}

export type Param = ParamBase &
  (
    | {
        readonly kind: 'value'
        readonly type: ParamType
        readonly minLength?: number
        readonly maxLength?: number
      }
    | { readonly kind: 'field'; readonly field: Field; readonly entity: Entity; readonly minLength?: number }
    | { readonly kind: 'object'; readonly keys: readonly Param[] }
    | { readonly kind: 'array'; readonly items: Param }
    | { readonly kind: 'rest'; readonly rest: 'fields' | 'patch' }
  )

export interface OperationSpec {
  readonly name: string
  readonly params: readonly Param[]
  /** The input object's keys, derived from `params`. */
  readonly required: readonly string[]
  readonly optional: readonly string[]
  readonly rest?: 'fields' | 'patch'
  /** The entity fields the operation works on (search's matched fields, resolve's user reference). */
  readonly fields: readonly Field[]
  readonly output: string
  readonly acl: string
}

const PARAM_KEYS = [
  'type',
  'field',
  'min_length',
  'max_length',
  'nullable',
  'lookup',
  'object',
  'array',
  'rest',
]

/** `Entity.name`: that entity's field, or the field whose virtual input has that name. */
function fieldRef(r: Reader, ref: string, own: Entity | undefined, entities: ReadonlyMap<string, Entity>) {
  const [a, b] = ref.includes('.') ? ref.split('.') : [own?.name, ref]
  const e = entities.get(a ?? '') ?? r.fail(`no entity ${a ?? '(common operations have none)'}`)
  const f = e.field.get(b ?? '') ?? e.fields.find((x) => x.input?.name === b)
  return { entity: e, field: f ?? r.fail(`${e.name} has no field ${b}`) }
}

function readParam(
  r: Reader,
  key: string,
  own: Entity | undefined,
  entities: ReadonlyMap<string, Entity>,
): Param {
  const base = { name: key.replace(/\?$/, ''), optional: key.endsWith('?'), nullable: false, lookup: false }
  if (typeof r.value === 'string') return { ...base, kind: 'value', type: r.oneOf(PARAM_TYPES) }
  r.object(PARAM_KEYS)
  const flags = {
    ...base,
    nullable: r.optional('nullable', (x) => x.boolean()) ?? false,
    lookup: r.optional('lookup', (x) => x.boolean()) ?? false,
  }
  const minLength = r.optional('min_length', (x) => x.number())
  if (r.has('object'))
    return {
      ...flags,
      kind: 'object',
      keys: r
        .child('object')
        .entries()
        .map(([k, x]) => readParam(x, k, own, entities)),
    }
  if (r.has('array'))
    return { ...flags, kind: 'array', items: readParam(r.child('array'), base.name, own, entities) }
  if (r.has('rest'))
    return { ...flags, kind: 'rest', rest: r.child('rest').oneOf(['fields', 'patch'] as const) }
  if (r.has('field'))
    return { ...flags, kind: 'field', minLength, ...fieldRef(r, r.child('field').string(), own, entities) }
  const maxLength = r.optional('max_length', (x) => {
    if (typeof x.value === 'number') return x.number()
    const ref = x.string()
    const { entity, field } = fieldRef(x, ref, own, entities)
    const max = field.input?.name === ref.split('.').pop() ? field.input?.maxLength : field.maxLength
    return max ?? x.fail(`${entity.name}.${field.name} has no max_length`)
  })
  return { ...flags, kind: 'value', type: r.child('type').oneOf(PARAM_TYPES), minLength, maxLength }
}

function readOperation(
  name: string,
  o: Reader,
  own: Entity | undefined,
  entities: ReadonlyMap<string, Entity>,
): OperationSpec {
  o.object(['params', 'fields', 'output', 'acl'])
  const params = o
    .child('params')
    .entries()
    .map(([k, x]) => readParam(x, k, own, entities))
  const required: string[] = []
  const optional: string[] = []
  let rest: 'fields' | 'patch' | undefined
  for (const p of params) {
    if (p.kind === 'rest') rest = p.rest
    else if (p.kind !== 'object') (p.optional ? optional : required).push(p.name)
    else for (const k of p.keys) (p.optional || k.optional ? optional : required).push(k.name)
  }
  const fields = (o.optional('fields', (x) => x.strings()) ?? []).map(
    (f) => fieldRef(o, f, own, entities).field,
  )
  return {
    name,
    params,
    required,
    optional,
    rest,
    fields,
    output: o.child('output').string(),
    acl: o.child('acl').string(),
  }
}

/** One entity's operations (or the common ones, `own` undefined), by name. */
export function readOperations(
  r: Reader,
  own: Entity | undefined,
  entities: ReadonlyMap<string, Entity>,
): Map<string, OperationSpec> {
  return new Map(r.entries().map(([name, o]) => [name, readOperation(name, o, own, entities)]))
}
