/**
 * Calls waiting for their reply: each request gets the next id, a timer (TIMEOUT) and a slot that the
 * reply, the timer, or the end of the connection settles, exactly once. Errors arrive as DBALError with
 * the daemon's code and details (DBALError.fromJSON), so a remote failure looks like a local one.
 */
import type WebSocket from 'ws'
import { DBALError } from '../../core/errors.ts'

interface Slot {
  readonly resolve: (v: unknown) => void
  readonly reject: (e: DBALError) => void
  readonly timer: NodeJS.Timeout
}

export class Replies {
  private seq = 0
  private readonly slots = new Map<number, Slot>()

  get size(): number {
    return this.slots.size
  }

  send(
    ws: WebSocket,
    method: string,
    params: unknown,
    /** The protocol's extension members: idempotencyKey, transaction. */
    members: object,
    timeoutMs: number,
    maxFrameBytes: number,
  ): Promise<unknown> {
    const id = ++this.seq
    const text = JSON.stringify({
      jsonrpc: '2.0',
      id,
      method,
      ...(params !== undefined ? { params } : {}),
      ...members,
    })
    // The daemon would refuse it without reading its id, so the call could never be answered.
    if (Buffer.byteLength(text) > maxFrameBytes)
      return Promise.reject(
        new DBALError('VALIDATION_ERROR', {
          reason: 'request larger than the frame limit',
          limit: maxFrameBytes,
        }),
      )
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => this.settle(id, new DBALError('TIMEOUT', { reason: 'no reply in time', limit: timeoutMs })),
        timeoutMs,
      )
      this.slots.set(id, { resolve, reject, timer })
      ws.send(text, (err) => {
        if (err) this.settle(id, new DBALError('DATABASE_ERROR', { reason: 'connection lost' }))
      })
    })
  }

  private settle(id: number, error: DBALError | undefined, result?: unknown): void {
    const slot = this.slots.get(id)
    if (!slot) return
    this.slots.delete(id)
    clearTimeout(slot.timer)
    if (error) slot.reject(error)
    else slot.resolve(result)
  }

  /** A frame from the daemon: one reply or a batch of them. Replies to nothing pending are dropped. */
  receive(text: string): void {
    let msg: unknown
    try {
      msg = JSON.parse(text)
    } catch {
      return
    }
    for (const r of Array.isArray(msg) ? msg : [msg]) {
      const reply = r as { id?: unknown; result?: unknown; error?: { data?: unknown } } | null
      if (typeof reply?.id !== 'number') continue
      if (reply.error !== undefined) this.settle(reply.id, DBALError.fromJSON(reply.error?.data))
      else this.settle(reply.id, undefined, reply.result)
    }
  }

  /** Every pending call fails with this error. */
  failAll(error: DBALError): void {
    for (const id of [...this.slots.keys()]) this.settle(id, error)
  }
}
