/** Entity-specific operations (schema/operations.yaml `entities:`), built on the common ones. */
import { DBALError, validationError } from '../errors.ts'
import { and, type Cond } from '../query.ts'
import { entityOf, type Entity } from '../schema.ts'
import type { Row } from '../validate.ts'
import { codePointLength } from '../text.ts'
import { checkType, checkValue } from '../values.ts'
import { nowIso, output, readVisible, visible, type Context } from './context.ts'
import { list } from './common.ts'
import { checkParent } from './hooks.ts'

type Op = (ctx: Context, e: Entity, input: Row) => Promise<unknown>

/** Checks one argument against a field's rules; `field` names it in the error. */
function arg(e: Entity, fieldName: string, v: unknown, as = fieldName): unknown {
  const c = checkValue(e.field.get(fieldName)!, v)
  if (!c.ok) throw validationError([{ field: as, error: c.error }], { entity: e.name })
  return c.value
}

/** Every visible row matching `filter`, in default order, page by page. */
async function all(ctx: Context, e: Entity, filter: Cond): Promise<Row[]> {
  const out: Row[] = []
  const sort = [
    { field: e.createdField!.name, dir: 'asc' as const },
    { field: e.primary.name, dir: 'asc' as const },
  ]
  for (let offset = 0; ; offset += e.page.maxLimit) {
    const { data, total } = await ctx.adapter.list(e.name, {
      filter: and(filter, visible(ctx, e)),
      sort,
      offset,
      limit: e.page.maxLimit,
    })
    out.push(...data.map((r) => output(e, r)))
    if (offset + e.page.maxLimit >= total || data.length === 0) return out
  }
}

const eq = (field: string, value: unknown): Cond => ({ kind: 'cmp', field, op: 'eq', value })

const search: Op = async (ctx, e, input) => {
  const q = input.query
  if (
    typeof q !== 'string' ||
    q.length === 0 ||
    codePointLength(q) > 255 ||
    !checkType(e.field.get('username')!, q).ok
  )
    throw validationError([{ field: 'query', error: 'must be a string of 1 to 255 characters' }], {
      entity: e.name,
    })
  const filter = { $or: [{ username: { $contains: q } }, { email: { $contains: q } }] }
  return (await list(ctx, e, { filter, limit: input.limit })).data
}

const readBySlug: Op = async (ctx, e, input) => {
  const slug = input.slug
  const rows = typeof slug === 'string' ? await all(ctx, e, eq('slug', slug)) : []
  if (!rows[0]) throw new DBALError('NOT_FOUND', { entity: e.name })
  return rows[0]
}

const listByLevel: Op = async (ctx, e, input) => all(ctx, e, eq('level', arg(e, 'level', input.level)))

interface Node extends Row {
  children: Node[]
}

const getTree: Op = async (ctx, e, input) => {
  const pageId = input.pageId
  await readVisible(ctx, entityOf('PageView'), pageId, ctx.unchecked)
  const rows = await all(ctx, e, eq('pageId', (pageId as string).toLowerCase()))
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

const reorder: Op = async (ctx, e, input) => {
  const items = input.components
  if (!Array.isArray(items) || items.length === 0)
    throw validationError([{ field: 'components', error: 'must be a non-empty array of {id, order}' }], {
      entity: e.name,
    })
  const errors: { field: string; error: string }[] = []
  const seen = new Set<string>()
  const changes = items.map((it: unknown, i) => {
    const o = it as Row
    if (o === null || typeof o !== 'object' || Object.keys(o).some((k) => k !== 'id' && k !== 'order'))
      errors.push({ field: `components[${i}]`, error: 'must be {id, order}' })
    const id = checkType(e.primary, o?.id)
    const order = checkValue(e.field.get('order')!, o?.order)
    if (!id.ok) errors.push({ field: `components[${i}].id`, error: id.error })
    else if (seen.has(id.value as string))
      errors.push({ field: `components[${i}].id`, error: 'appears twice' })
    else seen.add(id.value as string)
    if (!order.ok) errors.push({ field: `components[${i}].order`, error: order.error })
    return { id: id.ok ? (id.value as string) : '', order: order.ok ? order.value : 0 }
  })
  if (errors.length) throw validationError(errors, { entity: e.name })
  const updatedAt = nowIso(ctx)
  await ctx.adapter.transaction(async (tx) => {
    for (const c of changes) {
      const row = await tx.update(e.name, c.id, { order: c.order, updatedAt })
      if (!row) throw new DBALError('NOT_FOUND', { entity: e.name, id: c.id })
    }
  })
  return true
}

const move: Op = async (ctx, e, input) => {
  const current = await readVisible(ctx, e, input.id)
  const newParentId = input.newParentId === null ? null : arg(e, 'parentId', input.newParentId, 'newParentId')
  const patch: Row = { parentId: newParentId, updatedAt: nowIso(ctx) }
  if (input.order !== undefined) patch.order = arg(e, 'order', input.order)
  return ctx.adapter.transaction(async (tx) => {
    await checkParent(
      { ...ctx, adapter: tx },
      current.id as string,
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
const resolve: Op = async (ctx, e, input) => {
  const token = input.token
  const session = typeof token === 'string' ? (await all(ctx, e, eq('token', token)))[0] : undefined
  const users = entityOf('User')
  const user = session && (await ctx.adapter.read(users.name, session.userId as string))
  if (!user) throw new DBALError('UNAUTHORIZED')
  return output(users, user)
}

export const SPECIFIC: Record<string, Record<string, Op>> = {
  User: { search },
  PageView: { readBySlug, listByLevel },
  ComponentHierarchy: { getTree, reorder, move },
  Session: { purgeExpired, resolve },
}
