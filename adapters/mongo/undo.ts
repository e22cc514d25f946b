/**
 * Atomicity without multi-document transactions (FerretDB, a standalone MongoDB): every write an
 * operation makes records how to take it back, and a failed operation (or transaction body) takes back
 * its writes, last first. A nested scope hands its record to the enclosing one when it succeeds, so a
 * failure further out undoes it too: a savepoint. This is atomicity, not isolation: another client may
 * see an operation's writes before they are undone; within one adapter, operations run one at a time.
 */
export type Undo = () => Promise<void>

export class UnitOfWork {
  private readonly undos: Undo[] = []

  record(undo: Undo): void {
    this.undos.push(undo)
  }

  /** Hands everything recorded to the enclosing scope. */
  commitInto(parent: UnitOfWork | undefined): void {
    parent?.undos.push(...this.undos)
    this.undos.length = 0
  }

  /**
   * Undoes everything, last first. An undo that fails (the connection went away) does not stop the
   * others; the first such failure is rethrown after all were tried, so the caller knows the store may
   * be left half-written.
   */
  async rollback(): Promise<void> {
    let failed: { e: unknown } | undefined
    for (const undo of this.undos.splice(0).reverse()) {
      try {
        await undo()
      } catch (e) {
        failed ??= { e }
      }
    }
    if (failed) throw failed.e
  }
}
