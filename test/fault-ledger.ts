/**
 * The books of one fault scenario (issue 16): every write sent, and what the client was told about it.
 * Acknowledged: it must be in the database, exactly as many rows as it wrote. Failed (a refusal, or a
 * failure whose outcome is known, such as a transaction rolled back before its COMMIT): it must be
 * absent. Unknown (DATABASE_ERROR or TIMEOUT carrying an idempotency key, CONTRACT §8: "a retried write
 * is applied at most once"): retried with that key until answered, then present exactly once. After
 * the check the figure goes to reports/faults.json (one JSON line per scenario) and to the test's
 * diagnostics.
 */
import { appendFileSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { DBALClient } from '../core/client.ts'
import { DBALError } from '../core/errors.ts'

const REPORTS = fileURLToPath(new URL('../reports/', import.meta.url))

/** `retried`: an unknown write answered by a retry with its key (counted as unknown, checked as acknowledged). */
type Outcome = 'acknowledged' | 'failed' | 'unknown' | 'retried'

interface Write {
  outcome: Outcome
  /** Rows the write makes when applied (a transaction or createMany makes several). */
  readonly rows: number
  key?: string
  /** The error codes seen, for the report of a scenario that fails. */
  readonly codes: string[]
}

export interface Figure {
  readonly scenario: string
  readonly sent: number
  /** Answered with success the first time. sent = acknowledged + failed + unknown. */
  readonly acknowledged: number
  /** Told it failed, outcome known (a refusal, a transaction rolled back): must be absent. */
  readonly failed: number
  /** Outcome unknown (DATABASE_ERROR / TIMEOUT with a key), then retried with the key: present once. */
  readonly unknown: number
  /** Of the unknown writes: already applied before their keyed retry (the retry replayed them). */
  readonly unknownApplied: number
  readonly lost: number
  readonly duplicated: number
  /** Failed writes found in the database anyway (also half-written ones). */
  readonly phantom: number
  /**
   * From the end of a fault (its cause removed) to the first write acknowledged after it; the longest,
   * when a scenario has several faults; null when one was never followed by an acknowledged write.
   */
  readonly recoveryMs: number | null
}

export class FaultLedger {
  private readonly writes = new Map<string, Write>()
  /** When the fault being recovered from ended; recoveries: each fault's time to the next ack. */
  private faultEnd: number | undefined
  private readonly recoveries: number[] = []
  private faults = 0
  private unknownApplied = 0

  constructor(readonly scenario: string) {}

  /** Sends `write` under `tag` (what the rows it makes are counted by) and books its outcome. */
  async track(tag: string, write: () => Promise<unknown>, rows = 1): Promise<Outcome> {
    if (this.writes.has(tag)) throw new Error(`tag ${tag} sent twice`)
    const w: Write = { outcome: 'unknown', rows, codes: [] }
    this.writes.set(tag, w)
    try {
      await write()
      return this.ack(w)
    } catch (e) {
      w.codes.push(e instanceof DBALError ? e.code : String(e))
      const key = e instanceof DBALError ? e.details?.idempotencyKey : undefined
      if (typeof key === 'string') {
        w.key = key
        return (w.outcome = 'unknown')
      }
      return (w.outcome = 'failed')
    }
  }

  private ack(w: Write): Outcome {
    w.outcome = 'acknowledged'
    if (this.faultEnd !== undefined) this.recoveries.push(performance.now() - this.faultEnd)
    this.faultEnd = undefined
    return w.outcome
  }

  /** The fault's cause is gone (daemon restarted, network restored, kills stopped): recovery starts. */
  faultEnded(): void {
    // A fault that ends again before any write got through is the same outage, ended later.
    if (this.faultEnd === undefined) this.faults++
    this.faultEnd = performance.now()
  }

  get acknowledged(): number {
    return [...this.writes.values()].filter((w) => w.outcome === 'acknowledged').length
  }

  get unknownTags(): string[] {
    return [...this.writes].filter(([, w]) => w.outcome === 'unknown').map(([t]) => t)
  }

  /**
   * Retries every unknown write with its own key (`retry(tag, key)`) until it is answered, `attempts`
   * times at most; `present` first counts which of them the database already has.
   */
  async retryUnknown(
    retry: (tag: string, key: string) => Promise<unknown>,
    present: () => Promise<ReadonlyMap<string, number>>,
    attempts = 20,
  ): Promise<void> {
    const before = await present()
    for (const [tag, w] of this.writes) {
      if (w.outcome !== 'unknown') continue
      if ((before.get(tag) ?? 0) > 0) this.unknownApplied++
      for (let i = 0; i < attempts; i++) {
        try {
          await retry(tag, w.key!)
          w.outcome = 'retried'
          break
        } catch (e) {
          w.codes.push(e instanceof DBALError ? e.code : String(e))
          if (!(e instanceof DBALError) || !e.retryable) break
          await new Promise((r) => setTimeout(r, 100))
        }
      }
    }
  }

  /** Counts each tag's rows in the database (`counts`: tag → rows) and sums up the scenario. */
  async check(counts: () => Promise<ReadonlyMap<string, number>>): Promise<Figure> {
    const found = await counts()
    let lost = 0
    let duplicated = 0
    let phantom = 0
    let failed = 0
    let unknown = 0
    for (const [tag, w] of this.writes) {
      const n = found.get(tag) ?? 0
      if (w.key !== undefined) unknown++
      if (w.outcome === 'failed') {
        failed++
        if (n > 0) phantom++
      } else if (w.outcome === 'acknowledged' || w.outcome === 'retried') {
        if (n < w.rows) lost++
        if (n > w.rows) duplicated++
      } else lost++ // an unknown write never answered by its retries: the client cannot know it is there
    }
    return {
      scenario: this.scenario,
      sent: this.writes.size,
      acknowledged: this.acknowledged,
      failed,
      unknown,
      unknownApplied: this.unknownApplied,
      lost,
      duplicated,
      phantom,
      recoveryMs:
        this.faults > 0 && this.recoveries.length === this.faults
          ? Math.round(Math.max(...this.recoveries))
          : null,
    }
  }

  /** The error codes the writes met, counted: what went wrong when a figure is off. */
  codes(): Record<string, number> {
    const out: Record<string, number> = {}
    for (const w of this.writes.values()) for (const c of w.codes) out[c] = (out[c] ?? 0) + 1
    return out
  }
}

/** Appends the figure to reports/faults.json (JSON lines: several test files write it) and prints it. */
export function report(f: Figure, diagnostic: (message: string) => void): void {
  mkdirSync(REPORTS, { recursive: true })
  appendFileSync(`${REPORTS}faults.json`, JSON.stringify({ ...f, at: new Date().toISOString() }) + '\n')
  diagnostic(
    `${f.scenario}: sent ${f.sent}, acknowledged ${f.acknowledged}, failed ${f.failed}, unknown ${f.unknown} ` +
      `(${f.unknownApplied} already applied), lost ${f.lost}, duplicated ${f.duplicated}, phantom ${f.phantom}, ` +
      `recovery ${f.recoveryMs ?? '-'} ms`,
  )
}

/** A user to create, named `<tag>-<n>` so that usersByTag can count it. */
export const user = (name: string) => ({ username: name, email: `${name}@example.com` })

/** Rows per tag: users are named `<tag>-<n>`. */
export async function usersByTag(c: DBALClient): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  for (let page = 1; ; page++) {
    const p = await c.users.list({ page, limit: 100 })
    for (const u of p.data as { username: string }[]) {
      const tag = u.username.slice(0, u.username.lastIndexOf('-'))
      out.set(tag, (out.get(tag) ?? 0) + 1)
    }
    if (!p.hasMore) return out
  }
}
