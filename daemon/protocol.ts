/**
 * The wire protocol of daemon/PROTOCOL.md as code, shared by the daemon and the bridge
 * (adapters/remote): message shapes, JSON-RPC codes, and how an operation is named on the wire. It has
 * no server dependencies, so a client bundles it without the daemon.
 */
import type { ErrorCode, ErrorDetails } from '../core/errors.ts'
import { schema } from '../core/schema.ts'

export const PROTOCOL_VERSION = '1.2.0'
/** Offered in Sec-WebSocket-Protocol; the major version changes when a 1.x client could break. */
export const SUBPROTOCOL = 'dbal.v1'

/** JSON-RPC 2.0 codes: the reserved ones for malformed traffic, -32000 for every DBAL error. */
export const RPC_CODE = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  dbal: -32000,
} as const

export type RequestId = string | number | null

export interface RpcRequest {
  readonly jsonrpc: '2.0'
  /** Absent: a notification (run, never answered). */
  readonly id?: RequestId
  readonly method: string
  readonly params?: unknown
  /** On writes only: the same key from the same caller replays the stored outcome. */
  readonly idempotencyKey?: string
  /** On operations only: the id from `tx.begin` of this connection; the operation runs inside it. */
  readonly transaction?: string
}

export interface RpcErrorData {
  readonly code: ErrorCode
  readonly status: number
  readonly details?: ErrorDetails
}

export interface RpcError {
  readonly code: number
  readonly message: string
  readonly data: RpcErrorData
}

export type RpcResponse =
  | { readonly jsonrpc: '2.0'; readonly id: RequestId; readonly result: unknown }
  | { readonly jsonrpc: '2.0'; readonly id: RequestId; readonly error: RpcError }

/** Methods besides the operations: `auth.*` work before authentication, `test.reset` only for certification. */
export const METHODS = {
  login: 'auth.login',
  whoami: 'auth.whoami',
  capabilities: 'dbal.capabilities',
  reset: 'test.reset',
  txBegin: 'tx.begin',
  txCommit: 'tx.commit',
  txRollback: 'tx.rollback',
  txBatch: 'tx.batch',
} as const

export const RESERVED_NAMESPACES = ['auth', 'dbal', 'test', 'rpc', 'tx'] as const

/** A transaction id as `tx.begin` gives it and requests carry it. */
export const TRANSACTION_ID = /^[\x21-\x7e]{1,100}$/

/** Access classes that change data: their operations carry idempotency keys. */
const WRITE_CLASSES: ReadonlySet<string> = new Set(['create', 'update', 'delete'])

export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/

export interface OperationRef {
  readonly entity: string
  readonly operation: string
}

const byMethod = new Map<string, OperationRef>()
for (const [entity, ops] of schema.operations) {
  const ns = schema.entity.get(entity)!.namespace!
  if ((RESERVED_NAMESPACES as readonly string[]).includes(ns))
    throw new Error(`namespace ${ns} of ${entity} is reserved by the daemon protocol`)
  for (const operation of ops.keys()) byMethod.set(`${ns}.${operation}`, { entity, operation })
}

/** `users.create` → {entity: 'User', operation: 'create'}; undefined for anything else. */
export const operationOf = (method: string): OperationRef | undefined => byMethod.get(method)

/** The wire name of an operation, or undefined when the entity has no public namespace. */
export function methodOf(entity: string, operation: string): string | undefined {
  const ns = schema.entity.get(entity)?.namespace
  return ns === undefined ? undefined : `${ns}.${operation}`
}

export function isWrite(entity: string, operation: string): boolean {
  const acl = schema.operations.get(entity)?.get(operation)?.acl
  return acl !== undefined && WRITE_CLASSES.has(acl)
}

/** Every operation method, in schema order (for PROTOCOL.md's table and the metrics' label set). */
export const OPERATION_METHODS: readonly string[] = [...byMethod.keys()]
