/**
 * dbal.daemon.yaml, read strictly: an unknown or mistyped key is a ConfigError naming it. Secrets stay out
 * of the file: any string may be `${NAME}` or `${NAME:-default}`, read from the environment at start-up.
 */
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { parse } from 'yaml'
import { registryEntry, REGISTRY_NAMES } from '../adapters/registry.ts'
import { ConfigError, Reader } from '../core/config-error.ts'
import type { TransactionLimits } from './transactions.ts'

export interface Limits {
  readonly maxFrameBytes: number
  readonly maxInFlight: number
  /** Requests per second; a bucket holds twice as many for bursts. */
  readonly ratePerConnection: number
  readonly ratePerIp: number
  readonly requestTimeoutMs: number
  readonly idleTimeoutMs: number
  readonly heartbeatMs: number
  readonly maxConnections: number
  /** Unsent response bytes a connection may hold before the daemon drops it (a client that stops reading). */
  readonly maxBufferedBytes: number
  readonly maxBatch: number
  readonly shutdownTimeoutMs: number
  /** Password hashes (credentials.verify / set) computed at once, waiting, and per client address. */
  readonly hashing: { readonly concurrent: number; readonly queued: number; readonly perIp: number }
  /** Interactive transactions (PROTOCOL.md §11): their longest timeout, the wait to start one, per connection. */
  readonly transactions: TransactionLimits
  /**
   * A connection authenticated with a service token (the application's own backend, trusted) gets these
   * instead of max_in_flight and rate_per_connection, and its requests skip the per-address bucket: the
   * limits above are for untrusted callers and would cap an application's one bridge connection.
   */
  readonly service: { readonly maxInFlight: number; readonly ratePerConnection: number }
}

export interface DaemonConfig {
  readonly file: string
  readonly backend: {
    /** A registered backend (adapters/registry.ts): `sqlite`, `postgres`, `sequelize-mariadb`, ... */
    readonly name: string
    readonly url: string
    readonly migrate: boolean
    readonly pool: number
  }
  readonly listen: { readonly host: string; readonly port: number }
  readonly tls?: { readonly cert: string; readonly key: string }
  readonly auth: {
    readonly serviceTokens: readonly { readonly name: string; readonly token: string }[]
    readonly allowAnonymous: boolean
    readonly sessionRecheckMs: number
  }
  readonly limits: Limits
  readonly idempotency: { readonly windowSeconds: number }
  /** A JSON-lines file; undefined: standard output. */
  readonly audit: { readonly file?: string }
  readonly test: { readonly reset: boolean }
}

const MIN_TOKEN_LENGTH = 32

/** Replaces `${NAME}` and `${NAME:-default}` in every string, naming the key of an unset variable. */
export function interpolate(v: unknown, env: NodeJS.ProcessEnv, file: string, path = ''): unknown {
  if (typeof v === 'string')
    return v.replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
      (_, name: string, dflt: string | undefined) => {
        const value = env[name] ?? dflt
        if (value === undefined) throw new ConfigError(file, path, `environment variable ${name} is not set`)
        return value
      },
    )
  if (Array.isArray(v)) return v.map((x, i) => interpolate(x, env, file, `${path}[${i}]`))
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k, interpolate(x, env, file, path ? `${path}.${k}` : k)]),
    )
  return v
}

/** An integer in range; a string of digits too, since `${PORT}` arrives as text. */
function int(r: Reader, key: string, dflt: number, min: number, max: number): number {
  if (!r.has(key)) return dflt
  const c = r.child(key)
  const n = typeof c.value === 'string' && /^\d+$/.test(c.value) ? Number(c.value) : c.number()
  if (!Number.isInteger(n) || n < min || n > max) c.fail(`expected an integer from ${min} to ${max}`)
  return n
}

const bool = (r: Reader, key: string, dflt: boolean) =>
  r.optional(key, (x) => (x.value === 'true' ? true : x.value === 'false' ? false : x.boolean())) ?? dflt
const section = (r: Reader, key: string, keys: readonly string[]) => {
  const c = r.child(key)
  if (c.value === undefined || c.value === null) return new Reader(c.file, c.path, {})
  c.object(keys)
  return c
}

/** A config from a parsed YAML value (tests build them inline). */
export function configFrom(
  value: unknown,
  file = '(inline config)',
  env: NodeJS.ProcessEnv = process.env,
): DaemonConfig {
  const root = new Reader(file, '', interpolate(value ?? {}, env, file))
  root.object(['backend', 'listen', 'tls', 'auth', 'limits', 'idempotency', 'audit', 'test'])
  const b = section(root, 'backend', ['name', 'url', 'migrate', 'pool'])
  const name = b.child('name').oneOf(REGISTRY_NAMES)
  // Only a backend that has no storage of its own (the in-memory reference) runs without a url: a
  // daemon over an in-memory SQLite would lose its data at a restart without anyone having asked.
  const entry = registryEntry(name)!
  const url =
    b.optional('url', (x) => x.string()) ??
    (entry.server || entry.fileUrl ? b.fail('required for this backend', 'url') : '')
  const l = section(root, 'listen', ['host', 'port'])
  const t = root.has('tls') ? section(root, 'tls', ['cert', 'key']) : undefined
  const a = section(root, 'auth', ['service_tokens', 'allow_anonymous', 'session_recheck_ms'])
  const serviceTokens = a.has('service_tokens')
    ? a
        .child('service_tokens')
        .items()
        .map((x) => {
          x.object(['name', 'token'])
          const token = x.child('token').string()
          if (token.length < MIN_TOKEN_LENGTH)
            x.child('token').fail(`must be at least ${MIN_TOKEN_LENGTH} characters`)
          return { name: x.child('name').string(), token }
        })
    : []
  const m = section(root, 'limits', [
    'max_frame_bytes',
    'max_in_flight',
    'rate_per_connection',
    'rate_per_ip',
    'request_timeout_ms',
    'idle_timeout_ms',
    'heartbeat_ms',
    'max_connections',
    'max_buffered_bytes',
    'max_batch',
    'shutdown_timeout_ms',
    'max_concurrent_hashes',
    'max_queued_hashes',
    'hashes_per_ip',
    'max_transaction_ms',
    'transaction_wait_ms',
    'max_transactions_per_connection',
    'service_max_in_flight',
    'service_rate_per_connection',
  ])
  const day = 86_400_000
  return {
    file,
    backend: { name, url, migrate: bool(b, 'migrate', true), pool: int(b, 'pool', 10, 1, 1000) },
    listen: {
      host: l.optional('host', (x) => x.string()) ?? '127.0.0.1',
      port: int(l, 'port', 8765, 0, 65535),
    },
    ...(t ? { tls: { cert: t.child('cert').string(), key: t.child('key').string() } } : {}),
    auth: {
      serviceTokens,
      allowAnonymous: bool(a, 'allow_anonymous', true),
      sessionRecheckMs: int(a, 'session_recheck_ms', 5000, 0, day),
    },
    limits: {
      maxFrameBytes: int(m, 'max_frame_bytes', 1 << 20, 1024, 64 << 20),
      maxInFlight: int(m, 'max_in_flight', 32, 1, 10_000),
      ratePerConnection: int(m, 'rate_per_connection', 200, 1, 1_000_000),
      ratePerIp: int(m, 'rate_per_ip', 1000, 1, 10_000_000),
      requestTimeoutMs: int(m, 'request_timeout_ms', 30_000, 1, day),
      idleTimeoutMs: int(m, 'idle_timeout_ms', 300_000, 1, day),
      heartbeatMs: int(m, 'heartbeat_ms', 30_000, 10, day),
      maxConnections: int(m, 'max_connections', 1000, 1, 1_000_000),
      maxBufferedBytes: int(m, 'max_buffered_bytes', 4 << 20, 1024, 1 << 30),
      maxBatch: int(m, 'max_batch', 100, 1, 10_000),
      shutdownTimeoutMs: int(m, 'shutdown_timeout_ms', 10_000, 0, day),
      hashing: {
        // One core stays free for the event loop: /health and every other request.
        concurrent: int(m, 'max_concurrent_hashes', Math.max(1, availableParallelism() - 1), 1, 1024),
        queued: int(m, 'max_queued_hashes', 64, 0, 100_000),
        perIp: int(m, 'hashes_per_ip', 2, 1, 100_000),
      },
      transactions: {
        maxMs: int(m, 'max_transaction_ms', 15_000, 1, day),
        waitMs: int(m, 'transaction_wait_ms', 5_000, 1, day),
        perConnection: int(m, 'max_transactions_per_connection', 4, 1, 1000),
        maxCalls: int(m, 'max_batch', 100, 1, 10_000),
      },
      service: {
        maxInFlight: int(m, 'service_max_in_flight', 256, 1, 100_000),
        ratePerConnection: int(m, 'service_rate_per_connection', 100_000, 1, 10_000_000),
      },
    },
    idempotency: {
      windowSeconds: int(section(root, 'idempotency', ['window_s']), 'window_s', 86_400, 1, 365 * 86_400),
    },
    // An empty value (`${DBAL_AUDIT_FILE:-}` unset) means standard output, like no value.
    audit: { file: section(root, 'audit', ['file']).optional('file', (x) => x.string()) || undefined },
    test: { reset: bool(section(root, 'test', ['reset']), 'reset', false) },
  }
}

/** Reading the file may fail with Node's own error (it names the path); its YAML is checked here. */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): DaemonConfig {
  const text = readFileSync(file, 'utf8')
  let value: unknown
  try {
    value = parse(text)
  } catch (e) {
    throw new ConfigError(
      file,
      '',
      `not readable YAML: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`,
    )
  }
  return configFrom(value, file, env)
}
