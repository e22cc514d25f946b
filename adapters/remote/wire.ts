/** Small pieces of the bridge's wire handling: the reconnection delay and a refused upgrade's error. */
import type { IncomingMessage } from 'node:http'
import { DBALError } from '../../core/errors.ts'

export interface Backoff {
  readonly initialMs: number
  readonly maxMs: number
}

/** Attempt n waits initial·2ⁿ capped at max, with jitter (50–100 %) so that clients do not reconnect in step. */
export function backoffDelay(b: Backoff, attempt: number): number {
  const base = Math.min(b.maxMs, b.initialMs * 2 ** Math.min(attempt, 30))
  return Math.round(base * (0.5 + Math.random() / 2))
}

const BY_STATUS: Readonly<Record<number, 'UNAUTHORIZED' | 'RATE_LIMIT_EXCEEDED'>> = {
  401: 'UNAUTHORIZED',
  429: 'RATE_LIMIT_EXCEEDED',
}
const MAX_BODY = 64 * 1024

/** The daemon's answer to an upgrade it refused: its JSON error body, else the HTTP status's meaning. */
export async function refusal(res: IncomingMessage): Promise<DBALError> {
  let body = ''
  try {
    for await (const chunk of res) {
      body += String(chunk)
      if (body.length > MAX_BODY) break
    }
    const data = (JSON.parse(body) as { error?: { data?: { code?: unknown } } }).error?.data
    if (typeof data?.code === 'string') return DBALError.fromJSON(data)
  } catch {
    // Not the daemon's JSON (a proxy's page): the status decides.
  }
  return new DBALError(BY_STATUS[res.statusCode ?? 0] ?? 'DATABASE_ERROR', {
    reason: `upgrade refused with HTTP ${res.statusCode}`,
  })
}
