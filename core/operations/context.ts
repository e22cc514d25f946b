/** What every operation gets: the schema, the adapter, the clock, the password parameters. */
import type { Adapter } from '../adapter.ts'
import { DBALError } from '../errors.ts'
import { and, parseFilter, type Cond } from '../query.ts'
import type { Entity, Schema } from '../schema.ts'
import type { ScryptParams } from '../password.ts'
import type { Row } from '../validate.ts'
import { UUID } from '../values.ts'

export interface Context {
  /** The schema the client was built with: entities, operations, errors, Lua rules. */
  readonly schema: Schema
  /** The adapter the operation works through: the ACL decorator for a caller with an auth context. */
  readonly adapter: Adapter
  /**
   * The adapter under the ACL. Only for existence checks that the policy does not govern (getTree's
   * page: components are readable by rule of their own entity, whatever their page's level).
   */
  readonly unchecked: Adapter
  /** Milliseconds since the epoch; injectable so that expiry and lockout can be tested. */
  now(): number
  /** The id of a new row (ClientOptions.ids). */
  newId(): string
  readonly scrypt: ScryptParams
}

export const nowIso = (ctx: Context) => new Date(ctx.now()).toISOString()

/** What callers see of a row: every field but the secrets, in schema order. */
export function output(e: Entity, row: Row): Row {
  const out: Row = {}
  for (const f of e.outputFields) out[f.name] = row[f.name] ?? null
  return out
}

/** Rows that exist for callers: an expired session is invisible everywhere (CONTRACT §4). */
export function visible(ctx: Context, e: Entity): Cond {
  if (!e.expiresField) return { kind: 'all' }
  return { kind: 'cmp', field: e.expiresField.name, op: 'gt', value: nowIso(ctx) }
}

export const isVisible = (ctx: Context, e: Entity, row: Row): boolean =>
  !e.expiresField || (row[e.expiresField.name] as string) > nowIso(ctx)

/** A caller's filter restricted to visible rows. */
export const visibleFilter = (ctx: Context, e: Entity, filter: unknown, at?: string): Cond =>
  and(parseFilter(e, filter, at), visible(ctx, e))

/** Reads a visible row by id; a malformed id cannot exist, so it is NOT_FOUND too. */
export async function readVisible(ctx: Context, e: Entity, id: unknown, adapter = ctx.adapter): Promise<Row> {
  if (typeof id !== 'string' || !UUID.test(id)) throw new DBALError('NOT_FOUND', { entity: e.name })
  const row = await adapter.read(e.name, id.toLowerCase())
  if (!row || !isVisible(ctx, e, row)) throw new DBALError('NOT_FOUND', { entity: e.name, id })
  return row
}

/** Finds visible rows by equality on one field. */
export async function findBy(
  ctx: Context,
  e: Entity,
  field: string,
  value: unknown,
  adapter = ctx.adapter,
): Promise<Row | undefined> {
  const filter = and({ kind: 'cmp', field, op: 'eq', value }, visible(ctx, e))
  const { data } = await adapter.list(e.name, {
    filter,
    sort: [{ field: e.primary.name, dir: 'asc' }],
    offset: 0,
    limit: 1,
  })
  return data[0]
}
