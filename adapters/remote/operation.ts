/** One operation as a request: its wire method, and a write's idempotency key (a new one, or the caller's). */
import { randomUUID } from 'node:crypto'
import { DBALError } from '../../core/errors.ts'
import { schema } from '../../core/schema.ts'
import { isWrite, methodOf } from '../../daemon/protocol.ts'
import type { RpcConnection } from './connection.ts'

export interface CallOptions {
  /** Reuse the key of a failed write (in its DATABASE_ERROR's or TIMEOUT's details) to retry it at most once. */
  readonly idempotencyKey?: string
  readonly timeoutMs?: number
}

/**
 * A write that failed without a known outcome (every retryable error: the connection dropped, no reply
 * in time, the daemon timed out or lost its database) may have been applied: its key goes with the
 * error, so the caller can retry it safely (at most once). A refusal changed nothing and needs none.
 */
function withKey(e: unknown, idempotencyKey: string): unknown {
  if (!(e instanceof DBALError) || !e.retryable || e.details?.idempotencyKey !== undefined) return e
  return new DBALError(e.code, { ...e.details, idempotencyKey }, { cause: e.cause })
}

export function sendOperation(
  conn: RpcConnection,
  entity: string,
  operation: string,
  input: unknown,
  opts: CallOptions,
  tx?: { transaction: string; socket: number },
): Promise<unknown> {
  const method = methodOf(entity, operation)
  // The same refusal as LocalExecutor's, without a round trip.
  if (!method || !schema.operations.get(entity)?.has(operation))
    return Promise.reject(
      new DBALError('VALIDATION_ERROR', {
        fields: [{ field: 'operation', error: `unknown operation ${entity}.${operation}` }],
      }),
    )
  const idempotencyKey = isWrite(entity, operation) ? (opts.idempotencyKey ?? randomUUID()) : undefined
  const call = conn.call(method, input, {
    ...(idempotencyKey ? { idempotencyKey } : {}),
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    ...tx,
  })
  return idempotencyKey ? call.catch((e: unknown) => Promise.reject(withKey(e, idempotencyKey))) : call
}
