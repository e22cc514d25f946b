/**
 * How the typed methods' positional arguments become the operation's single argument object, and the
 * check that they have the shape the method takes. `users.update({ id, role })` would otherwise become
 * an update of the row whose id is that object: NOT_FOUND, where the mistake is the call's shape.
 */
import { isObject, kind } from './client-options.ts'
import { validationError } from './errors.ts'
import type { Row } from './validate.ts'

type ToInput = (...a: unknown[]) => Row
const isRow = (v: unknown): v is Row => isObject(v) && !Array.isArray(v)

/** The argument list each positional method takes, as the refusal shows it; the first is checked as a string. */
const STRING_FIRST: Record<string, string> = {
  read: '(id)',
  delete: '(id)',
  update: '(id, patch)',
  move: '(id, newParentId, order?)',
  search: '(query, options?)',
  resolve: '(token)',
  readBySlug: '(slug)',
  getTree: '(pageId)',
}

const as = <T>(f: (...a: never[]) => T) => f as unknown as ToInput

const POSITIONAL: Record<string, ToInput> = {
  read: as((id: string) => ({ id })),
  delete: as((id: string) => ({ id })),
  update: as((id: string, patch: Row) => ({ ...patch, id })),
  list: as((o?: Row) => o ?? {}),
  count: as((filter?: unknown) => (filter === undefined ? {} : { filter })),
  createMany: as((items: unknown) => ({ items })),
  updateMany: as((filter: unknown, data: unknown) => ({ filter, data })),
  deleteMany: as((filter: unknown) => ({ filter })),
  search: as((query: string, o?: Row) => ({ query, ...o })),
  resolve: as((token: string) => ({ token })),
  readBySlug: as((slug: string) => ({ slug })),
  listByLevel: as((level: unknown) => ({ level })),
  getTree: as((pageId: string) => ({ pageId })),
  reorder: as((components: unknown) => ({ components })),
  move: as((id: string, newParentId: unknown, order?: unknown) =>
    order === undefined ? { id, newParentId } : { id, newParentId, order },
  ),
}

function refuse(method: string, field: string, expected: string, got: unknown): never {
  throw validationError([
    { field, error: `${method} takes ${expected}: ${field} must be ${kindOf(field)}, got ${kind(got)}` },
  ])
}
const kindOf = (field: string) => (field === 'patch' ? 'an object' : 'a string')

/** The operation's input from the typed method's arguments; VALIDATION_ERROR when their shape is not the method's. */
export function inputOf(namespace: string, operation: string, args: readonly unknown[]): unknown {
  const method = `${namespace}.${operation}`
  const signature = STRING_FIRST[operation]
  const toInput = POSITIONAL[operation]
  if (signature !== undefined) {
    const first = signature.slice(1).split(/[,)?]/)[0]!
    if (typeof args[0] !== 'string') refuse(method, first, signature, args[0])
    if (operation === 'update' && !isRow(args[1])) refuse(method, 'patch', signature, args[1])
  }
  if (toInput) return toInput(...args)
  // The other operations take one argument object (credentials.set({ username, password }), ...), or none.
  if (args[0] !== undefined && !isRow(args[0]))
    throw validationError([
      { field: 'input', error: `${method} takes one argument object ({ ... }), got ${kind(args[0])}` },
    ])
  return args[0]
}
