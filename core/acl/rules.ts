/**
 * The policy's rules applied to one actor: which grant covers an access, the row filter a grant implies
 * (pushed into backend queries) and the same rule tested on one row, and the checks on a written role.
 */
import { DBALError } from '../errors.ts'
import { ALL, type Cond } from '../query.ts'
import type { Row } from '../validate.ts'
import { roleOf, type Actor } from './actor.ts'
import type { Grant, Policy } from './policy.ts'

const rank = (p: Policy, role: string) => p.callers.get(role)?.rank ?? -1
const level = (p: Policy, a: Actor) => p.callers.get(roleOf(a))!.level

/** What the system caller holds: everything, every row. */
const UNRESTRICTED: Grant = { min: 'system', minRank: Number.NEGATIVE_INFINITY }

/** The grant that covers `cls` on `entity` for the actor, or undefined: system only. */
export function grantFor(p: Policy, a: Actor, entity: string, cls: string): Grant | undefined {
  if (a.kind === 'system') return UNRESTRICTED
  const r = rank(p, roleOf(a))
  return p.grants
    .get(entity)
    ?.get(cls)
    ?.find((g) => r >= g.minRank)
}

export const forbidden = (entity: string, operation: string, reason: string) =>
  new DBALError('FORBIDDEN', { entity, operation, reason })

export function requireGrant(p: Policy, a: Actor, entity: string, cls: string): Grant {
  const g = grantFor(p, a, entity, cls)
  if (!g) throw forbidden(entity, cls, `${roleOf(a)} may not ${cls} ${entity}`)
  return g
}

/** The rows a grant covers, as a filter. */
export function rowFilter(p: Policy, a: Actor, g: Grant): Cond {
  switch (g.rows) {
    case undefined:
      return ALL
    case 'self':
      return { kind: 'cmp', field: 'id', op: 'eq', value: a.kind === 'user' ? a.id : '' }
    case 'rank_at_most_own':
      return {
        kind: 'cmp',
        field: 'role',
        op: 'in',
        value: [...p.callers].filter(([, c]) => c.rank <= rank(p, roleOf(a))).map(([name]) => name),
      }
    case 'level_at_most_own':
      return { kind: 'cmp', field: 'level', op: 'lte', value: level(p, a) }
  }
}

/** The same rule as rowFilter, on one row in hand. */
export function rowAllowed(p: Policy, a: Actor, g: Grant, row: Row): boolean {
  switch (g.rows) {
    case undefined:
      return true
    case 'self':
      return a.kind === 'user' && row.id === a.id
    case 'rank_at_most_own':
      return rank(p, row.role as string) <= rank(p, roleOf(a)) && rank(p, row.role as string) >= 0
    case 'level_at_most_own':
      return (row.level as number) <= level(p, a)
  }
}

/**
 * A role written by the actor: within the grant's rule, and never a change of the actor's own role.
 * `current` is the row's role before the write (undefined for a create).
 */
export function checkRole(
  p: Policy,
  a: Actor,
  g: Grant,
  entity: string,
  cls: string,
  role: unknown,
  current: { id?: unknown; role?: unknown } | undefined,
): void {
  if (role === undefined) return
  const deny = (reason: string) => forbidden(entity, cls, reason)
  if (
    g.role === 'at_most_own' &&
    !(rank(p, role as string) >= 0 && rank(p, role as string) <= rank(p, roleOf(a)))
  )
    throw deny('role above your own')
  if (g.role === 'user_only' && role !== 'user') throw deny('only the role user may be given')
  if (g.role === 'unchanged' && current && role !== current.role) throw deny('role cannot be changed')
  if (p.ownRoleLocked && a.kind === 'user' && current?.id === a.id && role !== current.role)
    throw deny('your own role cannot be changed')
}
