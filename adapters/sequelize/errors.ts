/**
 * The one place where Sequelize's errors (and the drivers' codes under them: SQLSTATE for pg, errno for
 * mariadb, result codes for sqlite3) become DBALErrors. What a code means is each engine's one table,
 * shared with the native adapters (adapters/meaning.ts); Sequelize's error classes decide only where
 * the driver's code says nothing. The original stays as `cause`; details carry only
 * schema names (entity, wire field names) and the native code, never SQL text, values, URLs or
 * passwords.
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
import { mariadbMeaning } from '../mariadb/codes.ts'
import { ERROR_OF, valueFields, type Meaning } from '../meaning.ts'
import { CONNECTION_LOST, NETWORK_ERRNO, sqlstateMeaning } from '../postgres/sqlstate.ts'
import { columnsOf, sqliteMeaning } from '../sqlite/codes.ts'

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
  /** pg: set on every server error (a SQLSTATE in `code`). */
  severity?: string
  /** pg: the column of a refused value. */
  column?: string
}

type Unique = Pick<Constraint, 'entity' | 'fields'>

const schemaOf = (ctx?: ErrorContext): Schema => ctx?.schema ?? projectSchema

/** The primary or unique key of this name (schema.constraints: one naming function for DDL and errors). */
function uniqueKey(s: Schema, name: string): Constraint | undefined {
  const c = s.constraints.get(name)
  return c?.kind === 'primary' || c?.kind === 'unique' ? c : undefined
}

const driverError = (e: unknown): DriverError =>
  ((e instanceof BaseError ? ((e as { parent?: unknown }).parent ?? e) : e) ?? {}) as DriverError

/** Sequelize's own messages for a closed instance (the drivers' are in the engines' tables). */
const SEQUELIZE_CLOSED = /connection is closed|connection manager was closed/i
const SOCKET = /^(ESOCKET|PROTOCOL_CONNECTION_LOST)$/

/**
 * The meaning of the driver's code in its engine's one table (postgres/sqlstate.ts, sqlite/codes.ts,
 * mariadb/codes.ts), so that both families give the same DBALError for the same native condition.
 */
function nativeMeaning(d: DriverError): Meaning {
  const code = d.code ?? ''
  const message = d.message ?? ''
  if (code.startsWith('SQLITE_')) return sqliteMeaning(code, message)
  if (d.severity !== undefined && code.length === 5) return sqlstateMeaning(code)
  if (NETWORK_ERRNO.test(code) || SOCKET.test(code)) return 'unavailable'
  if (d.errno !== undefined && d.errno > 0) return mariadbMeaning(d.errno)
  const closed = CONNECTION_LOST.test(message) || SEQUELIZE_CLOSED.test(message)
  return closed || sqliteMeaning('', message) === 'unavailable' ? 'unavailable' : 'internal'
}

/** The engine's table first; Sequelize's error class where the driver's code says nothing. */
function meaningOf(e: unknown, d: DriverError): Meaning {
  const m = nativeMeaning(d)
  if (m !== 'internal') return m
  if (e instanceof UniqueConstraintError) return 'unique'
  if (e instanceof ForeignKeyConstraintError) return 'reference'
  if (e instanceof TimeoutError || e instanceof ConnectionAcquireTimeoutError) return 'timeout'
  if (e instanceof ConnectionError || d.fatal === true) return 'unavailable'
  return 'internal'
}

/** The native code in details, as the native adapters put it: `sqlstate` (pg), else `errno`. */
function nativeCode(d: DriverError): ErrorDetails {
  const code = d.code ?? ''
  if (d.severity !== undefined && code.length === 5) return { sqlstate: code }
  if (code.startsWith('SQLITE_') || NETWORK_ERRNO.test(code) || SOCKET.test(code)) return { errno: code }
  return d.errno !== undefined && d.errno > 0 ? { errno: d.errno } : {}
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

export const isForeignKeyViolation = (e: unknown): boolean => meaningOf(e, driverError(e)) === 'reference'
export const isUniqueViolation = (e: unknown): boolean => meaningOf(e, driverError(e)) === 'unique'

/** Does the violation say which unique key, so that it needs no query to find the reference's answer? */
export const namesUnique = (e: unknown, ctx?: ErrorContext): boolean =>
  uniqueOf(driverError(e), ctx) !== undefined

export function toDBALError(e: unknown, ctx?: ErrorContext): DBALError {
  if (e instanceof DBALError) return e
  const d = driverError(e)
  const base: ErrorDetails = ctx ? { entity: ctx.entity.name } : {}
  const meaning = meaningOf(e, d)
  if (meaning === 'unique') {
    const u = uniqueOf(d, ctx)
    return new DBALError(
      'CONFLICT',
      u ? { entity: u.entity.name, unique: u.fields.map((f) => f.name) } : base,
      { cause: e },
    )
  }
  if (meaning === 'reference') {
    const fk = foreignKeyOf(e, ctx)
    if (fk?.child) return dangling(fk.reference.entity, [fk.reference.field], e)
    if (fk) return stillReferenced(fk.reference, e)
    return ctx?.write === 'delete'
      ? new DBALError('CONFLICT', base, { cause: e })
      : new DBALError('VALIDATION_ERROR', { ...base, fields: [] }, { cause: e })
  }
  if (meaning === 'required' || meaning === 'invalid') {
    const column = d.column ?? (d.code?.startsWith('SQLITE_') ? columnsOf(d.message ?? '')[0] : undefined)
    const fields = valueFields(meaning, ctx?.entity, column)
    return new DBALError('VALIDATION_ERROR', { ...base, fields, ...nativeCode(d) }, { cause: e })
  }
  if (meaning === 'internal' && e instanceof ValidationError) {
    const fields = e.errors.map((x) => ({
      field: x.path ?? '(row)',
      error: x.validatorKey === 'is_null' ? 'is required' : 'is invalid',
    }))
    return new DBALError('VALIDATION_ERROR', { ...base, fields }, { cause: e })
  }
  return new DBALError(ERROR_OF[meaning], { ...base, ...nativeCode(d) }, { cause: e })
}
