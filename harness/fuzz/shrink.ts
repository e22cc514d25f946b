/**
 * Shrinks a failing program: fewer steps, fewer rows, simpler filters, sorts and pages, keeping each
 * change only while the program still fails. Greedy, in passes, until a pass changes nothing or the
 * budget of attempts is spent.
 */
import type { ComponentRow, Json, PageRow } from './data.ts'
import type { Op, Program } from './programs.ts'

type Fails = (p: Program) => Promise<boolean>

const mentions = (op: Op, refs: ReadonlySet<string>) => {
  const text = JSON.stringify(op.input)
  return [...refs].some((ref) => text.includes(`"$${ref}.id"`))
}

/** The program without these rows, the components under them, and the operations naming any of them. */
export function withoutRows(p: Program, refs: ReadonlySet<string>): Program {
  const gone = new Set(refs)
  for (let grew = true; grew;) {
    grew = false
    for (const c of p.data.components)
      if (!gone.has(c.ref) && (gone.has(c.page) || (c.parent !== null && gone.has(c.parent)))) {
        gone.add(c.ref)
        grew = true
      }
  }
  const pages: PageRow[] = p.data.pages.filter((r) => !gone.has(r.ref))
  const components: ComponentRow[] = p.data.components.filter((c) => !gone.has(c.ref))
  return { ...p, data: { pages, components }, ops: p.ops.filter((op) => !mentions(op, gone)) }
}

const isObject = (v: Json | undefined): v is { [key: string]: Json } =>
  v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v)

/** Filters simpler than `f`: its parts (a combinator's items, a $not's item, an object's single keys). */
export function simplerFilters(f: Json | undefined): Json[] {
  if (!isObject(f)) return []
  const keys = Object.keys(f)
  if (keys.length > 1) return keys.map((k) => ({ [k]: f[k]! }))
  const [k] = keys
  if (k === '$and' || k === '$or') {
    const items = f[k]
    return Array.isArray(items) ? items : []
  }
  if (k === '$not') return [f[k]!]
  return []
}

/** Inputs simpler than an operation's: a simpler filter, no page, the sort's last key only. */
function simplerInputs(op: Op): Op['input'][] {
  const out: Op['input'][] = []
  for (const f of simplerFilters(op.input.filter)) out.push({ ...op.input, filter: f })
  if ('page' in op.input || 'limit' in op.input) {
    const { page: _p, limit: _l, ...rest } = op.input
    out.push(rest)
  }
  const sort = op.input.sort
  if (isObject(sort) && Object.keys(sort).length > 1) {
    const last = Object.keys(sort).at(-1)!
    out.push({ ...op.input, sort: { [last]: sort[last]! } })
  }
  if (op.action === 'createMany' && Array.isArray(op.input.items) && op.input.items.length > 1)
    op.input.items.forEach((_, i) => {
      const items = (op.input.items as Json[]).filter((_x, j) => j !== i)
      out.push({ ...op.input, items })
    })
  return out
}

export interface ShrinkResult {
  readonly program: Program
  readonly attempts: number
}

export async function shrink(start: Program, fails: Fails, budget = 200): Promise<ShrinkResult> {
  let p = start
  let attempts = 0
  const tryIt = async (candidate: Program): Promise<boolean> => {
    if (attempts >= budget) return false
    attempts++
    if (!(await fails(candidate))) return false
    p = candidate
    return true
  }
  for (let changed = true; changed && attempts < budget;) {
    changed = false
    // Steps, from the end: later steps rarely matter to an earlier failure.
    for (let i = p.ops.length - 1; i >= 0; i--)
      if (i < p.ops.length && (await tryIt({ ...p, ops: p.ops.filter((_, j) => j !== i) }))) changed = true
    // Rows: half of them at once first, then one by one.
    const allRows = [...p.data.pages, ...p.data.components].map((r) => r.ref)
    if (allRows.length > 2 && (await tryIt(withoutRows(p, new Set(allRows.slice(allRows.length >> 1))))))
      changed = true
    for (const ref of [...p.data.components, ...p.data.pages].map((r) => r.ref).reverse())
      if (allRowsHas(p, ref) && (await tryIt(withoutRows(p, new Set([ref]))))) changed = true
    // Components as roots: a parent kept only as the ancestor of the failing row goes next pass.
    for (const c of p.data.components)
      if (c.parent !== null && (await tryIt(reparented(p, c.ref)))) changed = true
    // Simpler inputs, each operation in turn.
    for (let i = 0; i < p.ops.length; i++)
      for (const input of simplerInputs(p.ops[i]!))
        if (await tryIt({ ...p, ops: p.ops.map((op, j) => (j === i ? { ...op, input } : op)) })) {
          changed = true
          break
        }
  }
  return { program: p, attempts }
}

const allRowsHas = (p: Program, ref: string) =>
  p.data.pages.some((r) => r.ref === ref) || p.data.components.some((r) => r.ref === ref)

/** The program with this component made a root (the operations unchanged). */
function reparented(p: Program, ref: string): Program {
  const components = p.data.components.map((c) => (c.ref === ref ? { ...c, parent: null } : c))
  return { ...p, data: { ...p.data, components } }
}
