/**
 * The design configuration's checks (core/config.ts), made at construction: every option that is
 * missing, unknown, of the wrong type or that does not apply with another is VALIDATION_ERROR naming
 * it, never a late INTERNAL_ERROR at the first call.
 */
import {
  checkAdapter,
  checkSchema,
  checkAudit,
  checkClock,
  checkScrypt,
  checkUser,
  invalidOption,
  isObject,
  kind,
} from './client-options.ts'
import { ADAPTER_NAMES } from './config-load.ts'
import type { DbalConfig } from './config.ts'

const KEYS = Object.keys({
  mode: 0,
  adapter: 0,
  schema: 0,
  database: 0,
  endpoint: 0,
  auth: 0,
  security: 0,
  timeouts: 0,
  migrate: 0,
  clock: 0,
  scrypt: 0,
} satisfies Record<keyof DbalConfig, 0>)
/** Options only the design's form has: with any of them, `mode` is required. */
const DESIGN_ONLY = ['mode', 'database', 'endpoint', 'security', 'timeouts', 'migrate']
const TIMEOUT_KEYS = ['connectMs', 'requestMs', 'statementMs']
const AUTH_FORMS = '{ user, session }, { session }, { user }, { anonymous: true } or { token }'

/** Whether `options` is the design's form (rather than `{ adapter: instance }` or `{ executor }`). */
export function isDesignConfig(options: unknown): boolean {
  if (!isObject(options) || 'executor' in options) return false
  return (
    DESIGN_ONLY.some((k) => options[k] !== undefined) ||
    typeof options.adapter === 'string' ||
    (isObject(options.auth) && options.auth.session !== undefined)
  )
}

const refuse = (field: string, problem: string): never => {
  throw invalidOption(field, problem)
}

function only(at: string, v: unknown, keys: readonly string[]): Record<string, unknown> {
  if (!isObject(v) || Array.isArray(v)) return refuse(at, `${at} must be an object, got ${kind(v)}`)
  for (const k of Object.keys(v))
    if (!keys.includes(k) && v[k] !== undefined)
      refuse(`${at}.${k}`, `unknown option ${at}.${k} (expected ${keys.join(', ')})`)
  return v
}

function checkSession(session: unknown): void {
  if (typeof session === 'string' && session !== '') return
  if (isObject(session) && typeof session.token === 'string' && session.token !== '') {
    if (session.userId === undefined || typeof session.userId === 'string') return
    refuse('options.auth.session.userId', 'options.auth.session.userId must be a string')
  }
  refuse(
    'options.auth.session',
    `options.auth.session must be a session token or { token }, got ${kind(session)}`,
  )
}

function checkAuth(auth: unknown, remote: boolean): void {
  const a = only('options.auth', auth, ['user', 'session', 'anonymous', 'token'])
  const keys = Object.keys(a)
    .filter((k) => a[k] !== undefined)
    .sort()
    .join()
  if (keys === 'anonymous' && a.anonymous === true) return
  if (keys === 'token') {
    if (!remote) refuse('options.auth.token', 'options.auth.token (a service token) needs options.endpoint')
    if (typeof a.token !== 'string' || a.token === '')
      refuse('options.auth.token', 'must be a non-empty string')
    return
  }
  if (keys === 'session' || keys === 'session,user') {
    if (a.user !== undefined) checkUser(a.user)
    return checkSession(a.session)
  }
  if (keys === 'user') {
    checkUser(a.user)
    // A daemon believes a token, never a claimed user: over an endpoint the user comes with its session.
    if (remote) refuse('options.auth.session', 'required with options.endpoint: auth: { user, session }')
    return
  }
  refuse('options.auth', `options.auth must be ${AUTH_FORMS}, got { ${keys} }`)
}

function checkEndpoint(endpoint: unknown): void {
  const u = typeof endpoint === 'string' && URL.canParse(endpoint) ? new URL(endpoint) : undefined
  if (u?.protocol !== 'ws:' && u?.protocol !== 'wss:')
    refuse(
      'options.endpoint',
      `options.endpoint must be a ws:// or wss:// URL of a daemon, got ${JSON.stringify(endpoint)}`,
    )
}

function checkAdapterName(name: string): void {
  if (!(ADAPTER_NAMES as readonly string[]).includes(name))
    refuse(
      'options.adapter',
      `unknown adapter ${JSON.stringify(name)} (expected an Adapter or one of: ${ADAPTER_NAMES.join(', ')})`,
    )
}

/** Throws VALIDATION_ERROR naming the first option of `c` that is wrong. */
export function checkConfig(c: Record<string, unknown>): void {
  only('options', c, KEYS)
  checkSchema(c.schema)
  const { mode, adapter, database, endpoint, auth, security, timeouts, migrate } = c
  if (mode === undefined) {
    const why =
      typeof adapter === 'string'
        ? `a named options.adapter (${JSON.stringify(adapter)})`
        : `options.${DESIGN_ONLY.find((k) => c[k] !== undefined) ?? 'auth.session'}`
    refuse('options.mode', `options.mode ('development' or 'production') is required with ${why}`)
  }
  if (mode !== 'development' && mode !== 'production')
    refuse('options.mode', `options.mode must be 'development' or 'production', got ${JSON.stringify(mode)}`)
  const remote = endpoint !== undefined
  if (remote) {
    checkEndpoint(endpoint)
    // The daemon holds the database, chooses its backend, migrates, audits and hashes passwords.
    for (const k of ['adapter', 'schema', 'database', 'security', 'migrate', 'clock', 'scrypt'])
      if (c[k] !== undefined)
        refuse(`options.${k}`, `options.${k} does not apply with options.endpoint: the daemon has its own`)
    if (auth === undefined)
      refuse('options.auth', `required with options.endpoint: ${AUTH_FORMS.replace(', { user },', ',')}`)
  } else if (adapter === undefined) {
    refuse(
      'options.adapter',
      `options.adapter (or options.endpoint) is required: an Adapter or one of ${ADAPTER_NAMES.join(', ')}`,
    )
  } else if (typeof adapter === 'string') {
    checkAdapterName(adapter)
    if (adapter === 'memory' && database !== undefined)
      refuse('options.database', 'options.database does not apply to the memory adapter')
    if (adapter !== 'memory') {
      const db = only('options.database', database, ['url'])
      if (typeof db.url !== 'string' || db.url === '')
        refuse('options.database.url', `options.database.url is required for the ${adapter} adapter`)
    }
  } else {
    checkAdapter(adapter)
    if (database !== undefined)
      refuse(
        'options.database',
        'options.database does not apply to an Adapter instance: it has its database',
      )
  }
  if (auth !== undefined) checkAuth(auth, remote)
  if (security !== undefined)
    checkAudit(only('options.security', security, ['audit']).audit, 'options.security.audit')
  if (timeouts !== undefined) {
    const t = only('options.timeouts', timeouts, TIMEOUT_KEYS)
    for (const k of TIMEOUT_KEYS)
      if (t[k] !== undefined && !(typeof t[k] === 'number' && Number.isFinite(t[k]) && t[k] > 0))
        refuse(`options.timeouts.${k}`, `options.timeouts.${k} must be a positive number of milliseconds`)
  }
  if (migrate !== undefined && typeof migrate !== 'boolean')
    refuse('options.migrate', `options.migrate must be true or false, got ${kind(migrate)}`)
  if (migrate === true && mode === 'production')
    refuse('options.migrate', 'production mode never migrates: run `dbal migrate` when deploying')
  checkClock(c.clock)
  if (c.scrypt !== undefined) checkScrypt(c.scrypt)
}
