/**
 * A transaction over the bridge (PROTOCOL.md §11): `tx.begin` on this executor's connection, every call
 * of `fn` sent with the transaction's id, then `tx.commit`, or `tx.rollback` when `fn` throws. The daemon
 * holds it for this connection only: once the socket that began it is gone, the daemon has rolled it back,
 * and every later call on `tx` fails here with DATABASE_ERROR instead of running outside it.
 */
import type { Capabilities } from '../../core/adapter.ts'
import { DBALError } from '../../core/errors.ts'
import {
  transactionEnded,
  type AuthUser,
  type Executor,
  type TransactionOptions,
} from '../../core/executor.ts'
import { METHODS } from '../../daemon/protocol.ts'
import type { RpcConnection } from './connection.ts'
import { sendOperation, type CallOptions } from './operation.ts'

export async function remoteTransaction<T>(
  conn: RpcConnection,
  parent: { id: string; socket: number } | undefined,
  fn: (tx: Executor) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const params = {
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(parent ? { transaction: parent.id } : {}),
  }
  const begun = (await conn.call(METHODS.txBegin, params, parent ? { socket: parent.socket } : {})) as {
    transaction: string
  }
  const tx = new RemoteTransaction(conn, begun.transaction, parent?.socket ?? conn.socket)
  let result: T
  try {
    result = await fn(tx)
  } catch (e) {
    tx.ended = true
    await tx.control(METHODS.txRollback).catch(() => undefined)
    throw e
  }
  tx.ended = true
  await tx.control(METHODS.txCommit)
  return result
}

class RemoteTransaction implements Executor {
  ended = false

  constructor(
    private readonly conn: RpcConnection,
    private readonly id: string,
    private readonly socket: number,
  ) {}

  control(method: string): Promise<unknown> {
    return this.conn.call(method, { transaction: this.id }, { socket: this.socket })
  }

  execute(entity: string, operation: string, input?: unknown, opts: CallOptions = {}): Promise<unknown> {
    if (this.ended) return Promise.reject(transactionEnded())
    return sendOperation(this.conn, entity, operation, input, opts, {
      transaction: this.id,
      socket: this.socket,
    })
  }

  transaction<U>(fn: (tx: Executor) => Promise<U>, options?: TransactionOptions): Promise<U> {
    if (this.ended) return Promise.reject(transactionEnded())
    return remoteTransaction(this.conn, { id: this.id, socket: this.socket }, fn, options)
  }

  /** The daemon knows a transaction's caller by its connection: another caller needs its own. */
  as(_user: AuthUser | 'anonymous'): Executor {
    throw new DBALError('CAPABILITY_NOT_SUPPORTED', {
      reason: 'a remote transaction belongs to its connection: begin it on the client from as()',
    })
  }

  capabilities(): Promise<Capabilities> {
    return this.conn.call(METHODS.capabilities, undefined) as Promise<Capabilities>
  }

  close(): Promise<void> {
    return Promise.reject(new DBALError('VALIDATION_ERROR', { reason: 'close the client, not tx' }))
  }
}
