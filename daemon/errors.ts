/**
 * DBALError → JSON-RPC error object, and the last barrier before the wire. What is kept is decided by
 * position, never by what a value looks like: a caller's refusal (4xx) keeps the detail keys of the
 * error vocabulary (the caller's own input and facts of the schema, bounded by DETAIL_LIMITS), whatever
 * they contain. Dropping details when they *resembled* a secret made the reply an oracle: one frame of
 * unknown keys could test thousands of guesses at the database URL. Any other key (an adapter's native
 * message, a query) is dropped. Server-side failures (5xx) keep only a few short keys that our own code
 * writes and no caller text reaches; as a last net, such details that would carry a secret, SQL or a
 * stack trace are dropped.
 */
import { asDBALError, DBALError, type ErrorCode, type ErrorDetails } from '../core/errors.ts'
import { RPC_CODE, type RpcError } from './protocol.ts'

/** A failure with its own JSON-RPC code (malformed traffic, unknown method) rather than -32000. */
export class RpcFault extends Error {
  constructor(
    readonly rpcCode: number,
    readonly error: DBALError,
  ) {
    super(error.message)
  }
}

export const fault = (rpcCode: number, code: ErrorCode, details?: ErrorDetails) =>
  new RpcFault(rpcCode, new DBALError(code, details))

const SAFE_SERVER_KEYS = new Set(['entity', 'retryAfter', 'reason', 'sqlstate', 'errno', 'limit', 'call'])
/** The detail keys of refusals: what core/ and the adapters write into 4xx errors (README, Errors). */
const CLIENT_KEYS = new Set([
  ...SAFE_SERVER_KEYS,
  'id',
  'fields',
  'unique',
  'referencedBy',
  'field',
  'matches',
  'globals',
  'operation',
  'idempotencyKey',
  'truncated',
])
const SQL =
  /\b(select\s[\s\S]*\sfrom|insert\s+into|update\s+\S+\s+set|delete\s+from|(create|drop|alter)\s+(table|index|database))\b/i
const STACK = /\n\s+at\s|\.(ts|js):\d+:\d+/

export class Redactor {
  private readonly secrets: string[]

  constructor(secrets: readonly string[]) {
    // Short strings would match by accident and are not secrets worth the name.
    this.secrets = secrets.filter((s) => s.length >= 6)
  }

  /** Also the parts of a URL that are secret on their own (password, whole authority). */
  static withUrl(url: string, others: readonly string[]): Redactor {
    const extra: string[] = [url]
    try {
      const u = new URL(url)
      if (u.password) extra.push(u.password, decodeURIComponent(u.password))
      if (u.host) extra.push(`${u.username}@${u.host}`)
    } catch {
      // Not a URL (a sqlite path): the whole string is what must not leak.
    }
    return new Redactor([...extra, ...others])
  }

  leaks(text: string): boolean {
    return this.secrets.some((s) => text.includes(s)) || SQL.test(text) || STACK.test(text)
  }
}

function clientDetails(d: ErrorDetails): ErrorDetails | undefined {
  const kept = Object.entries(d).filter(([k]) => CLIENT_KEYS.has(k))
  return kept.length ? Object.fromEntries(kept) : undefined
}

function serverDetails(d: ErrorDetails): ErrorDetails | undefined {
  const kept = Object.entries(d).filter(
    ([k, v]) =>
      SAFE_SERVER_KEYS.has(k) && (typeof v === 'number' || (typeof v === 'string' && v.length <= 80)),
  )
  return kept.length ? Object.fromEntries(kept) : undefined
}

export function toRpcError(err: unknown, redactor: Redactor): RpcError {
  const rpcCode = err instanceof RpcFault ? err.rpcCode : RPC_CODE.dbal
  const e = err instanceof RpcFault ? err.error : asDBALError(err)
  let details = e.details && (e.status >= 500 ? serverDetails(e.details) : clientDetails(e.details))
  if (details && e.status >= 500 && redactor.leaks(JSON.stringify(details))) details = undefined
  return {
    code: rpcCode,
    message: e.message,
    data: details ? { code: e.code, status: e.status, details } : { code: e.code, status: e.status },
  }
}
