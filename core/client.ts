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
import { OPERATIONS } from './operations/index.ts'
import { inputOf } from './client-args.ts'
import { checkOptions } from './client-options.ts'
import { checkConfig, isDesignConfig } from './config-check.ts'
import { ConfigExecutor } from './config-executor.ts'
import type { DbalConfig } from './config.ts'
import { schema } from './schema.ts'
import type { EntityName, EntityTypes, Namespaces, User } from './types.generated.ts'
import type { Row } from './validate.ts'

export type { AuthUser, ClientOptions, Executor, TransactionOptions }

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

export interface EntityApi<E extends EntityName> {
  create(input: EntityTypes[E]['input']): Promise<EntityTypes[E]['row']>
  read(id: string): Promise<EntityTypes[E]['row']>
  update(id: string, patch: EntityTypes[E]['patch']): Promise<EntityTypes[E]['row']>
  delete(id: string): Promise<true>
  list(options?: ListOptions): Promise<Page<EntityTypes[E]['row']>>
  count(filter?: Filter): Promise<number>
  createMany(items: EntityTypes[E]['input'][]): Promise<number>
  updateMany(filter: Filter, data: EntityTypes[E]['patch']): Promise<number>
  deleteMany(filter: Filter): Promise<number>
}

export type TreeNode = EntityTypes['ComponentHierarchy']['row'] & { children: TreeNode[] }

export interface SpecificApis {
  users: { search(query: string, options?: { limit?: number }): Promise<User[]> }
  credentials: {
    set(args: { username: string; password: string }): Promise<true>
    verify(args: { username: string; password: string }): Promise<true>
    setFirstLogin(args: { username: string; firstLogin: boolean }): Promise<true>
    getFirstLogin(args: { username: string }): Promise<boolean>
    deleteByUsername(args: { username: string }): Promise<true>
  }
  sessions: { purgeExpired(): Promise<number>; resolve(token: string): Promise<User> }
  pages: {
    readBySlug(slug: string): Promise<EntityTypes['PageView']['row']>
    listByLevel(level: number): Promise<EntityTypes['PageView']['row'][]>
  }
  components: {
    getTree(pageId: string): Promise<TreeNode[]>
    reorder(components: { id: string; order: number }[]): Promise<true>
    move(
      id: string,
      newParentId: string | null,
      order?: number,
    ): Promise<EntityTypes['ComponentHierarchy']['row']>
  }
}

type Api = {
  [N in keyof Namespaces]: EntityApi<Namespaces[N]> &
    (N extends keyof SpecificApis ? SpecificApis[N] : unknown)
}

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
    for (const [entity, ops] of OPERATIONS) {
      const ns: Record<string, unknown> = {}
      for (const name of ops.keys()) {
        const namespace = schema.entity.get(entity)!.namespace!
        ns[name] = async (...args: unknown[]) => this.execute(entity, name, inputOf(namespace, name, args))
      }
      Object.defineProperty(this, schema.entity.get(entity)!.namespace!, { value: ns, enumerable: true })
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
