/**
 * The one place where Sequelize's errors (and the drivers' codes under them: SQLSTATE for pg, errno for
 * mariadb, result codes for sqlite3) become DBALErrors. The original stays as `cause`; details carry only
 * schema names (entity, wire field names), never SQL text, values, URLs or passwords.
 */
import {
  BaseError,
  ConnectionAcquireTimeoutError,
  ConnectionError,
  ForeignKeyConstraintError,
  TimeoutError,
  UniqueConstraintError,
  ValidationError,
} from 'sequelize'
import { dangling, stillReferenced } from '../../core/constraints.ts'
import { DBALError, type ErrorDetails } from '../../core/errors.ts'
import {
  schema as projectSchema,
  type Constraint,
  type Entity,
  type Reference,
  type Schema,
} from '../../core/schema.ts'

/** What the adapter was doing: decides which side of a foreign key a violation is on. */
export interface ErrorContext {
  /** The adapter's schema; defaults to the project's. */
  readonly schema?: Schema
  readonly entity: Entity
  readonly write?: 'insert' | 'update' | 'delete'
}

/** The driver's error under Sequelize's wrapper, with the fields the three drivers set. */
interface DriverError {
  code?: string
  errno?: number
  constraint?: string
  sqlMessage?: string
  message?: string
  fatal?: boolean
}

type Unique = Pick<Constraint, 'entity' | 'fields'>

const schemaOf = (ctx?: ErrorContext): Schema => ctx?.schema ?? projectSchema

/** The primary or unique key of this name (schema.constraints: one naming function for DDL and errors). */
function uniqueKey(s: Schema, name: string): Constraint | undefined {
  const c = s.constraints.get(name)
  return c?.kind === 'primary' || c?.kind === 'unique' ? c : undefined
}

/**
 * MariaDB duplicate-key errors that Sequelize leaves as a plain DatabaseError: 1022 (a table named, no
 * key), 1586 and 1859 (a key named), and those raised by an ON UPDATE CASCADE into a child's unique key:
 * 1761 names the child's table and key, 1762 only the parent's table.
 */
const MARIADB_DUPLICATE = new Set([1022, 1586, 1761, 1762, 1859])

const driverError = (e: unknown): DriverError =>
  ((e instanceof BaseError ? ((e as { parent?: unknown }).parent ?? e) : e) ?? {}) as DriverError

const PG_TIMEOUT = new Set(['57014', '55P03'])
const MARIADB_TIMEOUT = new Set([1969, 1205, 3024])
const MARIADB_CONNECTION = new Set([
  1040, 1053, 1077, 1152, 1158, 1159, 1160, 1161, 1927, 2002, 2003, 2006, 2013,
])
const SQLITE_TIMEOUT = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_INTERRUPT'])
const SQLITE_CONNECTION = new Set([
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
  'SQLITE_NOTADB',
  'SQLITE_FULL',
  'SQLITE_READONLY',
])
const SOCKET = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'ESOCKET',
  'PROTOCOL_CONNECTION_LOST',
])

function isTimeout(e: unknown, d: DriverError): boolean {
  if (e instanceof TimeoutError || e instanceof ConnectionAcquireTimeoutError) return true
  if (d.code !== undefined && (PG_TIMEOUT.has(d.code) || SQLITE_TIMEOUT.has(d.code))) return true
  return d.errno !== undefined && MARIADB_TIMEOUT.has(d.errno)
}

function isConnectionLoss(e: unknown, d: DriverError): boolean {
  if (e instanceof ConnectionError) return true
  const code = d.code ?? ''
  if (SOCKET.has(code) || SQLITE_CONNECTION.has(code) || /^(08|57P0[1-3]|53300)/.test(code)) return true
  if (d.errno !== undefined && MARIADB_CONNECTION.has(d.errno)) return true
  if (d.fatal === true) return true
  // pg reports a dropped socket and a closed client without a code; sqlite3 a closed database as MISUSE.
  return /Connection terminated|not queryable|Database is closed|connection is closed|connection manager was closed/i.test(
    d.message ?? '',
  )
}

/** A child's key a statement on `ctx.entity` duplicated can only be one its cascade writes into. */
function cascaded(key: string, ctx?: ErrorContext): Unique | undefined {
  const u = uniqueKey(schemaOf(ctx), key)
  const parent = u?.cascadedFrom
  return parent && ctx && u?.entity !== ctx.entity && parent.entity === ctx.entity ? parent : u
}

/**
 * MariaDB errors that name a table, not a key. 1762: a cascade from the parent (the table written) broke
 * a child's key. 1022: the table where the duplicate is; a child's means a cascade, the parent's own key
 * stays unknown (the adapter then asks the database, see adapter.explain).
 */
function byTable(d: DriverError, msg: string, ctx?: ErrorContext): Unique | undefined {
  if (!ctx) return undefined
  // Where the child's key is not known, the first key a cascade from this parent writes into.
  const from = (child?: string) =>
    [...schemaOf(ctx).constraints.values()].find(
      (c) => c.cascadedFrom?.entity === ctx.entity && (child === undefined || c.entity.table === child),
    )?.cascadedFrom
  if (d.errno === 1762) return from()
  const table = d.errno === 1022 ? /in table '(?:[^']*\.)?([^'.]+)'/.exec(msg)?.[1] : undefined
  return table && table !== ctx.entity.table ? from(table) : undefined
}

/** The unique constraint a violation names: pg by constraint, mariadb by key, sqlite by its columns. */
function uniqueOf(d: DriverError, ctx?: ErrorContext): Unique | undefined {
  const msg = d.sqlMessage ?? d.message ?? ''
  const key =
    d.constraint ??
    /for key '(?:[^']*\.)?([^'.]+)'\s*$/.exec(msg)?.[1] ??
    /duplicate entry in table '[^']*', key '([^']+)'\s*$/.exec(msg)?.[1]
  if (key === 'PRIMARY' && ctx) return { entity: ctx.entity, fields: [ctx.entity.primary] }
  if (key !== undefined) return cascaded(key, ctx)
  if (d.errno === 1762 || d.errno === 1022) return byTable(d, msg, ctx)
  const m = /UNIQUE constraint failed: (\S+?)\.(.+)$/.exec(d.message ?? '')
  if (!m) return undefined
  const entity = schemaOf(ctx).entities.find((x) => x.table === m[1])
  if (!entity) return undefined
  const columns = m[2]!
    .split(', ')
    .map((c) => c.slice(c.indexOf('.') + 1))
    .sort()
    .join()
  const fields = [[entity.primary], ...entity.uniques.map((u) => u.fields)].find(
    (fs) =>
      fs
        .map((f) => f.column)
        .sort()
        .join() === columns,
  )
  return fields ? { entity, fields } : undefined
}

/** A foreign key violation: which constraint, and whether the referencing row (child) is the culprit. */
export function foreignKeyOf(
  e: unknown,
  ctx?: ErrorContext,
): { reference: Reference; child: boolean } | undefined {
  const d = driverError(e)
  const name = d.constraint ?? /CONSTRAINT `([^`]+)`/.exec(d.sqlMessage ?? d.message ?? '')?.[1]
  const fk = name === undefined ? undefined : schemaOf(ctx).constraints.get(name)?.reference
  if (!fk) return undefined
  // mariadb says which side (1452 child, 1451 parent); pg does not, so the operation decides.
  const child =
    d.errno !== undefined
      ? d.errno === 1452 || d.errno === 1216
      : ctx?.write === 'insert' || (ctx?.write === 'update' && ctx.entity === fk.entity)
  return { reference: fk, child }
}

const isMariadbDuplicate = (d: DriverError): boolean =>
  d.errno !== undefined && MARIADB_DUPLICATE.has(d.errno)

export const isForeignKeyViolation = (e: unknown): boolean => e instanceof ForeignKeyConstraintError
export const isUniqueViolation = (e: unknown): boolean =>
  e instanceof UniqueConstraintError || isMariadbDuplicate(driverError(e))

/** Does the violation say which unique key, so that it needs no query to find the reference's answer? */
export const namesUnique = (e: unknown, ctx?: ErrorContext): boolean =>
  uniqueOf(driverError(e), ctx) !== undefined

export function toDBALError(e: unknown, ctx?: ErrorContext): DBALError {
  if (e instanceof DBALError) return e
  const d = driverError(e)
  const base: ErrorDetails = ctx ? { entity: ctx.entity.name } : {}
  if (e instanceof UniqueConstraintError || isMariadbDuplicate(d)) {
    const u = uniqueOf(d, ctx)
    return new DBALError(
      'CONFLICT',
      u ? { entity: u.entity.name, unique: u.fields.map((f) => f.name) } : base,
      { cause: e },
    )
  }
  if (e instanceof ForeignKeyConstraintError) {
    const fk = foreignKeyOf(e, ctx)
    if (fk?.child) return dangling(fk.reference.entity, [fk.reference.field], e)
    if (fk) return stillReferenced(fk.reference, e)
    return ctx?.write === 'delete'
      ? new DBALError('CONFLICT', base, { cause: e })
      : new DBALError('VALIDATION_ERROR', { ...base, fields: [] }, { cause: e })
  }
  if (isTimeout(e, d)) return new DBALError('TIMEOUT', base, { cause: e })
  if (isConnectionLoss(e, d)) return new DBALError('DATABASE_ERROR', base, { cause: e })
  if (e instanceof ValidationError) {
    const fields = e.errors.map((x) => ({
      field: x.path ?? '(row)',
      error: x.validatorKey === 'is_null' ? 'is required' : 'is invalid',
    }))
    return new DBALError('VALIDATION_ERROR', { ...base, fields }, { cause: e })
  }
  return new DBALError('INTERNAL_ERROR', base, { cause: e })
}
