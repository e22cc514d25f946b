/**
 * At-most-once writes (CONTRACT §8). The outcome of a write sent with an idempotency key is stored in the
 * database (IdempotencyRecord), in the same transaction as the write itself: either both happen or
 * neither does, so a crash can never leave a write applied without its record. A retry with the same key
 * from the same caller gets the stored outcome back; two attempts racing on the same key both commit
 * nothing twice: the loser's transaction fails on the record's unique key, rolls its write back, and
 * replays the winner's record. Records live for the configured window; the key is scoped to the caller,
 * so one caller can never read another's result by guessing its key.
 *
 * Only applied writes are recorded. A refused write changed nothing, so a retry may simply run again;
 * recording refusals would let any caller (anonymous included) store a record per request, at the size
 * of its error, without one accepted write. A record is thus never larger than the outcome of a write
 * the caller was allowed to make.
 */
import { createHash, randomUUID } from 'node:crypto'
import type { Adapter } from '../core/adapter.ts'
import { asDBALError, DBALError } from '../core/errors.ts'
import type { Cond } from '../core/query.ts'
import type { Row } from '../core/validate.ts'

const ENTITY = 'IdempotencyRecord'
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex')
const json = (v: unknown): unknown => (v === undefined ? null : JSON.parse(JSON.stringify(v)))

export class IdempotencyStore {
  constructor(
    private readonly adapter: Adapter,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The record of `key`, expired ones included (the caller decides). */
  private async find(key: string, adapter: Adapter = this.adapter): Promise<Row | undefined> {
    const { data } = await adapter.list(ENTITY, {
      filter: this.keyIs(key),
      sort: [{ field: 'id', dir: 'asc' }],
      offset: 0,
      limit: 1,
    })
    return data[0]
  }

  private live = (row: Row | undefined): boolean =>
    row !== undefined && (row.expiresAt as string) > this.nowIso()

  private keyIs = (key: string): Cond => ({ kind: 'cmp', field: 'key', op: 'eq', value: key })
  private nowIso = () => new Date(this.now()).toISOString()

  private record(key: string, fingerprint: string, result: Record<string, unknown>): Row {
    const at = this.nowIso()
    return {
      id: randomUUID(),
      key,
      fingerprint,
      result,
      expiresAt: new Date(this.now() + this.windowMs).toISOString(),
      createdAt: at,
      updatedAt: at,
    }
  }

  private replay(row: Row, fingerprint: string): unknown {
    if (row.fingerprint !== fingerprint)
      throw new DBALError('CONFLICT', { reason: 'idempotency key reused with other method or params' })
    return (row.result as { value?: unknown }).value
  }

  /**
   * Runs `write` on a transaction unless `clientKey` was seen from `scope`; returns its (stored) outcome.
   * On a transaction's `adapter` the record is a savepoint of it: committed or rolled back with it.
   */
  async run(
    scope: string,
    clientKey: string,
    method: string,
    params: unknown,
    write: (tx: Adapter) => Promise<unknown>,
    adapter: Adapter = this.adapter,
  ): Promise<unknown> {
    const key = sha256(`${scope}\n${clientKey}`)
    const fingerprint = sha256(`${method}\n${JSON.stringify(params ?? null)}`)
    let out: { seen: Row } | { value: unknown }
    try {
      out = await adapter.transaction(async (tx) => {
        const seen = await this.find(key, tx)
        if (this.live(seen)) return { seen: seen! }
        // A record whose window has passed makes room for this attempt.
        if (seen) await tx.delete(ENTITY, seen.id as string)
        const value = json(await write(tx))
        await tx.create(ENTITY, this.record(key, fingerprint, { value }))
        return { value }
      })
    } catch (err) {
      // Another attempt with this key committed first: its outcome is the one.
      const winner = await this.find(key, adapter).catch(() => undefined)
      if (this.live(winner)) return this.replay(winner!, fingerprint)
      throw asDBALError(err)
    }
    return 'seen' in out ? this.replay(out.seen, fingerprint) : out.value
  }

  /** Deletes records whose window has passed; returns how many. */
  purge(): Promise<number> {
    return this.adapter.deleteMany(ENTITY, {
      kind: 'cmp',
      field: 'expiresAt',
      op: 'lte',
      value: this.nowIso(),
    })
  }
}
