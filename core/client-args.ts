/**
 * How the typed methods' positional arguments become the operation's single argument object, and the
 * check that they have the shape the method takes, both read from the operation's `params` in
 * schema/operations.yaml. `users.update({ id, role })` would otherwise become an update of the row whose
 * id is that object: NOT_FOUND, where the mistake is the call's shape.
 */
import { isObject, kind } from './client-options.ts'
import { validationError } from './errors.ts'
import type { OperationSpec, Param } from './schema.ts'
import type { Row } from './validate.ts'

const isRow = (v: unknown): v is Row => isObject(v) && !Array.isArray(v)
const STRING_FIELDS: ReadonlySet<string> = new Set(['uuid', 'string', 'text', 'email', 'enum'])

/** A parameter the method takes as a string (an id, a slug, a query): anything else is the wrong shape. */
const takesString = (p: Param) =>
  !p.optional &&
  !p.nullable &&
  ((p.kind === 'value' && (p.type === 'id' || p.type === 'string')) ||
    (p.kind === 'field' && STRING_FIELDS.has(p.field.type)))
/** A parameter whose keys are spread into the input object. */
const spread = (p: Param) => p.kind === 'object' || p.kind === 'rest'

/** The argument list as the refusal shows it: `(id, newParentId, order?)`. */
export const signatureOf = (spec: OperationSpec): string =>
  `(${spec.params.map((p) => `${p.name}${p.optional ? '?' : ''}`).join(', ')})`

function refuse(method: string, p: Param, spec: OperationSpec, got: unknown): never {
  const must = spread(p) ? 'an object' : 'a string'
  const takes = signatureOf(spec)
  throw validationError([
    { field: p.name, error: `${method} takes ${takes}: ${p.name} must be ${must}, got ${kind(got)}` },
  ])
}

/** The operation's input from the typed method's arguments; VALIDATION_ERROR when their shape is not the method's. */
export function inputOf(namespace: string, spec: OperationSpec, args: readonly unknown[]): unknown {
  // Every typed call passes here: the method's name and signature are built only for a refusal.
  const method = () => `${namespace}.${spec.name}`
  const only = spec.params[0]
  // An operation taking one argument object (users.create({ ... }), credentials.set({ username, password })).
  if (only && spread(only) && spec.params.length === 1) {
    if (args[0] !== undefined && !isRow(args[0]))
      throw validationError([
        { field: 'input', error: `${method()} takes one argument object ({ ... }), got ${kind(args[0])}` },
      ])
    return args[0]
  }
  const spreads: Row = {}
  const named: Row = {}
  spec.params.forEach((p, i) => {
    const v = args[i]
    if (takesString(p) && typeof v !== 'string') refuse(method(), p, spec, v)
    if (spread(p)) {
      if (v === undefined && p.optional) return
      if (!isRow(v)) refuse(method(), p, spec, v)
      Object.assign(spreads, v)
    } else if (v !== undefined) named[p.name] = v
  })
  // The named arguments win: update(id, { id: other }) updates `id`.
  return { ...spreads, ...named }
}
