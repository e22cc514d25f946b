/** schema/acl.yaml, loaded and checked once: callers, grants per entity and access class, gateways. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { Reader } from '../config-error.ts'
import { schema as defaultSchema, type Schema } from '../schema.ts'

export const ROW_RULES = ['self', 'rank_at_most_own', 'level_at_most_own'] as const
export const ROLE_RULES = ['at_most_own', 'user_only', 'unchanged'] as const
export type RowRule = (typeof ROW_RULES)[number]
export type RoleRule = (typeof ROLE_RULES)[number]

export interface Grant {
  readonly min: string
  readonly minRank: number
  readonly rows?: RowRule
  readonly role?: RoleRule
}

export interface Policy {
  readonly file: string
  /** Caller role → rank and PageView level. */
  readonly callers: ReadonlyMap<string, { readonly rank: number; readonly level: number }>
  /** Entity → access class → grants, most privileged first. */
  readonly grants: ReadonlyMap<string, ReadonlyMap<string, readonly Grant[]>>
  /** `Entity.operation` names that run with system access once allowed. */
  readonly gateways: ReadonlySet<string>
  readonly ownRoleLocked: boolean
}

/** `schema`'s acl.yaml (in its folder), checked against its entities and operations. */
export function loadPolicy(schema: Schema = defaultSchema): Policy {
  const file = join(schema.dir, 'acl.yaml')
  const r = new Reader(file, '', parse(readFileSync(file, 'utf8')))
  r.object(['callers', 'entities', 'gateways', 'own_role_locked'])
  const callers = new Map(
    r
      .child('callers')
      .entries()
      .map(([name, x]) => {
        x.object(['rank', 'level'])
        return [name, { rank: x.child('rank').number(), level: x.child('level').number() }] as const
      }),
  )
  const userRoles = schema.entity.get('User')!.field.get('role')!.values!
  for (const role of userRoles)
    if (!callers.has(role)) r.child('callers').fail(`role ${role} of User.role has no rank`)
  const grants = new Map<string, Map<string, Grant[]>>()
  for (const [entity, er] of r.child('entities').entries()) {
    const ops = schema.operations.get(entity) ?? er.fail('no public entity of this name')
    const classes = new Set([...ops.values()].map((o) => o.acl))
    const byClass = new Map<string, Grant[]>()
    for (const [cls, gr] of er.entries()) {
      if (!classes.has(cls)) gr.fail(`not an access class of ${entity} (${[...classes].join(', ')})`)
      byClass.set(
        cls,
        gr.items().map((g) => {
          g.object(['min', 'rows', 'role'])
          const min = g.child('min').oneOf([...callers.keys()])
          return {
            min,
            minRank: callers.get(min)!.rank,
            rows: g.optional('rows', (x) => x.oneOf(ROW_RULES)),
            role: g.optional('role', (x) => x.oneOf(ROLE_RULES)),
          }
        }),
      )
    }
    grants.set(entity, byClass)
  }
  for (const e of schema.operations.keys())
    if (!grants.has(e)) r.child('entities').fail(`${e} has no entry (use {} for system only)`)
  const gateways = new Set(r.child('gateways').strings())
  for (const g of gateways) {
    const [e, op] = g.split('.')
    if (!schema.operations.get(e ?? '')?.has(op ?? '')) r.child('gateways').fail(`${g} is not an operation`)
  }
  return { file, callers, grants, gateways, ownRoleLocked: r.child('own_role_locked').boolean() }
}

const loaded = new WeakMap<Schema, Policy>()

/** A schema's policy, loaded once per schema. */
export function policyOf(schema: Schema): Policy {
  let p = loaded.get(schema)
  if (!p) loaded.set(schema, (p = loadPolicy(schema)))
  return p
}

export const policy: Policy = policyOf(defaultSchema)
