/** Progress of a long run on stderr: one updating line on a terminal, a line every few seconds otherwise. */
export class Progress {
  private readonly done = new Map<string, number>()
  private last = Date.now()
  constructor(
    private readonly totals: ReadonlyMap<string, number>,
    private readonly tty = Boolean(process.stderr.isTTY),
  ) {}

  tick(backend: string): void {
    this.done.set(backend, (this.done.get(backend) ?? 0) + 1)
    const now = Date.now()
    if (now - this.last < (this.tty ? 100 : 5000)) return
    this.last = now
    const line = [...this.totals].map(([b, n]) => `${b} ${this.done.get(b) ?? 0}/${n}`).join(' | ')
    if (this.tty) process.stderr.write(`\r\x1b[K${line} cases`)
    else process.stderr.write(`… ${line} cases\n`)
  }

  finish(): void {
    if (this.tty) process.stderr.write('\r\x1b[K')
  }
}
