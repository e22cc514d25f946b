/**
 * Credentials (CONTRACT §4): set hashes the password itself; verify answers true or UNAUTHORIZED in
 * comparable time for wrong passwords and unknown users alike, and locks a username out after too many
 * failures. The attempts live in the database (LoginAttempt), so restarts and several daemons share them.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { DBALError, validationError } from '../errors.ts'
import { hashPassword, verifyPassword } from '../password.ts'
import { entityOf, type Entity } from '../schema.ts'
import { codePointLength } from '../text.ts'
import { stringProblem } from '../values.ts'
import type { Row } from '../validate.ts'
import { findBy, nowIso, type Context } from './context.ts'

export const LOCKOUT = { maxFailures: 5, windowSeconds: 300 } as const

const users = entityOf('User')
const attempts = entityOf('LoginAttempt')
/** Every username argument is bounded by User.username: a longer one cannot exist, so it is refused. */
const USERNAME_MAX = users.field.get('username')!.maxLength!

type Op = (ctx: Context, e: Entity, input: Row) => Promise<unknown>

function text(e: Entity, input: Row, key: string, max: number): string {
  const v = input[key]
  if (typeof v !== 'string' || v.length === 0 || codePointLength(v) > max || stringProblem(v))
    throw validationError([{ field: key, error: `must be a well-formed string of 1 to ${max} characters` }], {
      entity: e.name,
    })
  return v
}

async function credentialOf(ctx: Context, e: Entity, username: string): Promise<Row> {
  const row = await findBy(ctx, e, 'username', username)
  if (!row) throw new DBALError('NOT_FOUND', { entity: e.name })
  return row
}

const set: Op = async (ctx, e, input) => {
  const username = text(e, input, 'username', USERNAME_MAX)
  const password = text(e, input, 'password', e.field.get('passwordHash')!.input!.maxLength)
  if (!(await findBy(ctx, users, 'username', username)))
    throw new DBALError('NOT_FOUND', { entity: users.name })
  const passwordHash = await hashPassword(password, ctx.scrypt)
  const now = nowIso(ctx)
  await ctx.adapter.transaction(async (tx) => {
    const existing = await findBy(ctx, e, 'username', username, tx)
    if (existing) await tx.update(e.name, existing.id as string, { passwordHash, updatedAt: now })
    else
      await tx.create(e.name, {
        id: randomUUID(),
        username,
        passwordHash,
        firstLogin: true,
        createdAt: now,
        updatedAt: now,
      })
    await tx.deleteMany(attempts.name, byUsername(username))
  })
  return true
}

/**
 * What an unknown username is checked against: a well-formed stored hash with the client's own
 * parameters and random salt and key, so verifying it costs exactly one scrypt, as for a known user, and
 * never matches. Nothing is hashed to make it: a dummy hashed lazily made the first unknown user cost two.
 */
function dummyHash(params: Context['scrypt']): string {
  const b64 = (n: number) => randomBytes(n).toString('base64')
  return `scrypt$${params.N}$${params.r}$${params.p}$${b64(16)}$${b64(64)}`
}

const byUsername = (username: string) =>
  ({ kind: 'cmp', field: 'username', op: 'eq', value: username }) as const

/**
 * Records the attempt, then counts the attempts of the last window including it. Each attempt is its own
 * row, inserted before the count, so however many guesses run at once (on any isolation level) the
 * sixth row inserted always sees six: at most five are ever checked. A refused attempt removes its row
 * again, so that the lock lifts on time. Returns the attempt's id.
 */
async function recordAttempt(ctx: Context, e: Entity, username: string): Promise<string> {
  const now = ctx.now()
  const id = randomUUID()
  const at = new Date(now).toISOString()
  await ctx.adapter.create(attempts.name, { id, username, createdAt: at })
  const since = new Date(now - LOCKOUT.windowSeconds * 1000).toISOString()
  const filter = {
    kind: 'and',
    items: [byUsername(username), { kind: 'cmp', field: 'createdAt', op: 'gt', value: since }],
  } as const
  const { data, total } = await ctx.adapter.list(attempts.name, {
    filter,
    sort: [
      { field: 'createdAt', dir: 'asc' },
      { field: 'id', dir: 'asc' },
    ],
    offset: 0,
    limit: LOCKOUT.maxFailures + 1,
  })
  if (total <= LOCKOUT.maxFailures) return id
  await ctx.adapter.delete(attempts.name, id)
  // The lock lifts when the oldest counted failure leaves the window.
  const oldest = data.find((r) => r.id !== id) ?? data[0]!
  const retryAfter = Math.max(
    1,
    Math.ceil((Date.parse(oldest.createdAt as string) + LOCKOUT.windowSeconds * 1000 - now) / 1000),
  )
  throw new DBALError('RATE_LIMIT_EXCEEDED', { entity: e.name, retryAfter })
}

const verify: Op = async (ctx, e, input) => {
  const username = text(e, input, 'username', USERNAME_MAX)
  const password = text(e, input, 'password', e.field.get('passwordHash')!.input!.maxLength)
  await recordAttempt(ctx, e, username)
  const credential = await findBy(ctx, e, 'username', username)
  const ok = await verifyPassword(
    password,
    (credential?.passwordHash as string | undefined) ?? dummyHash(ctx.scrypt),
  )
  if (ok && credential) {
    await ctx.adapter.deleteMany(attempts.name, byUsername(username))
    return true
  }
  // Attempts older than the window no longer count, whoever they named: the table holds at most one
  // window of attempts, also for usernames that never log in (or do not exist).
  const since = new Date(ctx.now() - LOCKOUT.windowSeconds * 1000).toISOString()
  await ctx.adapter.deleteMany(attempts.name, { kind: 'cmp', field: 'createdAt', op: 'lte', value: since })
  throw new DBALError('UNAUTHORIZED', { entity: e.name })
}

const setFirstLogin: Op = async (ctx, e, input) => {
  const username = text(e, input, 'username', USERNAME_MAX)
  if (typeof input.firstLogin !== 'boolean')
    throw validationError([{ field: 'firstLogin', error: 'must be a boolean' }], { entity: e.name })
  const row = await credentialOf(ctx, e, username)
  await ctx.adapter.update(e.name, row.id as string, { firstLogin: input.firstLogin, updatedAt: nowIso(ctx) })
  return true
}

const getFirstLogin: Op = async (ctx, e, input) =>
  (await credentialOf(ctx, e, text(e, input, 'username', USERNAME_MAX))).firstLogin

const deleteByUsername: Op = async (ctx, e, input) => {
  const row = await credentialOf(ctx, e, text(e, input, 'username', USERNAME_MAX))
  return ctx.adapter.delete(e.name, row.id as string)
}

/** The operations that run scrypt: what a server must ration per client (daemon/hashing.ts). */
export const HASHING_OPERATIONS: ReadonlySet<string> = new Set(['set', 'verify'])

export const CREDENTIAL_OPS: Record<string, Op> = {
  set,
  verify,
  setFirstLogin,
  getFirstLogin,
  deleteByUsername,
}
