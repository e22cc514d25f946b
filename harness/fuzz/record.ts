/**
 * A program as a vector case: each step run on the reference (reference/memory.ts), its outcome
 * written as the step's expectation (CONTRACT §9): the exact output, or the error code. Ids in outputs
 * become references to the step that created the row (`$p3.id`), timestamps `$datetime`, so that the
 * case runs the same from any file path (the ids of run.ts caseIds depend on it).
 */
import type { Provisioned } from '../backend.ts'
import { DBALClient } from '../../core/client.ts'
import { DBALError } from '../../core/errors.ts'
import { caseIds } from '../run.ts'
import { displayPath } from '../vectors/load.ts'
import type { Case, Expected, Step } from '../vectors/model.ts'
import { resolve, type Scope } from '../vectors/refs.ts'
import type { Json } from './data.ts'
import type { Op, Program } from './programs.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

export interface RawStep extends Op {
  readonly save?: string
}

/** The steps of a program: the dataset's creates (each saved under its ref), then its operations. */
export function programSteps(p: Program): RawStep[] {
  return [
    ...p.data.pages.map((row) => ({ entity: 'PageView', action: 'create', input: row.input, save: row.ref })),
    ...p.data.components.map((c) => ({
      entity: 'ComponentHierarchy',
      action: 'create',
      input: { ...c.input, pageId: `$${c.page}.id`, parentId: c.parent === null ? null : `$${c.parent}.id` },
      save: c.ref,
    })),
    ...p.ops,
  ]
}

function normalize(v: unknown, ids: ReadonlyMap<string, string>): unknown {
  if (typeof v === 'string') {
    if (UUID.test(v)) return ids.get(v) ?? '$uuid'
    if (DATETIME.test(v)) return '$datetime'
    return v
  }
  if (Array.isArray(v)) return v.map((x) => normalize(x, ids))
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x, ids)]))
  return v
}

const json = (v: unknown): unknown => (v === undefined ? null : JSON.parse(JSON.stringify(v)))

export const caseName = (p: Program) => `fuzz seed ${p.seed}`

/** Runs the program on a fresh reference database; the case to run on the other backends. */
export async function record(p: Program, reference: Provisioned, path: string): Promise<Case> {
  const name = caseName(p)
  const client = new DBALClient({
    adapter: await reference.fresh!(),
    ids: caseIds(`${displayPath(path)}#${name}`),
  })
  const scope: Scope = { outputs: [], saved: new Map() }
  const ids = new Map<string, string>()
  const steps: Step[] = []
  for (const s of programSteps(p)) {
    let expected: Expected
    let out: unknown
    try {
      out = json(await client.execute(s.entity, s.action, resolve(s.input, scope)))
      // The row's own id is `$uuid`: a step's expectation is resolved before it runs (harness/run.ts).
      expected = { status: 'success', output: normalize(out, ids), hasOutput: true, exact: true }
      const id = (out as { id?: unknown } | null)?.id
      if (s.save && typeof id === 'string') ids.set(id, `$${s.save}.id`)
    } catch (e) {
      if (!(e instanceof DBALError)) throw e
      // The dataset is valid on purpose: a create the reference refuses is a bug of the generator.
      if (s.save) throw new Error(`fuzz dataset row ${s.save} refused by the reference: ${e.message}`)
      out = json(e.toJSON())
      expected = { status: 'error', hasOutput: false, exact: false, error: { code: e.code } }
    }
    scope.outputs.push(out)
    if (s.save) scope.saved.set(s.save, out)
    steps.push({
      entity: s.entity,
      action: s.action,
      input: s.input as Json,
      expected,
      ...(s.save ? { save: s.save } : {}),
    })
  }
  return { name, requires: [], steps }
}
