/**
 * Audit records (CONTRACT §7): one per operation through the ACL, to a pluggable sink. A record holds
 * who, what and the outcome, never a field value, so no password, hash or token can reach it.
 */
import { appendFileSync } from 'node:fs'

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
}

/** Keeps records in memory: for tests and for the daemon's recent-activity view. */
export class MemoryAuditSink implements AuditSink {
  readonly records: AuditRecord[] = []
  write(record: AuditRecord): void {
    this.records.push(record)
  }
}

/** One JSON line per record, appended to a file, or written to stdout when no path is given. */
export class JsonLinesAuditSink implements AuditSink {
  constructor(private readonly path?: string) {}
  write(record: AuditRecord): void {
    const line = `${JSON.stringify(record)}\n`
    if (this.path) appendFileSync(this.path, line, { mode: 0o600 })
    else process.stdout.write(line)
  }
}
