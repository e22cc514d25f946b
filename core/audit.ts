/**
 * Audit records (CONTRACT §7): one per operation through the ACL, to a pluggable sink. A record holds
 * who, what and the outcome, never a field value, so no password, hash or token can reach it.
 */
import { createWriteStream, type WriteStream } from 'node:fs'

export interface AuditRecord {
  readonly timestamp: string
  readonly actor: { readonly id?: string; readonly username?: string; readonly role: string }
  readonly entity: string
  readonly operation: string
  readonly targetId?: string
  readonly success: boolean
  readonly code?: string
}

export interface AuditSink {
  write(record: AuditRecord): void | Promise<void>
  /** Writes out what is buffered and releases the sink. */
  close?(): Promise<void>
}

/** Keeps records in memory: for tests and for the daemon's recent-activity view. */
export class MemoryAuditSink implements AuditSink {
  readonly records: AuditRecord[] = []
  write(record: AuditRecord): void {
    this.records.push(record)
  }
}

/**
 * One JSON line per record, appended to a file (created readable by its owner only) or written to
 * stdout when no path is given. Writes are buffered, not synchronous, so a busy daemon's event loop
 * never waits on the disk; `close()` flushes them.
 */
export class JsonLinesAuditSink implements AuditSink {
  private readonly out: WriteStream | NodeJS.WriteStream

  constructor(path?: string) {
    this.out = path ? createWriteStream(path, { flags: 'a', mode: 0o600 }) : process.stdout
  }

  write(record: AuditRecord): void {
    this.out.write(`${JSON.stringify(record)}\n`)
  }

  close(): Promise<void> {
    const out = this.out
    if (out === process.stdout)
      return new Promise((resolve) =>
        out.writableNeedDrain ? out.once('drain', () => resolve()) : resolve(),
      )
    return new Promise((resolve, reject) =>
      (out as WriteStream).end((e?: Error | null) => (e ? reject(e) : resolve())),
    )
  }
}
