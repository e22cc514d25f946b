/** Entity-specific operations (schema/operations.yaml `entities:`), built on the common ones. */
import { DBALError, validationError } from '../errors.ts'
import { and, type Cond } from '../query.ts'
import type { Entity, Field, OperationSpec } from '../schema.ts'
import type { Row } from '../validate.ts'
import { checkArgs, fieldOf, paramOf } from './args.ts'
import { nowIso, output, readVisible, visible, type Context } from './context.ts'
import { list } from './common.ts'
import { checkParent } from './hooks.ts'

type Op = (ctx: Context, e: Entity, input: Row, spec: OperationSpec) => Promise<unknown>

/** The entity a parameter's field references (getTree's page, resolve's user). */
const referenced = (ctx: Context, f: Field): Entity => ctx.schema.entity.get(f.foreignKey!.entity)!

/**
 * Rows per query of `all`: the adapter seam has no page limit (that is the public API's), and a page
 * tree of 200 components in pages of the API's 100 took three queries where one does (bench/).
 */
const ALL_BATCH = 1000

/** Every visible row matching `filter`, in default order, a bounded batch per query. */
async function all(ctx: Context, e: Entity, filter: Cond): Promise<Row[]> {
  const out: Row[] = []
  const sort = [
    { field: e.createdField!.name, dir: 'asc' as const },
    { field: e.primary.name, dir: 'asc' as const },
  ]
  for (let offset = 0; ; offset += ALL_BATCH) {
    const { data, total } = await ctx.adapter.list(e.name, {
      filter: and(filter, visible(ctx, e)),
      sort,
      offset,
      limit: ALL_BATCH,
    })
    out.push(...data.map((r) => output(e, r)))
    if (offset + ALL_BATCH >= total || data.length === 0) return out
  }
}

const eq = (field: string, value: unknown): Cond => ({ kind: 'cmp', field, op: 'eq', value })

const search: Op = async (ctx, e, input, spec) => {
  const { query, limit } = checkArgs(spec, input, e.name)
  const filter = { $or: spec.fields.map((f) => ({ [f.name]: { $contains: query } })) }
  return (await list(ctx, e, { filter, limit })).data
}

const readBySlug: Op = async (ctx, e, input, spec) => {
  const { slug } = checkArgs(spec, input, e.name)
  const rows = slug === undefined ? [] : await all(ctx, e, eq(fieldOf(spec, 'slug').name, slug))
  if (!rows[0]) throw new DBALError('NOT_FOUND', { entity: e.name })
  return rows[0]
}

const listByLevel: Op = async (ctx, e, input, spec) =>
  all(ctx, e, eq(fieldOf(spec, 'level').name, checkArgs(spec, input, e.name).level))

interface Node extends Row {
  children: Node[]
}

const getTree: Op = async (ctx, e, input, spec) => {
  const page = fieldOf(spec, 'pageId')
  const { pageId } = checkArgs(spec, input, e.name)
  await readVisible(ctx, referenced(ctx, page), pageId, ctx.unchecked)
  const rows = await all(ctx, e, eq(page.name, pageId))
  const nodes = new Map<string, Node>(rows.map((r) => [r.id as string, { ...r, children: [] }]))
  const roots: Node[] = []
  for (const n of nodes.values()) (n.parentId ? nodes.get(n.parentId as string)?.children : roots)?.push(n)
  const byOrder = (a: Node, b: Node) =>
    (a.order as number) - (b.order as number) || ((a.id as string) < (b.id as string) ? -1 : 1)
  const sortAll = (list: Node[]) => {
    list.sort(byOrder)
    for (const n of list) sortAll(n.children)
  }
  sortAll(roots)
  return roots
}

/** The positions of an array of `{ id }` whose id appeared before (ids not well-formed aside). */
function repeated(items: { id?: unknown }[], field: string) {
  const seen = new Set<unknown>()
  return items.flatMap((c, i) => {
    const again = c.id !== undefined && seen.has(c.id)
    seen.add(c.id)
    return again ? [{ field: `${field}[${i}].id`, error: 'appears twice' }] : []
  })
}

const reorder: Op = async (ctx, e, input, spec) => {
  const { components } = checkArgs(spec, input, e.name, (a) =>
    repeated(a.components as { id?: unknown }[], 'components'),
  )
  const items = components as { id: string; order: unknown }[]
  const order = fieldOf(spec, 'order')
  const updatedAt = nowIso(ctx)
  await ctx.adapter.transaction(async (tx) => {
    for (const c of items) {
      const row = await tx.update(e.name, c.id, { [order.name]: c.order, [e.updatedField!.name]: updatedAt })
      if (!row) throw new DBALError('NOT_FOUND', { entity: e.name, id: c.id })
    }
  })
  return true
}

const move: Op = async (ctx, e, input, spec) => {
  const current = await readVisible(ctx, e, input.id)
  const { newParentId, order } = checkArgs(spec, input, e.name)
  const parent = fieldOf(spec, 'newParentId')
  const patch: Row = { [parent.name]: newParentId, [e.updatedField!.name]: nowIso(ctx) }
  if (order !== undefined) patch[fieldOf(spec, 'order').name] = order
  return ctx.adapter.transaction(async (tx) => {
    await checkParent(
      { ...ctx, adapter: tx },
      e,
      current[e.primary.name] as string,
      current.pageId,
      newParentId,
      'newParentId',
    )
    const row = await tx.update(e.name, current.id as string, patch)
    if (!row) throw new DBALError('NOT_FOUND', { entity: e.name, id: current.id as string })
    return output(e, row)
  })
}

const purgeExpired: Op = async (ctx, e) =>
  ctx.adapter.deleteMany(e.name, { kind: 'cmp', field: e.expiresField!.name, op: 'lte', value: nowIso(ctx) })

/** The user a live session token belongs to; UNAUTHORIZED when the token is unknown or expired. */
const resolve: Op = async (ctx, e, input, spec) => {
  const { token } = checkArgs(spec, input, e.name)
  const via = spec.fields[0]!
  const session =
    token === undefined ? undefined : (await all(ctx, e, eq(fieldOf(spec, 'token').name, token)))[0]
  const users = referenced(ctx, via)
  const user = session && (await ctx.adapter.read(users.name, session[via.name] as string))
  if (!user) throw new DBALError('UNAUTHORIZED')
  return output(users, user)
}

export const SPECIFIC: Record<string, Record<string, Op>> = {
  User: { search },
  PageView: { readBySlug, listByLevel },
  ComponentHierarchy: { getTree, reorder, move },
  Session: { purgeExpired, resolve },
}
