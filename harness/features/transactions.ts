/**
 * Transactions that span steps: `I start a transaction` opens `client.transaction(fn)` whose body waits
 * until a later step commits (the body returns) or rolls back (the body throws an application error);
 * the actions in between run on its `tx`. A DBALError from an action ends the innermost transaction at
 * once, as it would end a body in application code; a nested one is a savepoint, so only it ends.
 */
import type { DBALClient } from '../../core/client.ts'
import { DBALError } from '../../core/errors.ts'
import { seenOf, type FeatureWorld } from './world.ts'

type Ended = { ok: true } | { ok: false; error: unknown }

export interface Frame {
  readonly tx: DBALClient
  release(): void
  abort(error: unknown): void
  readonly ended: Promise<Ended>
}

/** The application's own error that a rollback step throws; the DBAL must give back this very object. */
class RollBack extends Error {}

/** Opens a transaction on `on`; resolves once its body runs, or with the error that refused it. */
async function open(on: DBALClient): Promise<Frame | { refused: unknown }> {
  let started!: (tx: DBALClient) => void
  const body = new Promise<DBALClient>((r) => (started = r))
  let gate!: { release(): void; abort(e: unknown): void }
  const held = new Promise<void>((release, abort) => (gate = { release: () => release(), abort }))
  const ended: Promise<Ended> = on
    .transaction(async (tx) => {
      started(tx)
      await held
    })
    .then(
      () => ({ ok: true }) as const,
      (error: unknown) => ({ ok: false, error }) as const,
    )
  const first = await Promise.race([body, ended])
  if ('ok' in first)
    return { refused: first.ok ? new Error('the transaction ended before it began') : first.error }
  return { tx: first, ...gate, ended }
}

/** `I start a transaction` (outermost: on the caller's client) or a nested one (on the open `tx`). */
export async function begin(w: FeatureWorld, nested: boolean): Promise<void> {
  if (nested && !w.frames.length) throw new Error('no transaction is open to nest one in')
  if (!nested && w.frames.length) throw new Error('a transaction is already open: start a nested one')
  const r = await open(w.callerClient())
  if ('refused' in r) {
    w.last = w.seen = seenOf(r.refused)
    return
  }
  w.frames.push(r)
  w.last = w.seen = { status: 'success', output: null }
}

function innermost(w: FeatureWorld): Frame {
  const f = w.frames.pop()
  if (!f) throw new Error('no transaction is open')
  return f
}

/** Commits the innermost transaction; its outcome becomes the last result. */
export async function commit(w: FeatureWorld): Promise<void> {
  const f = innermost(w)
  f.release()
  const r = await f.ended
  w.last = w.seen = r.ok ? { status: 'success', output: true } : seenOf(r.error)
}

/** Rolls the innermost transaction back by throwing from its body, and checks the error comes back. */
export async function rollBack(w: FeatureWorld): Promise<void> {
  const f = innermost(w)
  const mine = new RollBack('rolled back by the scenario')
  f.abort(mine)
  const r = await f.ended
  if (r.ok) throw new Error('the transaction committed although its body threw')
  if (r.error !== mine)
    throw new Error(`the transaction gave back another error than its body's: ${String(r.error)}`)
  w.last = w.seen = { status: 'success', output: { rolledBack: true } }
}

/** After an action's DBALError inside a transaction: the innermost one ends with it. */
export async function endOnError(w: FeatureWorld, e: unknown): Promise<void> {
  if (!(e instanceof DBALError) || !w.frames.length) return
  const f = innermost(w)
  f.abort(e)
  await f.ended
}

/** At the end of a scenario: rolls back what is still open; true if anything was. */
export async function abandon(w: FeatureWorld): Promise<boolean> {
  const open = w.frames.length > 0
  while (w.frames.length) {
    const f = innermost(w)
    f.abort(new RollBack('the scenario ended'))
    await f.ended
  }
  return open
}
