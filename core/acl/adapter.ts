/**
 * The ACL decorator: an Adapter over another, enforcing the policy for one actor (CONTRACT §7).
 * Row rules are pushed into the inner query for list, count, updateMany and deleteMany, so pages and
 * totals only ever contain permitted rows, and a caller's filter (with $or, $not, ...) is AND-ed under
 * the rule and can never widen it. Reading, updating or deleting a row outside the rule is FORBIDDEN.
 *
 * Role decisions rest on stored rows, never on what a caller claims: a write that sets a role takes the
 * actor's own role from its stored User row (a demoted admin holding its old user object is a user
 * here), and compares the new role with each target row's stored role, in bulk too.
 */
import type { Adapter, Capabilities } from '../adapter.ts'
import { and, type Cond, type ListQuery } from '../query.ts'
import type { Row } from '../validate.ts'
import { ANONYMOUS, type Actor } from './actor.ts'
import { policy as defaultPolicy, type Policy } from './policy.ts'
import { checkRole, forbidden, requireGrant, rowAllowed, rowFilter } from './rules.ts'

export class AclAdapter implements Adapter {
  readonly name: string

  constructor(
    private readonly inner: Adapter,
    private readonly actor: Actor,
    /** The schema's policy (policyOf(schema)); default: the project's schema/acl.yaml. */
    private readonly policy: Policy = defaultPolicy,
  ) {
    this.name = `acl(${inner.name})`
  }

  capabilities(): Promise<Capabilities> {
    return this.inner.capabilities()
  }

  /** The row by id if the actor's grant for `cls` covers it; FORBIDDEN if it exists but is not covered. */
  private async target(entity: string, id: string, cls: string) {
    const g = requireGrant(this.policy, this.actor, entity, cls)
    const row = await this.inner.read(entity, id)
    if (row && !rowAllowed(this.policy, this.actor, g, row))
      throw forbidden(entity, cls, 'row outside your access')
    return { g, row }
  }

  /**
   * The actor as stored, for a write that sets `role`: its role now, not the one it was given with.
   * Anonymous and system callers have no row; a user whose row is gone may not set roles at all.
   */
  private async storedActor(entity: string, cls: string, role: unknown): Promise<Actor> {
    const a = this.actor
    if (role === undefined || a.kind !== 'user') return a
    const own = await this.inner.read('User', a.id)
    if (!own) throw forbidden(entity, cls, 'your user no longer exists')
    return own.role === a.role ? a : { ...a, role: own.role as string }
  }

  /**
   * Whether even an anonymous caller may create rows with these roles (a new user as `user`): then the
   * actor's stored role cannot change the outcome, and the read of its row is saved. Through the ACL
   * that read made every user create two round trips (1.75× the ACL-free insert in bench/).
   */
  private anyoneMayGive(entity: string, roles: readonly unknown[]): boolean {
    try {
      const g = requireGrant(this.policy, ANONYMOUS, entity, 'create')
      for (const role of roles) checkRole(this.policy, ANONYMOUS, g, entity, 'create', role, undefined)
      return true
    } catch {
      return false
    }
  }

  private creator(entity: string, rows: readonly Row[]): Promise<Actor> | Actor {
    const roles = rows.flatMap((r) => (r.role === undefined ? [] : [r.role]))
    if (roles.length === 0 || this.anyoneMayGive(entity, roles)) return this.actor
    return this.storedActor(entity, 'create', roles[0])
  }

  async create(entity: string, row: Row): Promise<Row> {
    const a = await this.creator(entity, [row])
    checkRole(
      this.policy,
      a,
      requireGrant(this.policy, a, entity, 'create'),
      entity,
      'create',
      row.role,
      undefined,
    )
    return this.inner.create(entity, row)
  }

  async read(entity: string, id: string): Promise<Row | null> {
    return (await this.target(entity, id, 'read')).row
  }

  async update(entity: string, id: string, patch: Row): Promise<Row | null> {
    const a = await this.storedActor(entity, 'update', patch.role)
    const { g, row } = await new AclAdapter(this.inner, a).target(entity, id, 'update')
    if (!row) return null
    checkRole(this.policy, a, g, entity, 'update', patch.role, row)
    return this.inner.update(entity, id, patch)
  }

  async delete(entity: string, id: string): Promise<boolean> {
    const { row } = await this.target(entity, id, 'delete')
    return row ? this.inner.delete(entity, id) : false
  }

  private scoped(entity: string, cls: string, filter: Cond) {
    const g = requireGrant(this.policy, this.actor, entity, cls)
    return { g, filter: and(rowFilter(this.policy, this.actor, g), filter) }
  }

  list(entity: string, q: ListQuery) {
    return this.inner.list(entity, { ...q, filter: this.scoped(entity, 'read', q.filter).filter })
  }

  async count(entity: string, filter: Cond): Promise<number> {
    return this.inner.count(entity, this.scoped(entity, 'read', filter).filter)
  }

  async createMany(entity: string, rows: Row[]): Promise<number> {
    const a = await this.creator(entity, rows)
    const g = requireGrant(this.policy, a, entity, 'create')
    for (const r of rows) checkRole(this.policy, a, g, entity, 'create', r.role, undefined)
    return this.inner.createMany(entity, rows)
  }

  async updateMany(entity: string, filter: Cond, patch: Row): Promise<number> {
    const a = await this.storedActor(entity, 'update', patch.role)
    const s = new AclAdapter(this.inner, a).scoped(entity, 'update', filter)
    if (patch.role !== undefined) {
      checkRole(this.policy, a, s.g, entity, 'update', patch.role, undefined)
      // `unchanged` grants cover only the actor's own row, whose stored role `a` now holds.
      if (s.g.role === 'unchanged' && a.kind === 'user' && patch.role !== a.role)
        throw forbidden(entity, 'update', 'role cannot be changed')
      // The actor's own row among the matched ones, judged by its stored role as `update` would.
      const ownChanged: Cond = and(
        { kind: 'cmp', field: 'id', op: 'eq', value: a.kind === 'user' ? a.id : '' },
        { kind: 'not', item: { kind: 'cmp', field: 'role', op: 'eq', value: patch.role } },
      )
      if (
        this.policy.ownRoleLocked &&
        a.kind === 'user' &&
        (await this.inner.count(entity, and(s.filter, ownChanged)))
      )
        throw forbidden(entity, 'update', 'your own role cannot be changed')
    }
    return this.inner.updateMany(entity, s.filter, patch)
  }

  deleteMany(entity: string, filter: Cond): Promise<number> {
    return this.inner.deleteMany(entity, this.scoped(entity, 'delete', filter).filter)
  }

  transaction<T>(fn: (tx: Adapter) => Promise<T>): Promise<T> {
    return this.inner.transaction((tx) => fn(new AclAdapter(tx, this.actor)))
  }

  close(): Promise<void> {
    return this.inner.close()
  }
}
