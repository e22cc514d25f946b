/** Every operation, by entity and name; checked against the schema's operations when first bound. */
import { validationError } from '../errors.ts'
import type { Entity, OperationSpec, Schema } from '../schema.ts'
import type { Row } from '../validate.ts'
import { isPlainObject } from '../values.ts'
import * as common from './common.ts'
import type { Context } from './context.ts'
import { CREDENTIAL_OPS } from './credentials.ts'
import { SPECIFIC } from './specific.ts'

/** `spec` is the operation's own entry of schema/operations.yaml: its parameters and fields. */
export type Operation = (ctx: Context, e: Entity, input: Row, spec: OperationSpec) => Promise<unknown>

const COMMON: Record<string, Operation> = { ...common, delete: common.remove }
delete COMMON.remove
const OWN: Record<string, Record<string, Operation>> = { ...SPECIFIC, Credential: CREDENTIAL_OPS }

export interface Bound {
  readonly spec: OperationSpec
  readonly run: Operation
}

export type Operations = ReadonlyMap<string, ReadonlyMap<string, Bound>>
const bound = new WeakMap<Schema, Operations>()

/**
 * entity → operation → spec and implementation, for one schema (computed once per schema). A spec
 * without code, or code without a spec, fails here.
 */
export function operationsOf(schema: Schema): Operations {
  const cached = bound.get(schema)
  if (cached) return cached
  const ops: Operations = new Map(
    [...schema.operations].map(([entity, specs]) => {
      const byName = new Map<string, Bound>()
      for (const [name, spec] of specs) {
        const run = OWN[entity]?.[name] ?? COMMON[name]
        if (!run) throw new Error(`schema/operations.yaml: ${entity}.${name} has no implementation`)
        byName.set(name, { spec, run })
      }
      for (const name of Object.keys(OWN[entity] ?? {}))
        if (!specs.has(name)) throw new Error(`operation ${entity}.${name} is not in schema/operations.yaml`)
      return [entity, byName]
    }),
  )
  bound.set(schema, ops)
  return ops
}

/** The argument object of an operation: required keys present, no unknown keys (unless `rest`). */
export function checkInput(e: Entity, spec: OperationSpec, input: unknown): Row {
  if (input === undefined && spec.required.length === 0 && !spec.rest) return {}
  if (!isPlainObject(input))
    throw validationError([{ field: '(input)', error: 'must be an object' }], { entity: e.name })
  if (spec.rest === 'fields') return input
  const errors = spec.required
    .filter((k) => input[k] === undefined)
    .map((field) => ({ field, error: 'is required' }))
  if (!spec.rest) {
    for (const k of Object.keys(input))
      if (!spec.required.includes(k) && !spec.optional.includes(k))
        errors.push({ field: k, error: 'unknown argument' })
  }
  if (errors.length) throw validationError(errors, { entity: e.name })
  return input
}
