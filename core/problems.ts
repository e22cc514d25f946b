/**
 * Which failures are the user's (a file missing, a folder not writable, a server refusing) and the few
 * words that say so. The CLI prints those as one line naming what the user gave; anything else is a bug,
 * whose stack is worth showing. Drivers are recognized by the shape of their errors, never imported.
 */
import { ConfigError } from './config-error.ts'
import { DBALError } from './errors.ts'

/** Node's system errors (fs, net, dns) by code. */
const SYSTEM: Record<string, string> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'is a directory, not a file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  EEXIST: 'already exists',
  ENOSPC: 'no space left on the device',
  ENAMETOOLONG: 'name too long',
  ELOOP: 'too many symbolic links',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available on this machine',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
}

/** SQLite result codes (better-sqlite3, sqlite3) that describe the file, not the SQL. */
const SQLITE: Record<string, string> = {
  SQLITE_CANTOPEN: 'cannot open the database file',
  SQLITE_NOTADB: 'not an SQLite database',
  SQLITE_READONLY: 'the database is read-only',
  SQLITE_PERM: 'permission denied',
  SQLITE_AUTH: 'permission denied',
  SQLITE_CORRUPT: 'the database file is corrupt',
  SQLITE_FULL: 'the disk is full',
  SQLITE_BUSY: 'the database is locked',
  SQLITE_IOERR: 'I/O error',
}

/** PGlite's file system (Emscripten) reports WASI errno numbers, without a message. */
const WASI: Record<number, string> = {
  2: SYSTEM.EACCES!,
  20: SYSTEM.EEXIST!,
  31: SYSTEM.EISDIR!,
  44: SYSTEM.ENOENT!,
  54: 'not a directory',
  63: SYSTEM.EPERM!,
  69: SYSTEM.EROFS!,
}

const firstLine = (s: string) => s.split('\n')[0]!.trim()
const prop = (e: object, key: string): unknown => (e as Record<string, unknown>)[key]

/** The user's problem in a few words, or undefined: then `e` is a bug (or unknown), shown with its stack. */
export function environmentProblem(e: unknown): string | undefined {
  if (e === null || typeof e !== 'object') return undefined
  // Emscripten's ErrnoError is not an Error: a name and a number.
  if (prop(e, 'name') === 'ErrnoError' && typeof prop(e, 'errno') === 'number')
    return WASI[prop(e, 'errno') as number] ?? `file system error ${String(prop(e, 'errno'))}`
  if (!(e instanceof Error)) return undefined
  const code = prop(e, 'code')
  if (typeof code === 'string' && typeof prop(e, 'syscall') === 'string') {
    const words = SYSTEM[code] ?? firstLine(e.message)
    const host = prop(e, 'hostname')
    return code === 'ENOTFOUND' && typeof host === 'string' ? `${words}: ${host}` : words
  }
  // Extended codes (SQLITE_IOERR_READ) share their primary code's words.
  if (typeof code === 'string' && code.startsWith('SQLITE_'))
    return SQLITE[code] ?? SQLITE[code.split('_').slice(0, 2).join('_')]
  // better-sqlite3 throws this TypeError, without a code, before it calls SQLite at all.
  if (e instanceof TypeError && e.message === 'Cannot open database because the directory does not exist')
    return 'the directory does not exist'
  if (typeof code === 'string' && code.startsWith('ERR_OSSL_')) return firstLine(e.message)
  // Sequelize wraps the driver's error: connection failures are the user's, and so is whatever the
  // driver itself says is (SQLITE_NOTADB inside a SequelizeDatabaseError).
  if (e.name.startsWith('Sequelize')) {
    const parent = prop(e, 'parent')
    return (
      environmentProblem(parent) ??
      (/^Sequelize\w*(Connection|HostNotFound|HostNotReachable|AccessDenied)\w*Error$/.test(e.name)
        ? firstLine(e.message)
        : undefined)
    )
  }
  if (e instanceof DBALError && (e.code === 'DATABASE_ERROR' || e.code === 'TIMEOUT'))
    return (
      environmentProblem(e.cause) ??
      (e.cause instanceof Error
        ? firstLine(e.cause.message)
        : `${e.message} ${JSON.stringify(e.details ?? {})}`)
    )
  return undefined
}

/**
 * `e`, or the ConfigError it means: a user's problem with what `file` and `key` name. A ConfigError
 * already names its file and passes through.
 */
export function inputError(file: string, key: string, e: unknown): unknown {
  if (e instanceof ConfigError) return e
  const problem = environmentProblem(e)
  return problem === undefined ? e : new ConfigError(file, key, problem)
}
