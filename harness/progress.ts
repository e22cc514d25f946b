/**
 * Live progress of a run on stderr. On a terminal: a line per backend (cases done / total, failed
 * steps, elapsed), redrawn in place at most ten times a second and erased at the end (the summary
 * follows). Otherwise (CI logs): one plain line for all backends every few seconds. `quiet`: nothing.
 */
import type { ResultEvent } from './results.ts'

interface Line {
  readonly total: number
  done: number
  failed: number
  finishedAt?: number
}

export interface ProgressOptions {
  readonly quiet?: boolean
  readonly tty?: boolean
  readonly write?: (text: string) => void
  /** Milliseconds between plain lines when not on a terminal. */
  readonly everyMs?: number
}

export class Progress {
  private readonly lines = new Map<string, Line>()
  private readonly started = Date.now()
  private last = 0
  private drawn = 0
  private readonly tty: boolean
  private readonly write: (text: string) => void

  constructor(
    totals: ReadonlyMap<string, number>,
    private readonly o: ProgressOptions = {},
  ) {
    for (const [b, total] of totals) this.lines.set(b, { total, done: 0, failed: 0 })
    this.tty = o.tty ?? Boolean(process.stderr.isTTY)
    this.write = o.write ?? ((t) => process.stderr.write(t))
  }

  /** Counts failures and notes when a backend is finished. */
  event(e: ResultEvent): void {
    const line = 'backend' in e ? this.lines.get(e.backend) : undefined
    if (!line) return
    if (e.type === 'step' && (e.outcome === 'fail' || e.outcome === 'xpass')) line.failed++
    if (e.type === 'backend') line.finishedAt = Date.now()
  }

  /** A case of `backend` is done. */
  tick(backend: string): void {
    const line = this.lines.get(backend)
    if (line) line.done++
    const now = Date.now()
    if (this.o.quiet || now - this.last < (this.tty ? 100 : (this.o.everyMs ?? 10_000))) return
    this.last = now
    this.draw(now)
  }

  private draw(now: number): void {
    const seconds = (l: Line) => `${(((l.finishedAt ?? now) - this.started) / 1000).toFixed(0)} s`
    const width = Math.max(...[...this.lines.keys()].map((b) => b.length))
    if (!this.tty) {
      const parts = [...this.lines].map(
        ([b, l]) => `${b} ${l.done}/${l.total}${l.failed ? ` (${l.failed} failed)` : ''}`,
      )
      this.write(`… ${parts.join(' | ')} cases, ${((now - this.started) / 1000).toFixed(0)} s\n`)
      return
    }
    const text = [...this.lines].map(
      ([b, l]) =>
        `\x1b[K  ${b.padEnd(width)}  ${String(l.done).padStart(String(l.total).length)}/${l.total} cases` +
        `  ${l.failed ? `\x1b[31m${l.failed} failed\x1b[0m` : '0 failed'}  ${seconds(l)}${l.finishedAt ? '  done' : ''}\n`,
    )
    this.write(`${this.drawn ? `\x1b[${this.drawn}A` : ''}${text.join('')}`)
    this.drawn = text.length
  }

  /** Erases the lines on a terminal (the summary follows). */
  finish(): void {
    if (this.tty && this.drawn) this.write(`\x1b[${this.drawn}A\x1b[J`)
    this.drawn = 0
  }
}
