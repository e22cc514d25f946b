/**
 * The DBALClient constructor's checks: a client built wrong is found where it is built, not at its
 * first call as INTERNAL_ERROR. The refusal is VALIDATION_ERROR with one field error naming the option
 * (`options.adapter`, `options.auth.user.role`, ...), as issue 9 asks: one error class for everything
 * the library throws, and the option's path where a field's would be.
 */
import type { Adapter } from './adapter.ts'
import { DBALError } from './errors.ts'
import type { ClientOptions, Executor } from './executor.ts'
import { SCRYPT_LIMITS } from './password.ts'

const ADAPTER_METHODS = Object.keys({
  capabilities: 0,
  create: 0,
  read: 0,
  update: 0,
  delete: 0,
  list: 0,
  count: 0,
  createMany: 0,
  updateMany: 0,
  deleteMany: 0,
  transaction: 0,
  close: 0,
} satisfies Record<Exclude<keyof Adapter, 'name'>, 0>)
const EXECUTOR_METHODS = Object.keys({
  execute: 0,
  as: 0,
  transaction: 0,
  capabilities: 0,
  close: 0,
} satisfies Record<keyof Executor, 0>)
const OPTION_KEYS = Object.keys({
  adapter: 0,
  schema: 0,
  clock: 0,
  scrypt: 0,
  ids: 0,
  auth: 0,
  audit: 0,
} satisfies Record<keyof ClientOptions, 0>)
const AUTH_SHAPE = 'options.auth must be { user: { id, username, role } } or { anonymous: true }'

/** The refusal of `field` (an option's path, `options.x.y`); `problem` says what was expected. */
export const invalidOption = (field: string, problem: string): DBALError =>
  new DBALError('VALIDATION_ERROR', { fields: [{ field, error: `DBALClient: ${problem}` }] })
// The option a problem is about is the first `options.x.y` it names.
const invalid = (problem: string) =>
  invalidOption(/options(\.[\w]+)*/.exec(problem)?.[0] ?? 'options', problem)
export const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v)
export const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object'

export function requireMethods(what: string, v: unknown, methods: readonly string[]): void {
  if (!isObject(v)) throw invalid(`${what} must be an object with ${methods.join(', ')}, got ${kind(v)}`)
  const absent = methods.filter((m) => typeof v[m] !== 'function')
  if (absent.length) throw invalid(`${what} is missing ${absent.map((m) => `${m}()`).join(', ')}`)
}

export function checkUser(user: unknown, at = 'options.auth.user'): void {
  if (!isObject(user)) throw invalid(`${at} must be a user, got ${kind(user)}`)
  for (const key of ['id', 'username', 'role'])
    if (typeof user[key] !== 'string') throw invalid(`${at}.${key} must be a string`)
}

function checkAuth(auth: unknown): void {
  if (!isObject(auth)) throw invalid(`${AUTH_SHAPE}, got ${kind(auth)}`)
  const keys = Object.keys(auth).join()
  if (keys === 'anonymous' && auth.anonymous === true) return
  if (keys !== 'user') throw invalid(`${AUTH_SHAPE}, got { ${keys} }`)
  checkUser(auth.user)
}

export function checkScrypt(s: unknown): void {
  const { N, r, p } = isObject(s) ? s : {}
  const upTo = (v: unknown, max: number): v is number =>
    Number.isInteger(v) && Number(v) >= 1 && Number(v) <= max
  const max = SCRYPT_LIMITS
  // scrypt wants N a power of two above 1; above the limits, verify would refuse the client's own hashes.
  const valid = upTo(N, max.N) && N > 1 && (N & (N - 1)) === 0 && upTo(r, max.r) && upTo(p, max.p)
  if (!valid || 128 * N * r > max.memory)
    throw invalid(
      `options.scrypt must be { N, r, p }: N a power of two up to ${max.N}, r up to ${max.r}, p up to ${max.p}, 128·N·r up to ${max.memory} bytes`,
    )
}

/** Throws VALIDATION_ERROR naming the first thing wrong with `options`. */
export function checkOptions(options: unknown): void {
  if (!isObject(options)) throw invalid(`expected options { adapter } or { executor }, got ${kind(options)}`)
  if ('executor' in options) {
    for (const key of Object.keys(options))
      if (key !== 'executor') throw invalid(`options.${key} does not apply with options.executor`)
    return requireMethods('options.executor', options.executor, EXECUTOR_METHODS)
  }
  for (const key of Object.keys(options))
    if (!OPTION_KEYS.includes(key))
      throw invalidOption(`options.${key}`, `unknown option ${key} (expected ${OPTION_KEYS.join(', ')})`)
  const { adapter, schema, clock, scrypt, ids, auth, audit } = options
  if (adapter === undefined) throw invalid('options.adapter is required: an Adapter (sqliteAdapter(), ...)')
  checkAdapter(adapter)
  checkSchema(schema)
  checkClock(clock)
  if (scrypt !== undefined) checkScrypt(scrypt)
  if (ids !== undefined && typeof ids !== 'function')
    throw invalid(`options.ids must be a function returning a new UUID, got ${kind(ids)}`)
  if (auth !== undefined) checkAuth(auth)
  checkAudit(audit, 'options.audit')
}

export function checkAdapter(adapter: unknown): void {
  requireMethods('options.adapter', adapter, ADAPTER_METHODS)
  if (typeof (adapter as { name?: unknown }).name !== 'string')
    throw invalid('options.adapter.name must be a string')
}

/** A loaded Schema (loadSchema(dir)), not a path or a YAML document. */
export function checkSchema(schema: unknown): void {
  if (schema === undefined) return
  if (!isObject(schema) || !(schema.entity instanceof Map) || !(schema.operations instanceof Map))
    throw invalid(`options.schema must be a Schema loaded with loadSchema(dir), got ${kind(schema)}`)
}

export function checkClock(clock: unknown): void {
  if (clock !== undefined && typeof clock !== 'function')
    throw invalid(`options.clock must be a function returning milliseconds, got ${kind(clock)}`)
}

export function checkAudit(audit: unknown, at: string): void {
  if (audit === undefined) return
  requireMethods(at, audit, ['write'])
  const close = (audit as { close?: unknown }).close
  if (close !== undefined && typeof close !== 'function')
    throw invalid(`${at}.close must be a function, got ${kind(close)}`)
}
