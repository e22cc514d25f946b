/**
 * A decoded JSON value → a well-formed request, or the JSON-RPC error that says why not (with the
 * request's id when that much could be read). Members beyond the protocol's are ignored, never read:
 * nothing a client adds to a message can change who it is. `params` is passed on as the operation's
 * input whatever it is, so that a wrong one gets exactly the VALIDATION_ERROR a local call would.
 */
import { isPlainObject } from '../core/values.ts'
import { fault, type RpcFault } from './errors.ts'
import { IDEMPOTENCY_KEY, RPC_CODE, TRANSACTION_ID, type RequestId, type RpcRequest } from './protocol.ts'

export type Parsed =
  | { readonly ok: RpcRequest; readonly notification: boolean }
  | { readonly fault: RpcFault; readonly id: RequestId }

const MAX_METHOD_LENGTH = 200

const validId = (id: unknown): id is RequestId | undefined =>
  id === undefined || id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id))

export function parseRequest(m: unknown): Parsed {
  const invalid = (reason: string, id: RequestId = null): Parsed => ({
    fault: fault(RPC_CODE.invalidRequest, 'VALIDATION_ERROR', { reason }),
    id,
  })
  if (!isPlainObject(m)) return invalid('a request must be a JSON object')
  if (!validId(m.id)) return invalid('id must be a string, a number or null')
  const id = m.id ?? null
  if (m.jsonrpc !== '2.0') return invalid('jsonrpc must be "2.0"', id)
  if (typeof m.method !== 'string' || m.method.length === 0 || m.method.length > MAX_METHOD_LENGTH)
    return invalid('method must be a non-empty string', id)
  const key = m.idempotencyKey
  if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)))
    return invalid('idempotencyKey must be 1 to 255 printable ASCII characters', id)
  const tx = m.transaction
  if (tx !== undefined && (typeof tx !== 'string' || !TRANSACTION_ID.test(tx)))
    return invalid('transaction must be an id from tx.begin', id)
  return {
    ok: {
      jsonrpc: '2.0',
      id,
      method: m.method,
      ...(m.params !== undefined ? { params: m.params } : {}),
      ...(key !== undefined ? { idempotencyKey: key } : {}),
      ...(tx !== undefined ? { transaction: tx } : {}),
    },
    notification: !('id' in m),
  }
}
