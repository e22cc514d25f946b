/**
 * Credentials (CONTRACT §4): set hashes the password itself; verify answers true or UNAUTHORIZED in
 * comparable time for wrong passwords and unknown users alike, and locks a username out after too many
 * failures. The failure counter lives in the database (LoginAttempt), so restarts and several daemons
 * share it.
 */
import { randomUUID } from 'node:crypto'
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

type Op = (ctx: Context, e: Entity, input: Row) => Promise<unknown>

function text(e: Entity, input: Row, key: string, max = 1024): string {
  const v = input[key]
  if (typeof v !== 'string' || v.length === 0 || codePointLength(v) > max || stringProblem(v)) throw validationError([{ field: key, error: `must be a well-formed string of 1 to ${max} characters` }], { entity: e.name })
  return v
}

async function credentialOf(ctx: Context, e: Entity, username: string): Promise<Row> {
  const row = await findBy(ctx, e, 'username', username)
  if (!row) throw new DBALError('NOT_FOUND', { entity: e.name })
  return row
}

const set: Op = async (ctx, e, input) => {
  const username = text(e, input, 'username', 50)
  const password = text(e, input, 'password', e.field.get('passwordHash')!.input!.maxLength)
  if (!(await findBy(ctx, users, 'username', username))) throw new DBALError('NOT_FOUND', { entity: users.name })
  const passwordHash = await hashPassword(password, ctx.scrypt)
  const now = nowIso(ctx)
  await ctx.adapter.transaction(async (tx) => {
    const existing = await findBy(ctx, e, 'username', username, tx)
    if (existing) await tx.update(e.name, existing.id as string, { passwordHash, updatedAt: now })
    else await tx.create(e.name, { id: randomUUID(), username, passwordHash, firstLogin: true, createdAt: now, updatedAt: now })
    await tx.deleteMany(attempts.name, { kind: 'cmp', field: 'username', op: 'eq', value: username })
  })
  return true
}

/** Hashed once, lazily, with the current parameters: what an unknown username is checked against. */
let dummy: Promise<string> | undefined

const verify: Op = async (ctx, e, input) => {
  const username = text(e, input, 'username')
  const password = text(e, input, 'password', e.field.get('passwordHash')!.input!.maxLength)
  const now = ctx.now()
  const attempt = await findBy(ctx, attempts, 'username', username)
  const windowEnd = attempt ? Date.parse(attempt.windowStart as string) + LOCKOUT.windowSeconds * 1000 : 0
  const inWindow = attempt !== undefined && now < windowEnd
  if (inWindow && (attempt.failures as number) >= LOCKOUT.maxFailures)
    throw new DBALError('RATE_LIMIT_EXCEEDED', { entity: e.name, retryAfter: Math.max(1, Math.ceil((windowEnd - now) / 1000)) })
  const credential = await findBy(ctx, e, 'username', username)
  dummy ??= hashPassword('dbal-dummy-password', ctx.scrypt)
  const ok = await verifyPassword(password, (credential?.passwordHash as string | undefined) ?? (await dummy))
  const at = new Date(now).toISOString()
  if (ok && credential) {
    if (attempt) await ctx.adapter.delete(attempts.name, attempt.id as string)
    return true
  }
  if (!attempt) {
    await ctx.adapter.create(attempts.name, { id: randomUUID(), username, failures: 1, windowStart: at, createdAt: at, updatedAt: at })
  } else {
    const patch = inWindow ? { failures: (attempt.failures as number) + 1, updatedAt: at } : { failures: 1, windowStart: at, updatedAt: at }
    await ctx.adapter.update(attempts.name, attempt.id as string, patch)
  }
  throw new DBALError('UNAUTHORIZED', { entity: e.name })
}

const setFirstLogin: Op = async (ctx, e, input) => {
  const username = text(e, input, 'username', 50)
  if (typeof input.firstLogin !== 'boolean') throw validationError([{ field: 'firstLogin', error: 'must be a boolean' }], { entity: e.name })
  const row = await credentialOf(ctx, e, username)
  await ctx.adapter.update(e.name, row.id as string, { firstLogin: input.firstLogin, updatedAt: nowIso(ctx) })
  return true
}

const getFirstLogin: Op = async (ctx, e, input) => (await credentialOf(ctx, e, text(e, input, 'username', 50))).firstLogin

const deleteByUsername: Op = async (ctx, e, input) => {
  const row = await credentialOf(ctx, e, text(e, input, 'username', 50))
  return ctx.adapter.delete(e.name, row.id as string)
}

export const CREDENTIAL_OPS: Record<string, Op> = { set, verify, setFirstLogin, getFirstLogin, deleteByUsername }
