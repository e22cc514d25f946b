/**
 * DBALError → JSON-RPC error object, and the last barrier before the wire: server-side failures (5xx) keep
 * only a few short, known detail keys, and any error whose text would carry a secret (the database URL or
 * its password, a token), SQL or a stack trace loses its details altogether.
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

const SAFE_SERVER_KEYS = new Set(['entity', 'retryAfter', 'reason', 'sqlstate', 'errno', 'limit'])
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
  let details = e.details && (e.status >= 500 ? serverDetails(e.details) : e.details)
  if (details && redactor.leaks(JSON.stringify(details))) details = undefined
  return {
    code: rpcCode,
    message: e.message,
    data: details ? { code: e.code, status: e.status, details } : { code: e.code, status: e.status },
  }
}
