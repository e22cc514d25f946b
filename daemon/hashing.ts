/**
 * Password hashing is the one costly thing an unauthenticated caller can ask for: each verify runs
 * scrypt (tens of milliseconds of a core and 16 MiB). Unbounded, a flood of verify calls from one
 * address queues behind libuv's few threads and every legitimate login waits seconds. The gate runs at
 * most `concurrent` hashes at once, lets at most `queued` wait, and gives one address at most `perIp`
 * of those places: a request beyond that is RATE_LIMIT_EXCEEDED at once, before any work is done.
 * A trusted caller (a service token: the application's own back end) is never refused; it waits for
 * a slot like everyone, so the limit on concurrent hashes holds for all.
 */
import { DBALError } from '../core/errors.ts'

export interface HashGateLimits {
  readonly concurrent: number
  readonly queued: number
  readonly perIp: number
}

export class HashGate {
  private running = 0
  private readonly waiting: (() => void)[] = []
  /** Places (running or waiting) held per address. */
  private readonly held = new Map<string, number>()
  /** The most hashes that ever ran at once: what the tests check the limit by. */
  peak = 0

  constructor(private readonly limits: HashGateLimits) {}

  private refuse(reason: string): DBALError {
    return new DBALError('RATE_LIMIT_EXCEEDED', { reason, retryAfter: 1 })
  }

  async run<T>(address: string, work: () => Promise<T>, trusted = false): Promise<T> {
    const mine = this.held.get(address) ?? 0
    if (!trusted && mine >= this.limits.perIp) throw this.refuse('too many password checks from this address')
    if (!trusted && this.running >= this.limits.concurrent && this.waiting.length >= this.limits.queued)
      throw this.refuse('too many password checks waiting')
    this.held.set(address, mine + 1)
    try {
      if (this.running >= this.limits.concurrent) await new Promise<void>((r) => this.waiting.push(r))
      else this.running++
      this.peak = Math.max(this.peak, this.running)
      try {
        return await work()
      } finally {
        // The slot passes straight to the next waiter, so `running` never dips and overshoots.
        const next = this.waiting.shift()
        if (next) next()
        else this.running--
      }
    } finally {
      const left = this.held.get(address)! - 1
      if (left === 0) this.held.delete(address)
      else this.held.set(address, left)
    }
  }
}
