/**
 * Password hashing with scrypt from node:crypto. The parameters are stored with each hash
 * (`scrypt$N$r$p$salt$hash`), so they can be raised later without invalidating old hashes.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import { channel } from 'node:diagnostics_channel'

export interface ScryptParams {
  N: number
  r: number
  p: number
}

export const DEFAULT_SCRYPT: ScryptParams = { N: 16384, r: 8, p: 1 }
const KEY_LENGTH = 64
/** The largest parameters a stored hash may carry (verify refuses larger), so also a client's. */
export const SCRYPT_LIMITS = { N: 1 << 20, r: 32, p: 16, memory: 256 * 1024 * 1024 } as const
const SALT_LENGTH = 16

/**
 * Every derivation publishes its parameters here ({ N, r, p }: never the password, salt or key), so
 * that tests can count the work a verify does instead of timing it. Without subscribers, nothing runs.
 */
export const SCRYPT_CHANNEL = 'dbal:scrypt'
const derivations = channel(SCRYPT_CHANNEL)

const scrypt = (password: string, salt: Buffer, params: ScryptParams) =>
  new Promise<Buffer>((resolve, reject) => {
    if (derivations.hasSubscribers) derivations.publish({ N: params.N, r: params.r, p: params.p })
    const opts: ScryptOptions = {
      N: params.N,
      r: params.r,
      p: params.p,
      maxmem: 256 * params.N * params.r + 1024 * 1024,
    }
    scryptCb(password.normalize('NFC'), salt, KEY_LENGTH, opts, (err, key) =>
      err ? reject(err) : resolve(key),
    )
  })

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_LENGTH)
  const key = await scrypt(password, salt, params)
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64')}$${key.toString('base64')}`
}

const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/

/** Compares in constant time; a malformed stored hash verifies nothing. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = FORMAT.exec(stored)
  if (!m) return false
  const params = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) }
  // A stored hash is data: parameters beyond any we would choose (a corrupted or planted row) must not
  // make one verify allocate gigabytes or run for minutes.
  const max = SCRYPT_LIMITS
  if (params.N > max.N || params.r > max.r || params.p > max.p || 128 * params.N * params.r > max.memory)
    return false
  const expected = Buffer.from(m[5]!, 'base64')
  // Parameters scrypt refuses (N not a power of two, r = 0, ...) make the hash malformed, not an error.
  const actual = await scrypt(password, Buffer.from(m[4]!, 'base64'), params).catch(() => undefined)
  return actual !== undefined && actual.length === expected.length && timingSafeEqual(actual, expected)
}
