/**
 * RoundRobinExecutor: one Executor over several daemons on the same database (CONTRACT §8 scale-out:
 * lockout counters, idempotency records and sessions live in the database, so the daemons behave as
 * one). Each call goes to the next daemon. A call that fails with its outcome unknown (the retryable
 * codes: the daemon or its connection is gone, or it timed out) is tried on the next daemon when that
 * is safe: a read, or a write under the SAME idempotency key, which a daemon that finds the first
 * attempt's record in the database replays instead of applying again. Anything else (credentials.verify
 * counts an attempt; a refusal is an answer) is the caller's to handle.
 *
 *   const db = new DBALClient({ executor: roundRobin(['ws://a:8765', 'ws://b:8765'], { token }) })
 */
import { randomUUID } from 'node:crypto'
import type { Capabilities } from '../../core/adapter.ts'
import { DBALError } from '../../core/errors.ts'
import type { AuthUser, Executor, TransactionOptions } from '../../core/executor.ts'
import { schema } from '../../core/schema.ts'
import { isWrite } from '../../daemon/protocol.ts'
import { RemoteExecutor, type CallOptions, type RemoteOptions } from './executor.ts'

const isRead = (entity: string, operation: string) =>
  schema.operations.get(entity)?.get(operation)?.acl === 'read'

export class RoundRobinExecutor implements Executor {
  private turn = 0

  constructor(readonly members: readonly RemoteExecutor[]) {
    if (members.length === 0)
      throw new DBALError('VALIDATION_ERROR', {
        fields: [{ field: 'members', error: 'roundRobin: at least one daemon' }],
      })
  }

  /** The member the next call goes to (and the turn moves on). */
  private next(): number {
    const i = this.turn
    this.turn = (i + 1) % this.members.length
    return i
  }

  async execute(
    entity: string,
    operation: string,
    input?: unknown,
    opts: CallOptions = {},
  ): Promise<unknown> {
    // The key is chosen here, not by the member, so every attempt of this write carries the same one.
    const write = isWrite(entity, operation)
    const call: CallOptions = write ? { ...opts, idempotencyKey: opts.idempotencyKey ?? randomUUID() } : opts
    const retry = write || isRead(entity, operation)
    const first = this.next()
    const n = this.members.length
    for (let i = 0; ; i++) {
      try {
        return await this.members[(first + i) % n]!.execute(entity, operation, input, call)
      } catch (e) {
        if (!retry || i === n - 1 || !(e instanceof DBALError) || !e.retryable) throw e
      }
    }
  }

  /** A transaction is held by one daemon for one connection (PROTOCOL.md §11): the next one. */
  transaction<T>(fn: (tx: Executor) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.members[this.next()]!.transaction(fn, options)
  }

  /** The same daemons for another caller: each member opens its own session for the user. */
  as(user: AuthUser | 'anonymous'): RoundRobinExecutor {
    return new RoundRobinExecutor(this.members.map((m) => m.as(user)))
  }

  capabilities(): Promise<Capabilities> {
    return this.members[this.next()]!.capabilities()
  }

  /** Empties every table of the one database they share (daemons started with test.reset). */
  reset(): Promise<void> {
    return this.members[0]!.reset()
  }

  /** Closes every member; pending calls reject with DATABASE_ERROR. */
  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => m.close()))
  }
}

/** A round-robin executor over a daemon per URL, each with the same options (token, timeouts, ...). */
export function roundRobin(urls: readonly string[], options: Omit<RemoteOptions, 'url'>): RoundRobinExecutor {
  return new RoundRobinExecutor(urls.map((url) => new RemoteExecutor({ ...options, url })))
}
