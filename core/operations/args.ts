/**
 * The one argument checker of the entity-specific operations: each parameter of schema/operations.yaml
 * checked by its declared rules (a bound field's, or a string's limits), every failing one reported.
 * Plain types (id, filter, sort, integer, fields, patch) pass through: the operation that takes them
 * checks them (a malformed id is NOT_FOUND, a filter goes through the query parser, a limit the page rules).
 */
import { validationError } from '../errors.ts'
import type { OperationSpec, Param } from '../schema.ts'
import { codePointLength } from '../text.ts'
import type { Row } from '../validate.ts'
import { checkValue, isPlainObject, stringProblem, type Checked } from '../values.ts'

type Problem = { field: string; error: string }
const ABSENT = Symbol('absent')

function checkString(p: Param & { kind: 'value' }, v: unknown): Checked {
  const min = p.minLength ?? 0
  if (typeof v !== 'string' || stringProblem(v) || codePointLength(v) < min)
    return {
      ok: false,
      error: `must be a well-formed string of ${min} to ${p.maxLength ?? 'any'} characters`,
    }
  if (p.maxLength !== undefined && codePointLength(v) > p.maxLength)
    return { ok: false, error: `must be a well-formed string of ${min} to ${p.maxLength} characters` }
  return { ok: true, value: v }
}

function checkOne(p: Param, v: unknown, path: string, errors: Problem[]): unknown {
  if (v === undefined && p.optional) return undefined
  if (v === null && p.nullable) return null
  let c: Checked = { ok: true, value: v }
  if (p.kind === 'field') {
    c = checkValue(p.field, v)
    if (c.ok && p.minLength !== undefined && codePointLength(c.value as string) < p.minLength)
      c = { ok: false, error: `must be at least ${p.minLength} characters` }
  } else if (p.kind === 'value' && p.type === 'string') c = checkString(p, v)
  else if (p.kind === 'value' && p.type === 'boolean' && typeof v !== 'boolean')
    c = { ok: false, error: 'must be a boolean' }
  else if (p.kind === 'array') return checkArray(p, v, path, errors)
  else if (p.kind === 'object') return checkObject(p.keys, v, path, errors)
  if (c.ok) return c.value
  if (p.lookup) return ABSENT
  errors.push({ field: path, error: c.error })
  return undefined
}

function checkArray(p: Param & { kind: 'array' }, v: unknown, path: string, errors: Problem[]): unknown {
  if (!Array.isArray(v) || v.length === 0) {
    errors.push({ field: path, error: 'must be a non-empty array' })
    return []
  }
  return v.map((x, i) => checkOne(p.items, x, `${path}[${i}]`, errors))
}

function checkObject(keys: readonly Param[], v: unknown, path: string, errors: Problem[]): Row {
  if (!isPlainObject(v)) {
    errors.push({ field: path, error: `must be {${keys.map((k) => k.name).join(', ')}}` })
    return {}
  }
  if (Object.keys(v).some((k) => !keys.some((p) => p.name === k)))
    errors.push({ field: path, error: `must be {${keys.map((k) => k.name).join(', ')}}` })
  return checkKeys(keys, v, `${path}.`, errors)
}

function checkKeys(keys: readonly Param[], input: Row, prefix: string, errors: Problem[]): Row {
  const out: Row = {}
  for (const p of keys) {
    const v = checkOne(p, input[p.name], `${prefix}${p.name}`, errors)
    if (v !== undefined && v !== ABSENT) out[p.name] = v
  }
  return out
}

/**
 * The input with every declared parameter checked and normalized (UUIDs lowercased); the keys of
 * `object` parameters are checked in place, since they are the input's own keys. A `lookup` parameter
 * that cannot exist is reported as `undefined`, for the operation to answer as absent. `also` adds the
 * operation's own rules (reorder: no id twice).
 */
export function checkArgs(
  spec: OperationSpec,
  input: Row,
  entity: string,
  also?: (checked: Row) => Problem[],
): Row {
  const errors: Problem[] = []
  const out: Row = { ...input }
  for (const p of spec.params) {
    if (p.kind === 'object') Object.assign(out, checkKeys(p.keys, input, '', errors))
    else if (p.kind !== 'rest') {
      const v = checkOne(p, input[p.name], p.name, errors)
      out[p.name] = v === ABSENT ? undefined : v
    }
  }
  // The operation's own rules over the checked values, reported with the rest (every failing field).
  if (also) errors.push(...also(out))
  if (errors.length) throw validationError(errors, { entity })
  return out
}

/** A parameter of the operation by name, the keys of its `object` and `array` parameters included. */
export function paramOf(spec: OperationSpec, name: string): Param {
  const find = (ps: readonly Param[]): Param | undefined => {
    for (const p of ps) {
      if (p.name === name && p.kind !== 'array') return p
      const inner = p.kind === 'object' ? find(p.keys) : p.kind === 'array' ? find([p.items]) : undefined
      if (inner) return inner
    }
    return undefined
  }
  const found = find(spec.params)
  if (!found) throw new Error(`${spec.name} has no parameter ${name}`)
  return found
}

/** The entity field a parameter is bound to (`field:` in schema/operations.yaml). */
export function fieldOf(spec: OperationSpec, name: string) {
  const p = paramOf(spec, name)
  if (p.kind !== 'field') throw new Error(`${spec.name}.${name} is not bound to a field`)
  return p.field
}
