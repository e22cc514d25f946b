/**
 * DBALClient: the typed facade applications use (`client.users.create(...)`). Every call goes through
 * `execute(entity, operation, input)`, which is also what the vector runner and the daemon call.
 */
import { AclAdapter } from './acl/adapter.ts'
import { ANONYMOUS, auditActor, SYSTEM, userActor, type Actor } from './acl/actor.ts'
import { policy } from './acl/policy.ts'
import { requireGrant } from './acl/rules.ts'
import type { Adapter, Capabilities } from './adapter.ts'
import type { AuditSink } from './audit.ts'
import { asDBALError, DBALError } from './errors.ts'
import type { Context } from './operations/context.ts'
import { checkInput, OPERATIONS } from './operations/index.ts'
import { DEFAULT_SCRYPT, type ScryptParams } from './password.ts'
import { schema } from './schema.ts'
import type { EntityName, EntityTypes, Namespaces, User } from './types.generated.ts'
import type { Row } from './validate.ts'
import { UUID } from './values.ts'

export interface ClientOptions {
  adapter: Adapter
  /** Milliseconds since the epoch (default Date.now): expiry and lockout are tested with a fixed clock. */
  clock?: () => number
  /** scrypt cost for new hashes (default N=16384, r=8, p=1); stored with each hash. */
  scrypt?: ScryptParams
  /**
   * Who is calling. Without it the client is trusted (the system caller) and no ACL applies; with it,
   * every operation passes the ACL. The user is taken as given: resolve it with sessions.resolve(token)
   * or users.read(id) on a trusted client first.
   */
  auth?: AuthContext
  /** Where audit records go: every operation through the ACL, and security incidents always. */
  audit?: AuditSink
}

export type AuthContext = { user: { id: string; username: string; role: string } } | { anonymous: true }

const actorOf = (auth: AuthContext | undefined): Actor =>
  auth === undefined ? SYSTEM : 'anonymous' in auth ? ANONYMOUS : userActor(auth.user)

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
    move(id: string, newParentId: string | null, order?: number): Promise<EntityTypes['ComponentHierarchy']['row']>
  }
}

type Api = { [N in keyof Namespaces]: EntityApi<Namespaces[N]> & (N extends keyof SpecificApis ? SpecificApis[N] : unknown) }

/** How the typed methods' positional arguments become the operation's single argument object. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const POSITIONAL: Record<string, (...a: any[]) => Row> = {
  read: (id) => ({ id }),
  delete: (id) => ({ id }),
  update: (id, patch) => ({ ...patch, id }),
  list: (o) => o ?? {},
  count: (filter) => (filter === undefined ? {} : { filter }),
  createMany: (items) => ({ items }),
  updateMany: (filter, data) => ({ filter, data }),
  deleteMany: (filter) => ({ filter }),
  search: (query, o) => ({ query, ...o }),
  resolve: (token) => ({ token }),
  readBySlug: (slug) => ({ slug }),
  listByLevel: (level) => ({ level }),
  getTree: (pageId) => ({ pageId }),
  reorder: (components) => ({ components }),
  move: (id, newParentId, order) => (order === undefined ? { id, newParentId } : { id, newParentId, order }),
}

export class DBALClient {
  readonly adapter: Adapter
  readonly actor: Actor
  /** Runs with the system's access: the trusted client, and gateway operations once allowed. */
  private readonly trusted: Context
  /** Runs through the ACL decorator; the same as `trusted` for the system caller. */
  private readonly ctx: Context

  constructor(private readonly options: ClientOptions) {
    this.adapter = options.adapter
    this.actor = actorOf(options.auth)
    this.trusted = { adapter: options.adapter, now: options.clock ?? Date.now, scrypt: options.scrypt ?? DEFAULT_SCRYPT }
    this.ctx = this.actor.kind === 'system' ? this.trusted : { ...this.trusted, adapter: new AclAdapter(options.adapter, this.actor) }
    for (const [entity, ops] of OPERATIONS) {
      const ns: Record<string, unknown> = {}
      for (const name of ops.keys()) {
        const toInput = POSITIONAL[name] ?? ((...a: unknown[]) => a[0] as Row)
        ns[name] = (...args: unknown[]) => this.execute(entity, name, toInput(...args))
      }
      Object.defineProperty(this, schema.entity.get(entity)!.namespace!, { value: ns, enumerable: true })
    }
  }

  /** The same adapter and options, for another caller: a user, or 'anonymous'. */
  as(user: { id: string; username: string; role: string } | 'anonymous'): DBALClient {
    return new DBALClient({ ...this.options, auth: user === 'anonymous' ? { anonymous: true } : { user } })
  }

  /** Runs one operation by name with its single argument object (CONTRACT §9). */
  async execute(entity: string, operation: string, input?: unknown): Promise<unknown> {
    const e = schema.entity.get(entity)
    const op = OPERATIONS.get(entity)?.get(operation)
    if (!e || !op) throw new DBALError('VALIDATION_ERROR', { fields: [{ field: 'operation', error: `unknown operation ${entity}.${operation}` }] })
    const system = this.actor.kind === 'system'
    try {
      let ctx = this.ctx
      if (!system) {
        requireGrant(this.actor, entity, op.spec.acl)
        if (policy.gateways.has(`${entity}.${operation}`)) ctx = this.trusted
      }
      const result = await op.run(ctx, e, checkInput(e, op.spec, input))
      if (!system) await this.audit(entity, operation, input, result)
      return result
    } catch (err) {
      const error = asDBALError(err)
      if (!system || schema.errors.get(error.code)!.audit) await this.audit(entity, operation, input, undefined, error)
      throw error
    }
  }

  private async audit(entity: string, operation: string, input: unknown, result: unknown, error?: DBALError): Promise<void> {
    const sink = this.options.audit
    if (!sink) return
    const id = (input as { id?: unknown } | undefined)?.id ?? (result as { id?: unknown } | undefined)?.id
    await sink.write({
      timestamp: new Date(this.trusted.now()).toISOString(),
      actor: auditActor(this.actor),
      entity,
      operation,
      // Only a well-formed id: whatever else a caller puts there (a token, a password) never reaches the log.
      ...(typeof id === 'string' && UUID.test(id) ? { targetId: id.toLowerCase() } : {}),
      success: error === undefined,
      ...(error ? { code: error.code } : {}),
    })
  }

  capabilities(): Promise<Capabilities> {
    return this.adapter.capabilities()
  }

  close(): Promise<void> {
    return this.adapter.close()
  }
}

// The namespaces are attached in the constructor from schema/operations.yaml; this gives them their types.
export interface DBALClient extends Api {}
