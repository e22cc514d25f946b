/** Who is calling: the trusted system, an anonymous caller, or a user with a role. */
import { DBALError } from '../errors.ts'
import { schema as defaultSchema, type Schema } from '../schema.ts'
import { codePointLength } from '../text.ts'
import { UUID } from '../values.ts'
import { policyOf } from './policy.ts'

export type Actor =
  | { readonly kind: 'system' }
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'user'; readonly id: string; readonly username: string; readonly role: string }

export const SYSTEM: Actor = { kind: 'system' }
export const ANONYMOUS: Actor = { kind: 'anonymous' }

/**
 * A user as the ACL sees it: a UUID, a username a User row could hold, a role the policy ranks. The
 * actor goes into every audit record, so nothing else (a megabyte of "username") may reach the log.
 */
export function userActor(
  user: { id?: unknown; username?: unknown; role?: unknown },
  schema: Schema = defaultSchema,
): Actor {
  const { id, username, role } = user ?? {}
  // A username longer than User.username's limit cannot be a user's.
  const policy = policyOf(schema)
  const USERNAME_MAX = schema.entity.get('User')!.field.get('username')!.maxLength!
  const problem =
    typeof id !== 'string'
      ? ['id', id === undefined ? 'is missing' : 'must be a string']
      : !UUID.test(id)
        ? ['id', 'must be a UUID']
        : typeof username !== 'string'
          ? ['username', username === undefined ? 'is missing' : 'must be a string']
          : codePointLength(username) > USERNAME_MAX
            ? ['username', `is longer than ${USERNAME_MAX} characters`]
            : typeof role !== 'string'
              ? ['role', role === undefined ? 'is missing' : 'must be a string']
              : role === 'anonymous' || !policy.callers.has(role)
                ? [
                    'role',
                    `must be one of ${[...policy.callers.keys()].filter((r) => r !== 'anonymous').join(', ')}`,
                  ]
                : undefined
  // The field and what is wrong with it, never its value: the caller may have passed anything.
  if (problem)
    throw new DBALError('UNAUTHORIZED', {
      reason: `not a user with a known role: ${problem[0]} ${problem[1]}`,
      field: problem[0],
    })
  return {
    kind: 'user',
    id: (id as string).toLowerCase(),
    username: username as string,
    role: role as string,
  }
}

export const roleOf = (a: Actor): string => (a.kind === 'user' ? a.role : a.kind)

/** The actor as written into an audit record. */
export const auditActor = (a: Actor) =>
  a.kind === 'user' ? { id: a.id, username: a.username, role: a.role } : { role: a.kind }
