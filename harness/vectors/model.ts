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

export interface Step {
  readonly as?: ActorSpec
  readonly action: string
  readonly entity: string
  readonly input: unknown
  readonly expected: Expected
  readonly save?: string
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
