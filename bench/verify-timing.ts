/**
 * credentials.verify timed for a wrong password of a known user and for an unknown user, with the
 * default scrypt cost, alternating, 15 rounds each. Prints both medians, a bare hash for scale, and
 * their ratio: close to 1 (the target is within 0.8× to 1.25×) means that the time of a failed login
 * does not tell whether the username exists. test/password.test.ts checks the property by counting the
 * scrypt runs; this measures what it costs on this machine.
 *   npm run bench
 */
import { DBALClient } from '../core/client.ts'
import { DEFAULT_SCRYPT, hashPassword } from '../core/password.ts'
import { MemoryAdapter } from '../reference/memory.ts'

const ROUNDS = 15
const TARGET = { min: 0.8, max: 1.25 }
// Each attempt a lockout window later than the last, so that no username is ever locked out.
const WINDOW_MS = 301_000

let now = Date.parse('2030-01-01T00:00:00.000Z')
const client = new DBALClient({ adapter: new MemoryAdapter(), clock: () => now, scrypt: DEFAULT_SCRYPT })
await client.users.create({ username: 'carol', email: 'carol@example.com' })
await client.credentials.set({ username: 'carol', password: 'right' })

/** Milliseconds of one refused verify. */
async function refused(username: string, password: string): Promise<number> {
  now += WINDOW_MS
  const t = performance.now()
  const ok = await client.credentials.verify({ username, password }).then(
    () => true,
    () => false,
  )
  if (ok) throw new Error(`${username} was accepted: nothing to time`)
  return performance.now() - t
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

// Warm up: the JIT, and the dummy hash an unknown user is checked against (derived once per process).
await refused('warm-up', 'x')
await refused('carol', 'warm-up')

const wrong: number[] = []
const unknown: number[] = []
const hash: number[] = []
for (let i = 0; i < ROUNDS; i++) {
  wrong.push(await refused('carol', `wrong${i}`))
  unknown.push(await refused(`nobody${i}`, 'x'))
  const t = performance.now()
  await hashPassword('x', DEFAULT_SCRYPT)
  hash.push(performance.now() - t)
}
const ratio = median(unknown) / median(wrong)
const ms = (x: number) => `${x.toFixed(1)} ms`
process.stdout.write(
  `credentials.verify (scrypt N=${DEFAULT_SCRYPT.N}): wrong password ${ms(median(wrong))}, unknown user ${ms(median(unknown))}, ratio ${ratio.toFixed(2)}× (target ${TARGET.min}–${TARGET.max}×); one hash ${ms(median(hash))}\n`,
)
process.exitCode = ratio >= TARGET.min && ratio <= TARGET.max ? 0 : 1
