/**
 * References to earlier outputs inside a step's input or expectation: `$prev.id`, `$steps[0].id`,
 * `$alice.id` (a step saved as `alice`), `$prev.data[1].username`. Only whole strings are references;
 * the matcher words of match.ts (`$any`, ...) are left alone.
 */
import { MATCHERS } from './match.ts'

export interface Scope {
  readonly outputs: unknown[]
  readonly saved: Map<string, unknown>
}

const REF = /^\$(prev|steps\[(\d+)\]|[a-z][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_]+|\[\d+\])*)$/

export class RefError extends Error {}

function walk(root: unknown, path: string, ref: string): unknown {
  let v = root
  for (const part of path.match(/[A-Za-z0-9_]+|\[\d+\]/g) ?? []) {
    const key = part.startsWith('[') ? Number(part.slice(1, -1)) : part
    if (v === null || typeof v !== 'object' || !(key in (v as object)))
      throw new RefError(`${ref}: no ${String(key)} in the referred output`)
    v = (v as Record<string | number, unknown>)[key]
  }
  return v
}

function lookup(s: string, scope: Scope): unknown {
  if (MATCHERS.has(s)) return s
  const m = REF.exec(s)
  if (!m) return s
  const [, head, index, path] = m
  let root: unknown
  if (head === 'prev') {
    if (scope.outputs.length === 0) throw new RefError(`${s}: there is no earlier step`)
    root = scope.outputs[scope.outputs.length - 1]
  } else if (index !== undefined) {
    const i = Number(index)
    if (i >= scope.outputs.length) throw new RefError(`${s}: step ${i} has not run yet`)
    root = scope.outputs[i]
  } else if (scope.saved.has(head!)) root = scope.saved.get(head!)
  else throw new RefError(`${s}: nothing was saved as "${head}"`)
  return walk(root, path ?? '', s)
}

/** A copy of `v` with every reference replaced by the value it names. */
export function resolve(v: unknown, scope: Scope): unknown {
  if (typeof v === 'string') return v.startsWith('$') ? lookup(v, scope) : v
  if (Array.isArray(v)) return v.map((x) => resolve(x, scope))
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x, scope)]))
  return v
}
