/** The operations every entity has (CONTRACT §4), on top of the adapter seam. */
import { DBALError, validationError } from '../errors.ts'
import { hashPassword } from '../password.ts'
import { and, isAll, parseFilter, parsePage, parseSort } from '../query.ts'
import type { Entity } from '../schema.ts'
import { validateCreate, validateCreateMany, validatePatch, type Row, type Validated } from '../validate.ts'
import { nowIso, output, readVisible, visible, visibleFilter, type Context } from './context.ts'
import { beforeWrite } from './hooks.ts'

/** Virtual inputs become their field (today only password → passwordHash). */
async function materialize(ctx: Context, v: Validated): Promise<Row> {
  const row = { ...v.values }
  for (const [field, plain] of v.virtual) row[field] = await hashPassword(plain, ctx.scrypt)
  return row
}

/**
 * A complete new row: id, timestamps, every field present (null where absent). The rows of one
 * createMany share one `now`: created together, they tie on createdAt and order by id.
 */
async function newRow(ctx: Context, e: Entity, v: Validated, now = nowIso(ctx)): Promise<Row> {
  const values = await materialize(ctx, v)
  const row: Row = {}
  for (const f of e.fields) {
    if (f.primary) row[f.name] = ctx.newId()
    else if (f.created || (f.updated && values[f.name] === undefined)) row[f.name] = now
    else row[f.name] = values[f.name] ?? null
  }
  return row
}

async function patchRow(ctx: Context, e: Entity, v: Validated): Promise<Row> {
  const patch = await materialize(ctx, v)
  if (e.updatedField && patch[e.updatedField.name] === undefined) patch[e.updatedField.name] = nowIso(ctx)
  return patch
}

export async function create(ctx: Context, e: Entity, input: Row): Promise<Row> {
  const v = validateCreate(e, input)
  await beforeWrite(ctx, e, v.values, null)
  return output(e, await ctx.adapter.create(e.name, await newRow(ctx, e, v)))
}

export function read(ctx: Context, e: Entity, input: Row): Promise<Row> {
  return readVisible(ctx, e, input.id).then((row) => output(e, row))
}

export async function update(ctx: Context, e: Entity, input: Row): Promise<Row> {
  const { id, ...rest } = input
  const current = await readVisible(ctx, e, id)
  const v = validatePatch(e, rest)
  await beforeWrite(ctx, e, v.values, current)
  const row = await ctx.adapter.update(e.name, current[e.primary.name] as string, await patchRow(ctx, e, v))
  if (!row) throw new DBALError('NOT_FOUND', { entity: e.name, id: id as string })
  return output(e, row)
}

export async function remove(ctx: Context, e: Entity, input: Row): Promise<boolean> {
  const current = await readVisible(ctx, e, input.id)
  if (!(await ctx.adapter.delete(e.name, current[e.primary.name] as string)))
    throw new DBALError('NOT_FOUND', { entity: e.name, id: input.id as string })
  return true
}

export async function list(ctx: Context, e: Entity, input: Row) {
  const filter = visibleFilter(ctx, e, input.filter)
  const sort = parseSort(e, input.sort)
  const { page, limit, offset } = parsePage(e, input.page, input.limit)
  const { data, total } = await ctx.adapter.list(e.name, { filter, sort, offset, limit })
  return { data: data.map((r) => output(e, r)), total, page, limit, hasMore: offset + data.length < total }
}

export async function count(ctx: Context, e: Entity, input: Row): Promise<number> {
  return ctx.adapter.count(e.name, visibleFilter(ctx, e, input.filter))
}

export async function createMany(ctx: Context, e: Entity, input: Row): Promise<number> {
  const items = validateCreateMany(e, input.items)
  if (items.length === 0) return 0
  for (const v of items) await beforeWrite(ctx, e, v.values, null)
  const rows = []
  const now = nowIso(ctx)
  for (const v of items) rows.push(await newRow(ctx, e, v, now))
  return ctx.adapter.createMany(e.name, rows)
}

/** A bulk write needs a filter: an empty one would touch every row (CONTRACT §4). */
function bulkFilter(ctx: Context, e: Entity, filter: unknown) {
  const own = parseFilter(e, filter)
  if (isAll(own))
    throw validationError([{ field: 'filter', error: 'must not be empty for a bulk operation' }], {
      entity: e.name,
    })
  return and(own, visible(ctx, e))
}

export async function updateMany(ctx: Context, e: Entity, input: Row): Promise<number> {
  const filter = bulkFilter(ctx, e, input.filter)
  const v = validatePatch(e, input.data, 'data.')
  await beforeWrite(ctx, e, v.values, 'bulk')
  return ctx.adapter.updateMany(e.name, filter, await patchRow(ctx, e, v))
}

export async function deleteMany(ctx: Context, e: Entity, input: Row): Promise<number> {
  return ctx.adapter.deleteMany(e.name, bulkFilter(ctx, e, input.filter))
}
