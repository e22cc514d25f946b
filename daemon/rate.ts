/**
 * Token buckets for the per-connection and per-IP request rates: `rate` tokens a second, room for
 * `2 × rate` so that a burst after a quiet spell passes. A refused request costs nothing but its reply.
 */
export class TokenBucket {
  private tokens: number
  private last: number

  constructor(
    private readonly rate: number,
    private readonly capacity = rate * 2,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = capacity
    this.last = now()
  }

  /** Takes one token: 0 when granted, else the whole seconds to wait (≥ 1), for `retryAfter`. */
  take(): number {
    const t = this.now()
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.rate)
    this.last = t
    if (this.tokens >= 1) {
      this.tokens -= 1
      return 0
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.rate))
  }

  /** Full again: nothing it remembers matters any more. */
  get idle(): boolean {
    return this.tokens + ((this.now() - this.last) / 1000) * this.rate >= this.capacity
  }
}

/** One bucket per client address, shared by its connections; idle buckets are dropped by `sweep`. */
export class BucketsByKey {
  private readonly buckets = new Map<string, TokenBucket>()

  constructor(private readonly rate: number) {}

  get(key: string): TokenBucket {
    let b = this.buckets.get(key)
    if (!b) this.buckets.set(key, (b = new TokenBucket(this.rate)))
    return b
  }

  sweep(): void {
    for (const [k, b] of this.buckets) if (b.idle) this.buckets.delete(k)
  }
}
