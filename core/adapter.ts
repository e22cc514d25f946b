/**
 * The adapter seam. Adapters get normalized, already-validated arguments over entity *names* (every
 * argument is plain JSON, so the seam can also cross a process boundary) and return rows in wire form
 * (camelCase keys, canonical values: see values.ts). Everything else (validation, defaults, ids,
 * timestamps, the ACL, entity-specific operations) lives once in core/ above this seam.
 *
 * Adapters map their native errors to DBALError in one file each:
 *   unique violation → CONFLICT; a delete blocked by a reference → CONFLICT;
 *   a dangling reference on create/update → VALIDATION_ERROR naming the field;
 *   lost connection → DATABASE_ERROR; statement timeout → TIMEOUT.
 */
import type { Cond, ListQuery } from './query.ts'
import { schema, type Schema } from './schema.ts'
import type { CapabilityName } from './types.generated.ts'
import type { Row } from './validate.ts'

export type { Cond, ListQuery, Row }
export type Capabilities = Readonly<Record<CapabilityName, boolean>>

export interface Adapter {
  readonly name: string
  /** What this deployment can do; may probe the server. */
  capabilities(): Promise<Capabilities>
  /** `row` has every field of the entity (null where absent); returns the stored row. */
  create(entity: string, row: Row): Promise<Row>
  read(entity: string, id: string): Promise<Row | null>
  /** Applies `patch` (canonical values) and returns the new row, or null when there is no such row. */
  update(entity: string, id: string, patch: Row): Promise<Row | null>
  delete(entity: string, id: string): Promise<boolean>
  /** One page of rows in `sort` order, and the total number of rows matching the filter. */
  list(entity: string, query: ListQuery): Promise<{ data: Row[]; total: number }>
  count(entity: string, filter: Cond): Promise<number>
  /** All or nothing. */
  createMany(entity: string, rows: Row[]): Promise<number>
  /** All or nothing; returns the number of rows matched. */
  updateMany(entity: string, filter: Cond, patch: Row): Promise<number>
  deleteMany(entity: string, filter: Cond): Promise<number>
  /** Runs `fn` atomically; a nested call is a savepoint where the backend has nested transactions. */
  transaction<T>(fn: (tx: Adapter) => Promise<T>): Promise<T>
  close(): Promise<void>
}

/**
 * An adapter with its lifecycle: what a backend's factory returns, and what the harness, `dbal migrate`,
 * the daemon and `dbal certify` drive. Nothing outside an adapter's folder knows how it migrates or
 * empties its storage.
 */
export interface ManagedAdapter extends Adapter {
  /** Creates what is missing of the schema (tables, indexes, ...); returns the changes, empty when none. */
  migrate(): Promise<string[]>
  /** Empties every entity's storage, internal ones included (a clean database for the next test case). */
  reset(): Promise<void>
}

/** Whether `a` carries the lifecycle (a decorator or a transaction's adapter does not). */
export const isManaged = (a: Adapter): a is ManagedAdapter =>
  typeof (a as Partial<ManagedAdapter>).reset === 'function' &&
  typeof (a as Partial<ManagedAdapter>).migrate === 'function'

/** What every adapter factory accepts besides its own options. */
export interface FactoryOptions {
  /** The schema to serve; defaults to the project's schema/. */
  readonly schema?: Schema
}

/** Builds an adapter on an empty or migrated store; `runConformance` and `dbal certify` take one. */
export type AdapterFactory = (options: FactoryOptions) => ManagedAdapter | Promise<ManagedAdapter>

/** Builds a capability set from the names that are true. */
export function capabilitySet(names: readonly CapabilityName[]): Capabilities {
  const all = [...schema.capabilities.keys()] as CapabilityName[]
  return Object.fromEntries(all.map((n) => [n, names.includes(n)])) as Record<CapabilityName, boolean>
}
