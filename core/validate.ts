/** Create input and patches against the schema (CONTRACT §2): every failing field is reported. */
import { validationError, type FieldError } from './errors.ts'
import type { Entity, Field } from './schema.ts'
import { codePointLength } from './text.ts'
import { checkValue, isPlainObject, stringProblem } from './values.ts'

export type Row = Record<string, unknown>

/** The writable fields and virtual inputs of an entity, by input name; computed once per entity. */
const inputCache = new WeakMap<Entity, ReadonlyMap<string, Field>>()
function inputs(e: Entity): ReadonlyMap<string, Field> {
  let m = inputCache.get(e)
  if (!m) {
    const built = new Map<string, Field>()
    for (const f of e.fields) {
      if (f.writable) built.set(f.name, f)
      if (f.input) built.set(f.input.name, f)
    }
    inputCache.set(e, (m = built))
  }
  return m
}

export interface Validated {
  /** Canonical field values, keyed by wire name. */
  values: Row
  /** Virtual inputs (e.g. `password`) by field wire name, checked but not yet transformed. */
  virtual: Map<string, string>
}

function checkInputObject(input: unknown, prefix: string, errors: FieldError[]): input is Row {
  if (isPlainObject(input)) return true
  errors.push({ field: prefix.replace(/\.$/, '') || '(input)', error: 'must be an object' })
  return false
}

function checkVirtual(f: Field, v: unknown): string | undefined {
  const spec = f.input!
  if (typeof v !== 'string') return 'must be a string'
  const len = codePointLength(v)
  if (len < spec.minLength) return `must be at least ${spec.minLength} characters`
  if (len > spec.maxLength) return `must be at most ${spec.maxLength} characters`
  return stringProblem(v)
}

function validate(
  e: Entity,
  input: unknown,
  mode: 'create' | 'patch',
  prefix: string,
  errors: FieldError[],
): Validated {
  const out: Validated = { values: {}, virtual: new Map() }
  if (!checkInputObject(input, prefix, errors)) return out
  const byInput = inputs(e)
  const name = (k: string) => prefix + k
  for (const [k, v] of Object.entries(input)) {
    const f = byInput.get(k)
    if (!f) {
      errors.push({
        field: name(k),
        error: e.field.has(k) && !e.field.get(k)!.secret ? 'is not writable' : 'unknown field',
      })
      continue
    }
    if (mode === 'patch' && f.immutable) {
      errors.push({ field: name(k), error: 'cannot be changed after create' })
      continue
    }
    if (f.input && k === f.input.name) {
      const p = checkVirtual(f, v)
      if (p) errors.push({ field: name(k), error: p })
      else out.virtual.set(f.name, v as string)
      continue
    }
    if (v === undefined) continue
    if (v === null) {
      if (f.required) errors.push({ field: name(k), error: 'is required' })
      else out.values[f.name] = null
      continue
    }
    const c = checkValue(f, v)
    if (c.ok) out.values[f.name] = c.value
    else errors.push({ field: name(k), error: c.error })
  }
  if (mode === 'create') {
    for (const f of e.fields) {
      if (!f.required || f.primary || f.created || f.updated) continue
      if (f.input) {
        if (!out.virtual.has(f.name) && !errors.some((x) => x.field === name(f.input!.name)))
          errors.push({ field: name(f.input.name), error: 'is required' })
        continue
      }
      if (out.values[f.name] !== undefined || errors.some((x) => x.field === name(f.name))) continue
      if (f.default !== undefined) out.values[f.name] = structuredClone(f.default)
      else errors.push({ field: name(f.name), error: 'is required' })
    }
  }
  return out
}

/** Checks a create input: unknown and read-only fields refused, defaults filled, every problem listed. */
export function validateCreate(e: Entity, input: unknown): Validated {
  const errors: FieldError[] = []
  const v = validate(e, input, 'create', '', errors)
  if (errors.length) throw validationError(errors, { entity: e.name })
  return v
}

/** Checks many create inputs at once; fields are named `items[i].field`. */
export function validateCreateMany(e: Entity, items: unknown): Validated[] {
  const errors: FieldError[] = []
  if (!Array.isArray(items))
    throw validationError([{ field: 'items', error: 'must be an array' }], { entity: e.name })
  const out = items.map((item, i) => validate(e, item, 'create', `items[${i}].`, errors))
  if (errors.length) throw validationError(errors, { entity: e.name })
  return out
}

/** Checks a patch: only writable, mutable fields; no defaults; `null` only where the field is optional. */
export function validatePatch(e: Entity, patch: unknown, prefix = ''): Validated {
  const errors: FieldError[] = []
  const v = validate(e, patch, 'patch', prefix, errors)
  if (errors.length) throw validationError(errors, { entity: e.name })
  return v
}
