/**
 * Shared by the engine-errors tests: each engine's codes with the meaning its table must give (one list,
 * checked against the tables and provoked on the real servers), and helpers to catch and compare.
 */
import assert from 'node:assert/strict'
import type { Meaning } from '../adapters/meaning.ts'
import { DBALError, type ErrorCode } from '../core/errors.ts'

export const POSTGRES_CASES: readonly [string, Meaning][] = [
  ['23505', 'unique'],
  ['23503', 'reference'],
  ['23001', 'reference'],
  ['23502', 'required'],
  ['23514', 'invalid'],
  ['22001', 'invalid'],
  ['22003', 'invalid'],
  ['22P02', 'invalid'],
  ['22012', 'invalid'],
  ['57014', 'timeout'],
  ['55P03', 'timeout'],
  ['40001', 'contention'],
  ['40P01', 'contention'],
  ['08006', 'unavailable'],
  ['08001', 'unavailable'],
  ['53300', 'unavailable'],
  ['53100', 'unavailable'],
  ['57P01', 'unavailable'],
  ['57P03', 'unavailable'],
  ['58000', 'unavailable'],
  ['08P01', 'permanent'],
  ['58P01', 'permanent'],
  ['28P01', 'permanent'],
  ['28000', 'permanent'],
  ['3D000', 'permanent'],
  ['54000', 'permanent'],
  ['54023', 'permanent'],
  ['42P01', 'internal'],
  ['XX000', 'internal'],
  ['40003', 'internal'],
]

export const SQLITE_CASES: readonly [string, string, Meaning][] = [
  ['SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed: users.email', 'unique'],
  ['SQLITE_CONSTRAINT_PRIMARYKEY', 'UNIQUE constraint failed: users.id', 'unique'],
  ['SQLITE_CONSTRAINT_FOREIGNKEY', 'FOREIGN KEY constraint failed', 'reference'],
  ['SQLITE_CONSTRAINT_TRIGGER', 'FOREIGN KEY constraint failed', 'reference'],
  ['SQLITE_CONSTRAINT_TRIGGER', 'raised by a trigger', 'internal'],
  ['SQLITE_CONSTRAINT_NOTNULL', 'NOT NULL constraint failed: users.email', 'required'],
  ['SQLITE_CONSTRAINT_CHECK', 'CHECK constraint failed: positive', 'invalid'],
  // sqlite3 (Sequelize) reports the primary code only: the message names the constraint.
  ['SQLITE_CONSTRAINT', 'SQLITE_CONSTRAINT: UNIQUE constraint failed: users.email', 'unique'],
  ['SQLITE_CONSTRAINT', 'SQLITE_CONSTRAINT: FOREIGN KEY constraint failed', 'reference'],
  ['SQLITE_CONSTRAINT', 'SQLITE_CONSTRAINT: NOT NULL constraint failed: users.email', 'required'],
  ['SQLITE_MISMATCH', 'datatype mismatch', 'invalid'],
  ['SQLITE_BUSY', 'database is locked', 'timeout'],
  ['SQLITE_BUSY_SNAPSHOT', 'database is locked', 'timeout'],
  ['SQLITE_BUSY_TIMEOUT', 'database is locked', 'timeout'],
  ['SQLITE_INTERRUPT', 'interrupted', 'timeout'],
  ['SQLITE_LOCKED', 'database table is locked', 'contention'],
  ['SQLITE_LOCKED_SHAREDCACHE', 'database table is locked', 'contention'],
  ['SQLITE_IOERR', 'disk I/O error', 'unavailable'],
  ['SQLITE_IOERR_WRITE', 'disk I/O error', 'unavailable'],
  ['SQLITE_FULL', 'database or disk is full', 'unavailable'],
  ['SQLITE_NOMEM', 'out of memory', 'unavailable'],
  ['SQLITE_PROTOCOL', 'locking protocol', 'unavailable'],
  ['SQLITE_MISUSE', 'SQLITE_MISUSE: Database is closed', 'unavailable'],
  ['', 'The database connection is not open', 'unavailable'],
  ['SQLITE_CORRUPT', 'database disk image is malformed', 'permanent'],
  ['SQLITE_NOTADB', 'file is not a database', 'permanent'],
  ['SQLITE_CANTOPEN', 'unable to open database file', 'permanent'],
  ['SQLITE_READONLY', 'attempt to write a readonly database', 'permanent'],
  ['SQLITE_READONLY_DBMOVED', 'attempt to write a readonly database', 'permanent'],
  ['SQLITE_PERM', 'access permission denied', 'permanent'],
  ['SQLITE_AUTH', 'authorization denied', 'permanent'],
  ['SQLITE_TOOBIG', 'string or blob too big', 'permanent'],
  ['SQLITE_RANGE', 'column index out of range', 'permanent'],
  ['SQLITE_ERROR', 'too many SQL variables', 'permanent'],
  ['SQLITE_SCHEMA', 'database schema has changed', 'internal'],
  ['', 'something else', 'internal'],
]

export const MARIADB_CASES: readonly [number, Meaning][] = [
  [1062, 'unique'],
  [1022, 'unique'],
  [1169, 'unique'],
  [1586, 'unique'],
  [1761, 'unique'],
  [1762, 'unique'],
  [1859, 'unique'],
  [1451, 'reference'],
  [1452, 'reference'],
  [1216, 'reference'],
  [1217, 'reference'],
  [1048, 'required'],
  [1364, 'required'],
  [1264, 'invalid'],
  [1406, 'invalid'],
  [1366, 'invalid'],
  [1292, 'invalid'],
  [1265, 'invalid'],
  [1690, 'invalid'],
  [3140, 'invalid'],
  [4025, 'invalid'],
  [1969, 'timeout'],
  [3024, 'timeout'],
  [1205, 'timeout'],
  [45012, 'timeout'],
  [45026, 'timeout'],
  [45028, 'timeout'],
  [1213, 'contention'],
  [1040, 'unavailable'],
  [1203, 'unavailable'],
  [1041, 'unavailable'],
  [1021, 'unavailable'],
  [1053, 'unavailable'],
  [1077, 'unavailable'],
  [1152, 'unavailable'],
  [1158, 'unavailable'],
  [1161, 'unavailable'],
  [1927, 'unavailable'],
  [2002, 'unavailable'],
  [2003, 'unavailable'],
  [2006, 'unavailable'],
  [2013, 'unavailable'],
  [45001, 'unavailable'],
  [45009, 'unavailable'],
  [45013, 'unavailable'],
  [45027, 'unavailable'],
  [1044, 'permanent'],
  [1045, 'permanent'],
  [1698, 'permanent'],
  [1049, 'permanent'],
  [1153, 'permanent'],
  [1390, 'permanent'],
  [1064, 'internal'],
  [1146, 'internal'],
]

/** The native code a DBALError carries in its details: `sqlstate`, or `errno`. */
export function nativeCode(e: DBALError): { sqlstate?: unknown; errno?: unknown } {
  const d = e.details ?? {}
  return 'sqlstate' in d ? { sqlstate: d.sqlstate } : 'errno' in d ? { errno: d.errno } : {}
}

/** What `fn` rejects with (it must reject). */
export async function caught(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn()
  } catch (e) {
    return e
  }
  return assert.fail('expected a failure')
}

/**
 * The DBALError `e` must be: its code, retryable as the contract says, the native code in details and
 * the native error as cause, and nothing of SQL or a URL in what goes on the wire.
 */
export function expectError(e: unknown, code: ErrorCode, native?: object): DBALError {
  assert.ok(e instanceof DBALError, `expected a DBALError, got ${String(e)}`)
  assert.equal(e.code, code, `${e.code} ${JSON.stringify(e.details)}`)
  assert.equal(e.retryable, code === 'DATABASE_ERROR' || code === 'TIMEOUT')
  if (native) assert.deepEqual(nativeCode(e), native)
  assert.ok(e.cause !== undefined, 'the native error is kept as cause')
  const wire = JSON.stringify(e.toJSON())
  for (const leak of ['SELECT', 'INSERT', 'UPDATE ', '://'])
    assert.ok(!wire.includes(leak), `${leak} in ${wire}`)
  return e
}

/** Two promises released together once both have reached the barrier (a deadlock's two halves). */
export function barrier(): { arrive(): Promise<void> } {
  let waiting = 2
  let open!: () => void
  const opened = new Promise<void>((r) => (open = r))
  return {
    arrive() {
      if (--waiting === 0) open()
      return opened
    },
  }
}
