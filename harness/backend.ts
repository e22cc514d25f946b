/**
 * A backend the harness can run: how to provision it (or why it cannot run here) and how to get an
 * empty database for each case. Built in harness/backends.ts from the registry (adapters/registry.ts).
 */
import type { ServerName } from '../adapters/registry.ts'
import type { Adapter } from '../core/adapter.ts'
import type { Executor } from '../core/executor.ts'

export type BackendKind = 'embedded' | 'server'

/** A provisioned backend for one harness run: reached through the adapter seam, or above it. */
export type Provisioned = ProvisionedBase &
  (
    | {
        /** An adapter on an empty database (every table empty), for one case. May reuse and empty the last one. */
        fresh(): Promise<Adapter>
        freshExecutor?: undefined
      }
    | {
        /**
         * For backends reached above the seam (the remote daemon): an executor on an empty database.
         * Its `as(user)` gives the executor of another caller.
         */
        freshExecutor(): Promise<Executor>
        fresh?: undefined
      }
  )

interface ProvisionedBase {
  /** Closes every adapter and drops what provisioning created (database, schema, files). */
  cleanup(): Promise<void>
  /** Where it runs, for the report (never containing a password). */
  readonly where: string
}

export type Provision = Provisioned | { readonly notRun: string }

export interface Backend {
  readonly name: string
  readonly kind: BackendKind
  readonly description: string
  /** The database server it needs (its tests are not run without one, unless required). */
  readonly server?: ServerName
  /** Environment variables that configure it, for the README and `dbal backends`. */
  readonly env?: readonly string[]
  /** `runId` is unique per harness run, so parallel runs never share a database. */
  provision(runId: string): Promise<Provision>
}

/** An adapter on an empty database, from a backend reached through the adapter seam. */
export function freshAdapter(p: Provisioned): Promise<Adapter> {
  if (!p.fresh) return Promise.reject(new Error(`${p.where}: this backend is reached above the adapter seam`))
  return p.fresh()
}
