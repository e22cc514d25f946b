/** Rules of single entities that run before a write, whatever operation writes. */
import { DBALError, validationError } from '../errors.ts'
import { scanLua } from '../lua.ts'
import type { Entity } from '../schema.ts'
import type { Row } from '../validate.ts'
import type { Context } from './context.ts'

/** `current` is the row being updated, null for a create, 'bulk' for updateMany. */
type Hook = (ctx: Context, e: Entity, values: Row, current: Row | null | 'bulk') => Promise<void>

/** A component's parent is on the same page and is not the component itself or one of its descendants. */
export async function checkParent(
  ctx: Context,
  components: Entity,
  id: string | null,
  pageId: unknown,
  parentId: unknown,
  field = 'parentId',
): Promise<void> {
  if (parentId === null || parentId === undefined) return
  const bad = (error: string) => validationError([{ field, error }], { entity: components.name })
  let cursor: Row | null = await ctx.adapter.read(components.name, parentId as string)
  if (!cursor) throw bad('references a missing ComponentHierarchy')
  if (cursor.pageId !== pageId) throw bad('must be on the same page')
  // Walk up from the new parent: meeting the component itself means a cycle.
  for (let hops = 0; cursor && id !== null; hops++) {
    if (cursor.id === id) throw bad('cannot be the component itself or one of its descendants')
    if (hops > 10_000)
      throw new DBALError('INTERNAL_ERROR', { entity: components.name, problem: 'parent chain too long' })
    cursor = cursor.parentId ? await ctx.adapter.read(components.name, cursor.parentId as string) : null
  }
}

const HOOKS: Record<string, Hook> = {
  LuaScript: async (ctx, _e, values) => scanLua(values.code, values.allowedGlobals, ctx.schema),
  ComponentHierarchy: async (ctx, e, values, current) => {
    if (!('parentId' in values)) return
    if (current === 'bulk')
      throw validationError([{ field: 'data.parentId', error: 'cannot be changed in bulk; use move' }], {
        entity: e.name,
      })
    const pageId = current ? current.pageId : values.pageId
    await checkParent(ctx, e, current ? (current.id as string) : null, pageId, values.parentId)
  },
}

export const beforeWrite: Hook = async (ctx, e, values, current) => {
  const hook = HOOKS[e.name]
  if (hook) await hook(ctx, e, values, current)
}
