/** Vector files after loading: both formats (upstream and the project's own) become this. */
import type { CapabilityName } from '../../core/types.generated.ts'

export interface ExpectedError {
  /** The name (NOT_FOUND) or the status (404). */
  readonly code: string | number
  readonly message?: string
  /** Exactly the fields of details.fields (any order). */
  readonly fields?: readonly string[]
  readonly details?: Readonly<Record<string, unknown>>
}

export interface Expected {
  readonly status: 'success' | 'error'
  readonly output?: unknown
  readonly hasOutput: boolean
  readonly exact: boolean
  readonly length?: number
  readonly error?: ExpectedError
}

/** `system`, `anonymous`, a role name, or `$name` of a saved user (CONTRACT §7). */
export type ActorSpec = string

/**
 * One step. Besides operations (`action` an operation of `entity`) there are two kinds, told apart by
 * `action`: `transaction` (its `transaction.steps` run on the transaction's client; `expected` is the
 * transaction's outcome) and, inside a transaction only, `throw` (the body throws an application error,
 * `input` its message).
 */
export interface Step {
  readonly as?: ActorSpec
  readonly action: string
  readonly entity: string
  readonly input: unknown
  readonly expected: Expected
  readonly save?: string
  /** Inside a transaction: an error of this step is caught by the body, which goes on. */
  readonly catch?: boolean
  readonly transaction?: { readonly steps: readonly Step[]; readonly timeoutMs?: number }
}

/** The `entity` of the steps that are not operations. */
export const NOT_AN_ENTITY = '(transaction)'

/** The steps in the order they are numbered: a transaction's inner steps first, then the transaction. */
export function numbered(steps: readonly Step[]): Step[] {
  return steps.flatMap((s) => (s.transaction ? [...numbered(s.transaction.steps), s] : [s]))
}

export interface Case {
  readonly name: string
  readonly description?: string
  readonly requires: readonly CapabilityName[]
  readonly as?: ActorSpec
  readonly steps: readonly Step[]
}

export interface VectorFile {
  readonly path: string
  readonly format: 'upstream' | 'dbal'
  readonly schemaVersion?: string
  readonly cases: readonly Case[]
}

/** Cases and numbered steps (a transaction's inner steps included: each reports a result). */
export function sizeOf(files: readonly VectorFile[]): { cases: number; steps: number } {
  let cases = 0
  let steps = 0
  for (const f of files)
    for (const c of f.cases) {
      cases++
      steps += numbered(c.steps).length
    }
  return { cases, steps }
}
