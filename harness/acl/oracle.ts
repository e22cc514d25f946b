/**
 * An independent evaluator of schema/acl.yaml (CONTRACT §7), for the ACL matrix. It reads the policy with
 * the plain `yaml` package and imports nothing from core/, so it can disagree with the ACL under test.
 * Rows are described by the few facts the rules look at ({id, role, level}); ids are symbolic, and the
 * caller's own User row has the id 'self'.
 */
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

interface GrantDoc {
  readonly min: string
  readonly rows?: 'self' | 'rank_at_most_own' | 'level_at_most_own'
  readonly role?: 'at_most_own' | 'user_only' | 'unchanged'
}
interface PolicyDoc {
  readonly callers: Record<string, { readonly rank: number; readonly level: number }>
  readonly entities: Record<string, Record<string, GrantDoc[]>>
  readonly gateways: readonly string[]
  readonly own_role_locked: boolean
}
type OpsDoc = {
  common: Record<string, { acl: string }>
  entities: Record<string, Record<string, { acl: string }>>
}

const read = (file: string): unknown =>
  parse(readFileSync(new URL(`../../schema/${file}`, import.meta.url), 'utf8'))
const POLICY = read('acl.yaml') as PolicyDoc
const OPS = read('operations.yaml') as OpsDoc

export const CALLERS = ['anonymous', 'user', 'admin', 'god', 'supergod'] as const
export type CallerRole = (typeof CALLERS)[number]
/** The roles a User row can have: every caller but anonymous. */
export const ROLES = CALLERS.filter((c) => c !== 'anonymous')

/** `system` passes every rule; the others are ranked by the policy. */
export type Caller = CallerRole | 'system'

export interface RowFacts {
  readonly id?: string
  readonly role?: string
  readonly level?: number
}

/** What `role` a create gets when none is given (CONTRACT §1 defaults). */
export const DEFAULT_ROLE = 'user'

const rank = (role: string): number => {
  const c = POLICY.callers[role]
  if (!c) throw new Error(`oracle: ${role} is not a caller of schema/acl.yaml`)
  return c.rank
}

export const operationsOf = (entity: string): string[] => [
  ...Object.keys(OPS.common),
  ...Object.keys(OPS.entities[entity] ?? {}),
]
export const accessClass = (entity: string, op: string): string =>
  (OPS.entities[entity]?.[op] ?? OPS.common[op])!.acl

/** The first grant of the class the caller reaches; undefined: denied. The system holds an open grant. */
export function grantOf(caller: Caller, entity: string, cls: string): GrantDoc | undefined {
  if (caller === 'system') return { min: 'system' }
  return (POLICY.entities[entity]?.[cls] ?? []).find((g) => rank(caller) >= rank(g.min))
}

/** Whether the grant's row rule covers the row. */
export function covers(caller: Caller, g: GrantDoc, row: RowFacts): boolean {
  if (caller === 'system' || g.rows === undefined) return true
  if (g.rows === 'self') return row.id === 'self'
  if (g.rows === 'rank_at_most_own') return row.role !== undefined && rank(row.role) <= rank(caller)
  return row.level !== undefined && row.level <= POLICY.callers[caller]!.level
}

/**
 * Whether the caller may write `value` into `role`; `current` is the row before an update, undefined
 * for a create or as the check of the value alone in a bulk update.
 */
export function rolePermitted(caller: Caller, g: GrantDoc, value: string, current?: RowFacts): boolean {
  if (caller === 'system') return true
  // CONTRACT §7 "nobody sets a role above their own": for every caller holding a role, whatever the rule.
  // (Anonymous has none: its only rule, user_only, gives exactly the default.)
  if (caller !== 'anonymous' && rank(value) > rank(caller)) return false
  if (g.role === 'at_most_own' && rank(value) > rank(caller)) return false
  if (g.role === 'user_only' && value !== 'user') return false
  if (g.role === 'unchanged' && current && value !== current.role) return false
  if (POLICY.own_role_locked && current?.id === 'self' && value !== current.role) return false
  return true
}

export type Verdict =
  | { readonly allowed: false }
  | { readonly allowed: true; readonly visible: readonly RowFacts[]; readonly gateway: boolean }

const DENY: Verdict = { allowed: false }

/**
 * Operations that name their rows by id: each must be covered, else FORBIDDEN. Every other operation that
 * reads rows (list, count, search, readBySlug, listByLevel, getTree, updateMany, deleteMany) is a query:
 * uncovered rows are simply not there. readBySlug is a query on purpose: §7 names read/update/delete (by
 * id), and a hidden slug answering NOT_FOUND does not confirm that the page exists.
 */
const BY_ID = new Set(['read', 'update', 'delete', 'move', 'reorder'])

/**
 * The decision for one call. `rows`: the rows the call addresses (the target of a by-id operation, or
 * every row a query's own filter matches); `role`: the role a write sets (for a create: as given, or
 * undefined for the default).
 */
export function decide(
  caller: Caller,
  entity: string,
  op: string,
  call: { rows?: readonly RowFacts[]; role?: string } = {},
): Verdict {
  const cls = accessClass(entity, op)
  const g = grantOf(caller, entity, cls)
  if (!g) return DENY
  if (POLICY.gateways.includes(`${entity}.${op}`)) return { allowed: true, visible: [], gateway: true }
  const rows = call.rows ?? []
  if (cls === 'create') {
    const role = call.role ?? (entity === 'User' ? DEFAULT_ROLE : undefined)
    return role === undefined || rolePermitted(caller, g, role)
      ? { allowed: true, visible: [], gateway: false }
      : DENY
  }
  if (BY_ID.has(op) && !rows.every((r) => covers(caller, g, r))) return DENY
  const visible = rows.filter((r) => covers(caller, g, r))
  if (
    call.role !== undefined &&
    !(rolePermitted(caller, g, call.role) && visible.every((r) => rolePermitted(caller, g, call.role!, r)))
  )
    return DENY
  return { allowed: true, visible, gateway: false }
}

/** The highest PageView level the caller sees. */
export const levelOf = (caller: CallerRole): number => POLICY.callers[caller]!.level
