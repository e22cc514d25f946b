/**
 * SQLite's result codes and what each means (adapters/meaning.ts), written once for better-sqlite3
 * (extended codes: SQLITE_CONSTRAINT_UNIQUE) and Sequelize's sqlite3 (primary codes only: the kind of
 * constraint is in the message); no driver is imported.
 *
 * - CONSTRAINT_UNIQUE / _PRIMARYKEY unique; _FOREIGNKEY, and _TRIGGER when it is a foreign key's (ON
 *   DELETE RESTRICT fails through SQLite's internal trigger) reference; _NOTNULL required; _CHECK and
 *   MISMATCH (a value of the wrong type) invalid.
 * - BUSY (another connection holds the write lock past busy_timeout) and INTERRUPT timeout. BUSY_SNAPSHOT
 *   (a WAL reader whose snapshot went stale tried to write, SQLite's serialization failure) would be
 *   contention, but sqlite3 reports only the primary code: timeout too, so that both families agree
 *   (both retryable).
 * - LOCKED (a table locked by another statement of the same connection or shared cache, returned at
 *   once, not after a wait) contention: DATABASE_ERROR, retryable once the holder finishes. Sequelize
 *   used to call it TIMEOUT; there was no wait, so it is not one.
 * - IOERR, FULL (no room on the disk; PostgreSQL's class 53 is unavailable too), NOMEM, PROTOCOL
 *   unavailable; a closed database (better-sqlite3's TypeError, sqlite3's MISUSE message) too.
 * - CORRUPT, NOTADB (a damaged file or none), CANTOPEN, READONLY, PERM (cannot be opened or written),
 *   AUTH (a refused statement), TOOBIG, RANGE and ERROR (too deep, too many variables, malformed)
 *   permanent: a retry meets them again.
 * - anything else internal.
 */
import type { Meaning } from '../meaning.ts'

const CONSTRAINT: Readonly<Record<string, Meaning>> = {
  UNIQUE: 'unique',
  PRIMARYKEY: 'unique',
  FOREIGNKEY: 'reference',
  NOTNULL: 'required',
  CHECK: 'invalid',
}

/** Primary codes; an extended code (SQLITE_IOERR_WRITE) means what its primary code means. */
const PRIMARY: Readonly<Record<string, Meaning>> = {
  MISMATCH: 'invalid',
  BUSY: 'timeout',
  INTERRUPT: 'timeout',
  LOCKED: 'contention',
  IOERR: 'unavailable',
  FULL: 'unavailable',
  NOMEM: 'unavailable',
  PROTOCOL: 'unavailable',
  CORRUPT: 'permanent',
  NOTADB: 'permanent',
  CANTOPEN: 'permanent',
  READONLY: 'permanent',
  PERM: 'permanent',
  AUTH: 'permanent',
  TOOBIG: 'permanent',
  RANGE: 'permanent',
  ERROR: 'permanent',
}

/** The constraint named by a message: "UNIQUE constraint failed: users.email", "FOREIGN KEY constraint failed". */
const IN_MESSAGE: readonly [RegExp, Meaning][] = [
  [/UNIQUE constraint failed/, 'unique'],
  [/FOREIGN KEY constraint failed/, 'reference'],
  [/NOT NULL constraint failed/, 'required'],
  [/CHECK constraint failed/, 'invalid'],
]

const CLOSED = /database connection is not open|Database is closed|SQLITE_MISUSE: Database handle is closed/

/** What a SQLite error means, from its code (`SQLITE_...`, '' when none) and its message. */
export function sqliteMeaning(code: string, message: string): Meaning {
  const [, primary = '', extended] = /^SQLITE_([A-Z]+)(?:_([A-Z_]+))?$/.exec(code) ?? []
  if (primary === 'CONSTRAINT') {
    const named = extended === undefined || extended === 'TRIGGER' ? undefined : CONSTRAINT[extended]
    return named ?? IN_MESSAGE.find(([re]) => re.test(message))?.[1] ?? 'internal'
  }
  if (CLOSED.test(message)) return 'unavailable'
  return PRIMARY[primary] ?? 'internal'
}

/** "UNIQUE constraint failed: users.username, users.email" → ['username', 'email']. */
export const columnsOf = (message: string): string[] =>
  (message.split('constraint failed: ')[1] ?? '').split(', ').map((c) => c.slice(c.lastIndexOf('.') + 1))
