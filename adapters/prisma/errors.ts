/**
 * Prisma's errors as faults, in one place. A statement fails in one of three shapes: a Prisma error with
 * a P-code (P2002 unique, P2003 foreign key, P2025 no such row, P1001/P1017 connection, P1008/P2024
 * timeouts), a DriverAdapterError whose cause carries the database's own code (`originalCode`: a
 * SQLSTATE, an SQLITE_* name, a MariaDB errno) and message, or a connection-level error of the driver
 * adapter (`kind`: DatabaseNotReachable, SocketTimeout, ...). A database code goes to that database's own
 * table (postgres/sqlstate.ts through postgres/errors.ts, sqlite/codes.ts, mariadb/codes.ts), so the
 * Prisma backends mean exactly what the native ones do; constraint faults are then explained by the
 * shared SQL code (the field, CONFLICT vs VALIDATION_ERROR), as for every SQL backend.
 */
import { DBALError, type ErrorCode } from '../../core/errors.ts'
import type { Entity } from '../../core/schema.ts'
import { mariadbMeaning } from '../mariadb/codes.ts'
import { ERROR_OF, valueFields } from '../meaning.ts'
import { classify as postgresClassify } from '../postgres/errors.ts'
import type { Fault } from '../sql/explain.ts'
import { classify as sqliteClassify } from '../sqlite/errors.ts'
import type { PrismaProviderName } from './client-like.ts'

/** The cause of a DriverAdapterError, as @prisma/driver-adapter-utils describes it. */
interface AdapterCause {
  readonly kind?: unknown
  readonly originalCode?: unknown
  readonly originalMessage?: unknown
  readonly constraint?: { readonly index?: unknown; readonly fields?: unknown }
  readonly column?: unknown
  /** The driver's own cause (the mariadb pool's timeout says why it had no connection). */
  readonly cause?: unknown
}

interface PrismaErrorLike {
  readonly code?: unknown
  readonly message?: unknown
  readonly name?: unknown
  readonly meta?: { readonly driverAdapterError?: unknown; readonly target?: unknown }
  readonly cause?: unknown
}

const obj = (x: unknown): PrismaErrorLike & AdapterCause =>
  typeof x === 'object' && x !== null ? (x as PrismaErrorLike & AdapterCause) : {}

/** The driver adapter's description of the failure, wherever Prisma put it (depth-limited walk). */
function adapterCause(err: unknown): AdapterCause | undefined {
  let x: unknown = err
  for (let i = 0; i < 5 && x; i++) {
    const o = obj(x)
    if (typeof o.kind === 'string') return o
    const dae = o.meta?.driverAdapterError
    x = obj(dae).cause ?? dae ?? o.cause
  }
  return undefined
}

/** The adapter's cause as the native error that driver would have thrown, for the native tables. */
function nativeOf(p: PrismaProviderName, c: AdapterCause): unknown {
  const message = typeof c.originalMessage === 'string' ? c.originalMessage : String(c.kind)
  const code = c.originalCode
  if (p === 'postgresql')
    return Object.assign(new Error(message), {
      code,
      severity: 'ERROR',
      constraint: typeof c.constraint?.index === 'string' ? c.constraint.index : undefined,
      column: typeof c.column === 'string' ? c.column : undefined,
    })
  return Object.assign(new Error(message), { code })
}

/** Connection-level kinds of a driver adapter error (no database code). */
const KIND: Readonly<Record<string, ErrorCode>> = {
  DatabaseNotReachable: 'DATABASE_ERROR',
  DatabaseDoesNotExist: 'INTERNAL_ERROR',
  AuthenticationFailed: 'INTERNAL_ERROR',
  ConnectionClosed: 'DATABASE_ERROR',
  TooManyConnections: 'DATABASE_ERROR',
  TlsConnectionError: 'DATABASE_ERROR',
  SocketTimeout: 'TIMEOUT',
  TransactionWriteConflict: 'DATABASE_ERROR',
}

/** Prisma's own codes where no database code is attached. */
const P_CODE: Readonly<Record<string, ErrorCode>> = {
  P1001: 'DATABASE_ERROR', // cannot reach the server
  P1002: 'TIMEOUT', // the server was reached but timed out
  P1008: 'TIMEOUT', // operation timed out
  P1017: 'DATABASE_ERROR', // the server closed the connection
  P2024: 'TIMEOUT', // timed out fetching a connection from the pool
  P2025: 'NOT_FOUND', // no row for the where clause
  P2028: 'DATABASE_ERROR', // transaction API error (expired or closed transaction)
  P2034: 'DATABASE_ERROR', // write conflict or deadlock: retry
}

const CONNECTION_LOST = /closed|terminat|ECONNRESET|ECONNREFUSED|Connection lost|not connected/i

/** Node's network errors, as the mariadb pool reports them inside its own timeout. */
const NETWORK = /\b(ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EPIPE)\b/

function mariadb(err: unknown, errno: number, e: Entity | undefined, c: AdapterCause): Fault {
  // A pool that cannot connect times out waiting: the server is unavailable, not slow.
  if (typeof c.cause === 'string' && NETWORK.test(c.cause))
    return fail(err, 'DATABASE_ERROR', e, { errno, reason: 'connect' })
  const meaning = mariadbMeaning(errno)
  if (meaning === 'unique') return { kind: 'unique' }
  if (meaning === 'reference') return { kind: 'reference' }
  const column = typeof c.column === 'string' ? c.column : undefined
  const extra =
    meaning === 'required' || meaning === 'invalid' ? { fields: valueFields(meaning, e, column) } : {}
  return fail(err, ERROR_OF[meaning], e, { errno, ...extra })
}

const fail = (err: unknown, code: ErrorCode, e?: Entity, extra?: object): Fault => ({
  kind: 'error',
  error: new DBALError(code, { ...(e ? { entity: e.name } : {}), ...extra }, { cause: err }),
})

/** Any error a Prisma client threw during an operation on `e`, as what it means. */
export function classifyPrisma(p: PrismaProviderName, err: unknown, e?: Entity): Fault {
  if (err instanceof DBALError) return { kind: 'error', error: err }
  const c = adapterCause(err)
  if (c && c.originalCode !== undefined) {
    if (p === 'mysql') return mariadb(err, Number(c.originalCode), e, c)
    const f = (p === 'postgresql' ? postgresClassify : sqliteClassify)(nativeOf(p, c), e)
    return f.kind === 'error' ? fail(err, f.error.code, e, f.error.details) : f
  }
  if (c && typeof c.kind === 'string') {
    if (c.kind === 'UniqueConstraintViolation') return { kind: 'unique' }
    if (c.kind === 'ForeignKeyConstraintViolation') return { kind: 'reference' }
    const code = KIND[c.kind]
    if (code) return fail(err, code, e, { reason: c.kind })
  }
  const o = obj(err)
  if (o.code === 'P2002') return { kind: 'unique' }
  if (o.code === 'P2003') return { kind: 'reference' }
  const pc = typeof o.code === 'string' ? P_CODE[o.code] : undefined
  if (pc) return fail(err, pc, e, { prisma: o.code })
  if (o.name === 'PrismaClientInitializationError')
    return fail(err, 'DATABASE_ERROR', e, { reason: 'connect' })
  if (typeof o.message === 'string' && CONNECTION_LOST.test(o.message))
    return fail(err, 'DATABASE_ERROR', e, { reason: 'connection lost' })
  return fail(err, 'INTERNAL_ERROR', e)
}
