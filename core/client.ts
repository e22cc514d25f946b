/**
 * DBALClient: the typed facade applications use (`client.users.create(...)`). Every call goes through
 * `execute(entity, operation, input)`, which is also what the vector runner and the daemon call.
 */
import type { Adapter, Capabilities } from './adapter.ts'
import { DBALError } from './errors.ts'
import {
  LocalExecutor,
  type AuthUser,
  type ClientOptions,
  type Executor,
  type TransactionOptions,
} from './executor.ts'
import { operationsOf } from './operations/index.ts'
import { inputOf } from './client-args.ts'
import { checkOptions } from './client-options.ts'
import { checkConfig, isDesignConfig } from './config-check.ts'
import { ConfigExecutor } from './config-executor.ts'
import type { DbalConfig } from './config.ts'
import { schema as defaultSchema, type Schema } from './schema.ts'
import type { EntityApi, EntityTypes, Namespaces, SpecificApis } from './types.generated.ts'
import type { Row } from './validate.ts'

export type { AuthUser, ClientOptions, EntityApi, Executor, SpecificApis, TransactionOptions }

export interface Page<T> {
  data: T[]
  total: number
  page: number
  limit: number
  hasMore: boolean
}

export type Filter = Record<string, unknown>
export type Sort = Record<string, 'asc' | 'desc'>
export interface ListOptions {
  filter?: Filter
  sort?: Sort
  page?: number
  limit?: number
}

export type TreeNode = EntityTypes['ComponentHierarchy']['row'] & { children: TreeNode[] }

type Api = {
  [N in keyof Namespaces]: EntityApi<Namespaces[N]> &
    (N extends keyof SpecificApis ? SpecificApis[N] : unknown)
}

/** The schema a configuration names (a remote executor's is the daemon's: the default here). */
const schemaOf = (options: object): Schema => (options as { schema?: Schema }).schema ?? defaultSchema

export class DBALClient {
  readonly executor: Executor

  /**
   * `{ adapter }` (an Adapter instance), `{ executor }`, or the design's configuration (core/config.ts:
   * `{ mode, adapter: 'sqlite', database: { url } }`, `{ mode, endpoint, auth }`, ...). Every option is
   * checked here: a wrong one is VALIDATION_ERROR naming it.
   */
  constructor(options: ClientOptions | { executor: Executor } | DbalConfig) {
    if (isDesignConfig(options)) {
      checkConfig(options as unknown as Record<string, unknown>)
      this.executor = ConfigExecutor.of(options as DbalConfig)
    } else {
      checkOptions(options)
      const o = options as ClientOptions | { executor: Executor }
      this.executor = 'executor' in o ? o.executor : new LocalExecutor(o)
    }
    const schema = this.executor instanceof LocalExecutor ? this.executor.schema : schemaOf(options)
    for (const [entity, ops] of operationsOf(schema)) {
      const ns: Record<string, unknown> = {}
      const namespace = schema.entity.get(entity)!.namespace!
      for (const [name, { spec }] of ops)
        // Not async: one promise less per call (the executor's); a refused shape still rejects.
        ns[name] = (...args: unknown[]) => {
          try {
            return this.execute(entity, name, inputOf(namespace, spec, args))
          } catch (e) {
            return Promise.reject(e)
          }
        }
      Object.defineProperty(this, namespace, { value: ns, enumerable: true })
    }
  }

  /** The adapter under a local executor (a remote client has none: it is in the daemon). */
  get adapter(): Adapter {
    if (this.executor instanceof LocalExecutor) return this.executor.adapter
    throw new DBALError('CAPABILITY_NOT_SUPPORTED', { reason: 'a remote client has no local adapter' })
  }

  /** The same backend for another caller: a user (resolved beforehand), or 'anonymous'. */
  as(user: AuthUser | 'anonymous'): DBALClient {
    return new DBALClient({ executor: this.executor.as(user) })
  }

  /**
   * All or nothing: `fn` gets `tx`, a client with the same namespaces and caller whose calls are one
   * transaction. Committed when `fn` resolves (its result is returned); rolled back when it throws
   * (the error is rethrown). `tx.transaction` is a savepoint; calls on `tx` after the end fail.
   */
  transaction<T>(fn: (tx: DBALClient) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.executor.transaction((ex) => fn(new DBALClient({ executor: ex })), options)
  }

  /** Runs one operation by name with its single argument object (CONTRACT §9). */
  execute(entity: string, operation: string, input?: unknown): Promise<unknown> {
    return this.executor.execute(entity, operation, input)
  }

  capabilities(): Promise<Capabilities> {
    return this.executor.capabilities()
  }

  close(): Promise<void> {
    return this.executor.close()
  }
}

// The namespaces are attached in the constructor from schema/operations.yaml; this gives them their types.
export interface DBALClient extends Api {}
