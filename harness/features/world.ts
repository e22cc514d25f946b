/**
 * The World of one scenario: a client on a fresh database of the backend under test, the current
 * caller, rows saved by label, the outcome of the last action and what the current step observed.
 * Actions run as the caller (inside the open transaction, if any) and record their outcome; setup and
 * checks run as the trusted system caller and fail the step when the DBAL refuses them.
 */
import { World } from '@cucumber/cucumber'
import { DBALClient } from '../../core/client.ts'
import { DBALError } from '../../core/errors.ts'
import type { Row } from '../../core/validate.ts'
import type { IdNames, Seen } from '../observe.ts'
import { endOnError, type Frame } from './transactions.ts'
import type { Refs } from './values.ts'

export interface WorldParams {
  readonly backend: string
}

export type Caller = { kind: 'system' } | { kind: 'anonymous' } | { kind: 'user'; user: Row }

/** A value as it would travel as JSON: what the daemon's callers see, and what observe() expects. */
export const plain = (v: unknown): unknown => (v === undefined ? null : JSON.parse(JSON.stringify(v)))

export function seenOf(e: unknown): Seen {
  if (e instanceof DBALError) return { status: 'error', error: plain(e.toJSON()) as Record<string, unknown> }
  throw e
}

const describe = (e: Record<string, unknown>) =>
  `${String(e.code)}${e.details ? ` ${JSON.stringify(e.details)}` : ''}`

export class FeatureWorld extends World<WorldParams> {
  base: DBALClient | undefined
  caller: Caller = { kind: 'system' }
  readonly saved = new Map<string, Row>()
  readonly ids: IdNames = new Map()
  /** The outcome of the last action, which the checks read. */
  last: Seen
  /** What the current step observed (the AfterStep hook takes it). */
  seen: Seen
  /** Open transactions, outermost first. */
  readonly frames: Frame[] = []
  readonly refs: Refs = { row: (label) => this.row(label) }

  get trusted(): DBALClient {
    if (!this.base) throw new Error('the scenario has no client (its Before hook did not run)')
    return this.base
  }

  /** The client of the current caller, or the innermost open transaction's. */
  callerClient(): DBALClient {
    const top = this.frames.at(-1)
    if (top) return top.tx
    const c = this.caller
    if (c.kind === 'system') return this.trusted
    if (c.kind === 'anonymous') return this.trusted.as('anonymous')
    return this.trusted.as(c.user as { id: string; username: string; role: string })
  }

  /** A saved row; `me` is the signed-in user. */
  row(label: string): Row {
    if (label === 'me') {
      if (this.caller.kind !== 'user')
        throw new Error('"me" names the signed-in user, and nobody is signed in')
      return this.caller.user
    }
    const r = this.saved.get(label)
    if (!r)
      throw new Error(
        `nothing is saved as "${label}" (saved: ${[...this.saved.keys()].join(', ') || 'none'})`,
      )
    return r
  }

  /** The saved label of a row's id, if any. */
  labelOf(id: unknown): string | undefined {
    for (const [label, r] of this.saved) if (r.id === id) return label
    return undefined
  }

  save(label: string | undefined, value: unknown): void {
    if (label !== undefined && value && typeof value === 'object') this.saved.set(label, value as Row)
  }

  /** Keeps a saved row current after an update returned it. */
  refresh(value: unknown): void {
    const label = this.labelOf((value as Row | null)?.id)
    if (label) this.saved.set(label, value as Row)
  }

  /** Runs an action as the caller and records its outcome; a refusal is an outcome, not a failure. */
  async act(fn: (c: DBALClient) => Promise<unknown>): Promise<unknown> {
    try {
      const output = plain(await fn(this.callerClient()))
      this.last = this.seen = { status: 'success', output }
      return output
    } catch (e) {
      this.last = this.seen = seenOf(e)
      // A DBALError inside a transaction ends it, as it ends a transaction's body in application code.
      await endOnError(this, e)
      return undefined
    }
  }

  /** Runs setup or a check as the trusted caller; the DBAL refusing it fails the step. */
  async system<T>(fn: (c: DBALClient) => Promise<T>): Promise<T> {
    if (this.frames.length)
      throw new Error('a transaction is open: setup and checks run outside it (commit or roll back first)')
    try {
      const out = await fn(this.trusted)
      this.seen = { status: 'success', output: plain(out) }
      return out
    } catch (e) {
      const s = seenOf(e)
      this.seen = s
      throw new Error(`the system's own call was refused: ${describe(s?.status === 'error' ? s.error : {})}`)
    }
  }

  /** The last action's value; throws when it failed. */
  lastValue(): unknown {
    const l = this.last
    if (!l) throw new Error('no action has run yet')
    if (l.status === 'error') throw new Error(`expected success, got ${describe(l.error)}`)
    return l.output
  }

  /** The last action's error; throws when it succeeded. */
  lastError(): Record<string, unknown> {
    const l = this.last
    if (!l) throw new Error('no action has run yet')
    if (l.status === 'success') throw new Error(`expected an error, got success: ${JSON.stringify(l.output)}`)
    return l.error
  }
}
