/**
 * A first-come, first-served async lock. The seam is async while SQLite (and PGlite) have one
 * connection: a transaction holds the lock from BEGIN to COMMIT so that no other operation's statements
 * land inside it, and operations on one transaction run one at a time so that savepoints nest properly.
 */
export class Mutex {
  private tail: Promise<void> = Promise.resolve()
  private holders = 0

  /** Someone holds or waits for the lock. */
  get busy(): boolean {
    return this.holders > 0
  }

  /** Resolves with the function that releases the lock (calling it twice is harmless). */
  async acquire(): Promise<() => void> {
    this.holders++
    const before = this.tail
    let open!: () => void
    this.tail = new Promise<void>((r) => (open = r))
    await before
    let released = false
    return () => {
      if (released) return
      released = true
      this.holders--
      open()
    }
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire()
    try {
      return await fn()
    } finally {
      release()
    }
  }
}
