/**
 * Credentials (CONTRACT §4): set hashes the password itself; verify answers true or UNAUTHORIZED in
 * comparable time for wrong passwords and unknown users alike, and locks a username out after too many
 * failures. The attempts live in the database (LoginAttempt), so restarts and several daemons share them.
 */
import { randomBytes } from 'node:crypto'
import { DBALError, validationError } from '../errors.ts'
import { hashPassword, verifyPassword } from '../password.ts'
import type { Entity, OperationSpec } from '../schema.ts'
import type { Row } from '../validate.ts'
import { checkArgs, fieldOf } from './args.ts'
import { findBy, nowIso, type Context } from './context.ts'

export const LOCKOUT = { maxFailures: 5, windowSeconds: 300 } as const

type Op = (ctx: Context, e: Entity, input: Row, spec: OperationSpec) => Promise<unknown>

/** The internal entity that records login attempts (schema/entities/login_attempt.yaml). */
const attemptsOf = (ctx: Context): Entity => ctx.schema.entity.get('LoginAttempt')!

/** The username and password arguments, checked by their rules in schema/operations.yaml. */
function credentialArgs(e: Entity, input: Row, spec: OperationSpec) {
  return checkArgs(spec, input, e.name) as Row & { username: string; password: string }
}

async function credentialOf(ctx: Context, e: Entity, spec: OperationSpec, username: string): Promise<Row> {
  const row = await findBy(ctx, e, fieldOf(spec, 'username').name, username)
  if (!row) throw new DBALError('NOT_FOUND', { entity: e.name })
  return row
}

const set: Op = async (ctx, e, input, spec) => {
  const { username, password } = credentialArgs(e, input, spec)
  // The credential's username references the user's: that user must exist.
  const ref = fieldOf(spec, 'username').foreignKey!
  const users = ctx.schema.entity.get(ref.entity)!
  if (!(await findBy(ctx, users, ref.field, username)))
    throw new DBALError('NOT_FOUND', { entity: users.name })
  const passwordHash = await hashPassword(password, ctx.scrypt)
  const now = nowIso(ctx)
  await ctx.adapter.transaction(async (tx) => {
    const existing = await findBy(ctx, e, fieldOf(spec, 'username').name, username, tx)
    if (existing) await tx.update(e.name, existing.id as string, { passwordHash, updatedAt: now })
    else
      await tx.create(e.name, {
        id: ctx.newId(),
        username,
        passwordHash,
        firstLogin: true,
        createdAt: now,
        updatedAt: now,
      })
    await tx.deleteMany(attemptsOf(ctx).name, byUsername(username))
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
  const attempts = attemptsOf(ctx)
  const now = ctx.now()
  const id = ctx.newId()
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

const verify: Op = async (ctx, e, input, spec) => {
  const { username, password } = credentialArgs(e, input, spec)
  await recordAttempt(ctx, e, username)
  const credential = await findBy(ctx, e, fieldOf(spec, 'username').name, username)
  const ok = await verifyPassword(
    password,
    (credential?.passwordHash as string | undefined) ?? dummyHash(ctx.scrypt),
  )
  if (ok && credential) {
    await ctx.adapter.deleteMany(attemptsOf(ctx).name, byUsername(username))
    return true
  }
  // Attempts older than the window no longer count, whoever they named: the table holds at most one
  // window of attempts, also for usernames that never log in (or do not exist).
  const since = new Date(ctx.now() - LOCKOUT.windowSeconds * 1000).toISOString()
  await ctx.adapter.deleteMany(attemptsOf(ctx).name, {
    kind: 'cmp',
    field: 'createdAt',
    op: 'lte',
    value: since,
  })
  throw new DBALError('UNAUTHORIZED', { entity: e.name })
}

const setFirstLogin: Op = async (ctx, e, input, spec) => {
  const { username, firstLogin } = credentialArgs(e, input, spec)
  const row = await credentialOf(ctx, e, spec, username)
  const patch = { [fieldOf(spec, 'firstLogin').name]: firstLogin, [e.updatedField!.name]: nowIso(ctx) }
  await ctx.adapter.update(e.name, row[e.primary.name] as string, patch)
  return true
}

const getFirstLogin: Op = async (ctx, e, input, spec) =>
  (await credentialOf(ctx, e, spec, credentialArgs(e, input, spec).username)).firstLogin

const deleteByUsername: Op = async (ctx, e, input, spec) => {
  const row = await credentialOf(ctx, e, spec, credentialArgs(e, input, spec).username)
  return ctx.adapter.delete(e.name, row[e.primary.name] as string)
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
