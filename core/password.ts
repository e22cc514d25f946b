/**
 * Password hashing with scrypt from node:crypto. The parameters are stored with each hash
 * (`scrypt$N$r$p$salt$hash`), so they can be raised later without invalidating old hashes.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'

export interface ScryptParams {
  N: number
  r: number
  p: number
}

export const DEFAULT_SCRYPT: ScryptParams = { N: 16384, r: 8, p: 1 }
const KEY_LENGTH = 64
const MAX_N = 1 << 20
const MAX_R = 32
const MAX_P = 16
const MAX_MEMORY = 256 * 1024 * 1024
const SALT_LENGTH = 16

const scrypt = (password: string, salt: Buffer, params: ScryptParams) =>
  new Promise<Buffer>((resolve, reject) => {
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
  if (params.N > MAX_N || params.r > MAX_R || params.p > MAX_P || 128 * params.N * params.r > MAX_MEMORY)
    return false
  const expected = Buffer.from(m[5]!, 'base64')
  // Parameters scrypt refuses (N not a power of two, r = 0, ...) make the hash malformed, not an error.
  const actual = await scrypt(password, Buffer.from(m[4]!, 'base64'), params).catch(() => undefined)
  return actual !== undefined && actual.length === expected.length && timingSafeEqual(actual, expected)
}
