/**
 * Random programs: the dataset's create steps, then operations (lists with filters, multi-key sorts and
 * pages, count, update, updateMany, deleteMany with cascades, tree moves, createMany with one bad row),
 * then a final read of both tables. Every input may hold `$<ref>.id` references (refs.ts) to rows.
 */
import { dataset, jsonObject, text, type Dataset, type Json } from './data.ts'
import { filter, sort, type FilterOptions } from './filters.ts'
import { Random } from './random.ts'

export interface Op {
  readonly entity: string
  readonly action: string
  readonly input: { readonly [key: string]: Json }
}

export interface Program {
  readonly seed: number
  readonly data: Dataset
  readonly ops: readonly Op[]
}

const PAGE = 'PageView'
const COMP = 'ComponentHierarchy'

function list(r: Random, data: Dataset, entity: string, o: FilterOptions): Op {
  const input: { [key: string]: Json } = { sort: sort(r, entity) }
  if (r.chance(0.8)) input.filter = filter(r, data, entity, o)
  if (r.chance(0.5)) {
    input.limit = r.int(1, 4)
    input.page = r.int(1, 3)
  }
  return { entity, action: 'list', input }
}

/** A page row that breaks one rule (CONTRACT §2): the whole createMany must fail, nothing written. */
function badPage(r: Random, data: Dataset): { [key: string]: Json } {
  const good = { slug: `/new-bad-${r.int(0, 99)}`, title: text(r), level: 2, layout: {} }
  switch (r.int(0, 5)) {
    case 0:
      return { ...good, level: r.pick([0, 6, 2.5]) }
    case 1:
      return { ...good, title: '' }
    case 2:
      return { ...good, slug: '/Upper' }
    case 3:
      return { ...good, title: 'x'.repeat(256) }
    case 4:
      return { ...good, layout: [] }
    default:
      // A duplicate slug: CONFLICT from the database's unique index.
      return { ...good, slug: (data.pages[0]?.input.slug as string | undefined) ?? '/p0' }
  }
}

function op(r: Random, data: Dataset, o: FilterOptions, n: number): Op {
  const comps = data.components
  switch (r.int(0, 11)) {
    case 0:
    case 1:
    case 2:
      return list(r, data, PAGE, o)
    case 3:
      return comps.length ? list(r, data, COMP, o) : list(r, data, PAGE, o)
    case 4: {
      const entity = r.chance(0.7) || !comps.length ? PAGE : COMP
      return { entity, action: 'count', input: { filter: filter(r, data, entity, o) } }
    }
    case 5: {
      const patch: { [key: string]: Json } = {}
      if (r.chance(0.6)) patch.title = text(r)
      if (r.chance(0.4)) patch.level = r.int(1, 5)
      if (r.chance(0.3)) patch.description = r.chance(0.5) ? null : text(r)
      if (r.chance(0.3)) patch.isActive = r.chance(0.5)
      if (r.chance(0.2)) patch.layout = jsonObject(r)
      if (!Object.keys(patch).length) patch.level = 3
      return { entity: PAGE, action: 'updateMany', input: { filter: filter(r, data, PAGE, o), data: patch } }
    }
    case 6:
      return r.chance(0.6) || !comps.length
        ? { entity: PAGE, action: 'deleteMany', input: { filter: filter(r, data, PAGE, o) } }
        : { entity: COMP, action: 'deleteMany', input: { filter: filter(r, data, COMP, o) } }
    case 7: {
      if (!comps.length) return list(r, data, PAGE, o)
      const c = r.pick(comps)
      const to = r.chance(0.3) ? null : `$${r.pick(comps).ref}.id`
      return {
        entity: COMP,
        action: 'move',
        input: { id: `$${c.ref}.id`, newParentId: to, ...(r.chance(0.6) ? { order: r.int(0, 6) } : {}) },
      }
    }
    case 8: {
      const items: { [key: string]: Json }[] = Array.from({ length: r.int(1, 3) }, (_, i) => ({
        slug: `/new${n}-${i}`,
        title: text(r),
        level: r.int(1, 5),
        layout: jsonObject(r),
      }))
      if (r.chance(0.7)) items.splice(r.int(0, items.length), 0, badPage(r, data))
      return { entity: PAGE, action: 'createMany', input: { items } }
    }
    case 9: {
      const p = r.pick(data.pages)
      return {
        entity: PAGE,
        action: 'update',
        input: { id: `$${p.ref}.id`, title: text(r), level: r.int(1, 5) },
      }
    }
    case 10:
      return { entity: PAGE, action: 'read', input: { id: `$${r.pick(data.pages).ref}.id` } }
    default:
      // A page's components (not getTree: it breaks ties of `order` by id, and ids differ by file path).
      return comps.length
        ? {
            entity: COMP,
            action: 'list',
            input: {
              filter: { pageId: `$${r.pick(comps).page}.id` },
              sort: { order: 'asc', componentType: 'desc' },
            },
          }
        : list(r, data, PAGE, o)
  }
}

/** Two full reads, whatever the program did: every step's writes are seen at the end. */
export const FINAL: readonly Op[] = [
  { entity: PAGE, action: 'list', input: { sort: { slug: 'asc' }, limit: 100 } },
  { entity: COMP, action: 'list', input: { sort: { componentType: 'asc' }, limit: 100 } },
]

export function generate(seed: number, o: FilterOptions, steps = 12): Program {
  const r = new Random(seed)
  const data = dataset(r)
  const ops = Array.from({ length: r.int(Math.ceil(steps / 2), steps) }, (_, n) => op(r, data, o, n))
  return { seed, data, ops: [...ops, ...FINAL] }
}
