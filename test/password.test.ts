/** CONTRACT §4 Credential: scrypt hashes, verify, lockout, and the hash never leaving the DBAL. */
import assert from 'node:assert/strict'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { describe, it } from 'node:test'
import { DBALClient } from '../core/client.ts'
import { DBALError } from '../core/errors.ts'
import { hashPassword, SCRYPT_CHANNEL, verifyPassword, type ScryptParams } from '../core/password.ts'
import { FAST_SCRYPT, newUser, rejects, testClient } from './helpers.ts'

describe('hashPassword / verifyPassword', () => {
  it('the hash holds its parameters, a 16-byte salt and a 64-byte key', async () => {
    const h = await hashPassword('correct horse', FAST_SCRYPT)
    const m = /^scrypt\$1024\$8\$1\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(h)
    assert.ok(m, h)
    assert.equal(Buffer.from(m[1]!, 'base64').length, 16)
    assert.equal(Buffer.from(m[2]!, 'base64').length, 64)
    assert.match(await hashPassword('x'), /^scrypt\$16384\$8\$1\$/)
  })
  it('the salt is random: one password, two hashes', async () => {
    const [a, b] = await Promise.all([hashPassword('same', FAST_SCRYPT), hashPassword('same', FAST_SCRYPT)])
    assert.notEqual(a, b)
    assert.ok((await verifyPassword('same', a)) && (await verifyPassword('same', b)))
  })
  it('verifies the right password and refuses a wrong one', async () => {
    const h = await hashPassword('pässwörd 😀', FAST_SCRYPT)
    assert.equal(await verifyPassword('pässwörd 😀', h), true)
    for (const wrong of ['pässwörd', 'Pässwörd 😀', 'pässwörd 😀 ', ''])
      assert.equal(await verifyPassword(wrong, h), false, wrong)
  })
  it('normalizes to NFC: a composed and a decomposed é are one password', async () => {
    assert.equal(await verifyPassword('cafe\u0301', await hashPassword('caf\u00e9', FAST_SCRYPT)), true)
  })
  it('a hash made with other parameters still verifies', async () => {
    for (const params of [
      { N: 2048, r: 4, p: 2 },
      { N: 512, r: 16, p: 1 },
    ]) {
      const h = await hashPassword('pw', params)
      assert.ok(h.startsWith(`scrypt$${params.N}$${params.r}$${params.p}$`))
      assert.equal(await verifyPassword('pw', h), true)
      assert.equal(await verifyPassword('pw2', h), false)
    }
  })
  it('a malformed stored hash verifies nothing, and does not throw', async () => {
    const good = await hashPassword('pw', FAST_SCRYPT)
    const [, , , , salt, key] = good.split('$')
    const malformed = [
      '',
      'pw',
      'scrypt$',
      `bcrypt$1024$8$1$${salt}$${key}`,
      `scrypt$1024$8$${salt}$${key}`,
      `scrypt$x$8$1$${salt}$${key}`,
      `scrypt$1024$8$1$${salt}$!!!`,
      `${good}$extra`,
      `scrypt$1000$8$1$${salt}$${key}`,
      `scrypt$1$8$1$${salt}$${key}`,
      `scrypt$1024$0$1$${salt}$${key}`,
      `scrypt$1024$8$1$${salt}$${key!.slice(0, 40)}`,
      ` ${good}`,
    ]
    for (const stored of malformed) assert.equal(await verifyPassword('pw', stored), false, stored)
  })
})

const setup = async () => {
  const { client, clock, adapter } = testClient()
  await newUser(client, 'alice')
  await client.credentials.set({ username: 'alice', password: 'right' })
  const verify = (password: string, username = 'alice') => client.credentials.verify({ username, password })
  return { client, clock, adapter, verify }
}

describe('credentials through the client (fixed clock)', () => {
  it('set and verify', async () => {
    const { client, verify } = await setup()
    assert.equal(await verify('right'), true)
    await rejects(verify('wrong'), 'UNAUTHORIZED')
    await client.credentials.set({ username: 'alice', password: 'new' })
    await rejects(verify('right'), 'UNAUTHORIZED')
    assert.equal(await verify('new'), true)
  })
  it('set for a user that does not exist is NOT_FOUND', async () => {
    const { client } = await setup()
    await rejects(client.credentials.set({ username: 'nobody', password: 'x' }), 'NOT_FOUND')
  })
  it('an unknown user is UNAUTHORIZED, not NOT_FOUND, with the same details as a wrong password', async () => {
    const { verify } = await setup()
    const unknown = await rejects(verify('right', 'nobody'), 'UNAUTHORIZED')
    const wrong = await rejects(verify('wrong'), 'UNAUTHORIZED')
    assert.deepEqual(unknown.toJSON(), wrong.toJSON())
  })
  it('locks out after 5 failures with retryAfter in seconds; even the right password is refused', async () => {
    const { clock, verify } = await setup()
    for (let i = 0; i < 5; i++) {
      await rejects(verify(`wrong${i}`), 'UNAUTHORIZED')
      clock.advance(1000)
    }
    // First failure at T0, now T0 + 5 s: the window ends at T0 + 300 s.
    const e = await rejects(verify('right'), 'RATE_LIMIT_EXCEEDED')
    assert.equal(e.status, 429)
    assert.equal(e.details?.retryAfter, 295)
    clock.advance(289_500)
    assert.equal((await rejects(verify('right'), 'RATE_LIMIT_EXCEEDED')).details?.retryAfter, 6)
  })
  it('the window expiring unlocks', async () => {
    const { clock, verify } = await setup()
    for (let i = 0; i < 5; i++) await rejects(verify('wrong'), 'UNAUTHORIZED')
    clock.advance(299_999)
    assert.equal((await rejects(verify('right'), 'RATE_LIMIT_EXCEEDED')).details?.retryAfter, 1)
    clock.advance(2)
    assert.equal(await verify('right'), true)
  })
  it('a success resets the counter', async () => {
    const { verify } = await setup()
    for (let i = 0; i < 4; i++) await rejects(verify('wrong'), 'UNAUTHORIZED')
    assert.equal(await verify('right'), true)
    for (let i = 0; i < 5; i++) await rejects(verify('wrong'), 'UNAUTHORIZED')
    await rejects(verify('right'), 'RATE_LIMIT_EXCEEDED')
  })
  it('unknown users are locked out too; other users are not', async () => {
    const { verify } = await setup()
    for (let i = 0; i < 5; i++) await rejects(verify('x', 'ghost'), 'UNAUTHORIZED')
    await rejects(verify('x', 'ghost'), 'RATE_LIMIT_EXCEEDED')
    assert.equal(await verify('right'), true)
  })
  it('the counter lives in the database: a new client on the same adapter is still locked out', async () => {
    const { clock, adapter, verify } = await setup()
    for (let i = 0; i < 5; i++) await rejects(verify('wrong'), 'UNAUTHORIZED')
    const restarted = new DBALClient({ adapter, clock: () => clock.now, scrypt: FAST_SCRYPT })
    await rejects(
      restarted.credentials.verify({ username: 'alice', password: 'right' }),
      'RATE_LIMIT_EXCEEDED',
    )
  })
  it('parallel guesses cannot pass the limit together', async () => {
    // The guarantee is "at most five checked per window", whatever the interleaving: each attempt is
    // recorded before it is counted, so a burst may even be refused whole (nothing checked is safe).
    const { verify, clock } = await setup()
    for (let round = 0; round < 3; round++) {
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) => verify(`guess${round}-${i}`)),
      )
      const codes = results.map((r) =>
        r.status === 'rejected' && r.reason instanceof DBALError ? r.reason.code : String(r.status),
      )
      assert.ok(
        codes.every((c) => c === 'UNAUTHORIZED' || c === 'RATE_LIMIT_EXCEEDED'),
        codes.join(),
      )
      assert.ok(codes.filter((c) => c === 'RATE_LIMIT_EXCEEDED').length >= 7, codes.join())
    }
    // Sequentially, after the window, exactly five failures are checked, then the username is locked.
    clock.now += 301_000
    for (let i = 0; i < 5; i++) await rejects(verify('wrong'), 'UNAUTHORIZED')
    await rejects(verify('right'), 'RATE_LIMIT_EXCEEDED')
  })
})

describe('passwordHash never leaves the DBAL', () => {
  it('in no read, list, write result or error', async () => {
    const { client, adapter, verify } = await setup()
    await newUser(client, 'bob')
    const stored = await adapter.list('Credential', {
      filter: { kind: 'all' },
      sort: [{ field: 'id', dir: 'asc' }],
      offset: 0,
      limit: 10,
    })
    assert.ok(
      stored.data.every((r) => String(r.passwordHash).startsWith('scrypt$')),
      'the adapter holds the hash (else this test proves nothing)',
    )
    const bob = await client.credentials.create({ username: 'bob', password: 'pw' })
    const seen: unknown[] = [
      bob,
      await client.credentials.read(bob.id),
      await client.credentials.list(),
      await client.credentials.update(bob.id, { password: 'pw2', firstLogin: false }),
    ]
    seen.push(
      await client.credentials.getFirstLogin({ username: 'bob' }),
      await client.credentials.updateMany({ username: 'bob' }, { firstLogin: true }),
    )
    const failures = [
      () => client.credentials.create({ username: 'bob', password: 'pw' }),
      () => client.credentials.list({ filter: { passwordHash: { $startsWith: 'scrypt$' } } }),
      () => client.credentials.list({ sort: { passwordHash: 'asc' } as never }),
      () => client.credentials.update(bob.id, { passwordHash: 'scrypt$1$1$1$a$b' } as never),
      () => verify('wrong'),
      () => verify('x', 'ghost'),
    ]
    for (const f of failures)
      seen.push(
        await f().then(
          () => assert.fail('expected an error'),
          (e: unknown) => e,
        ),
      )
    for (const x of seen) assert.ok(!JSON.stringify(x).includes('scrypt$'), JSON.stringify(x))
    assert.ok((seen[2] as { data: object[] }).data.every((r) => !('passwordHash' in r)))
  })
})

/** The scrypt derivations `fn` runs, as their parameters `N/r/p`, counted through core/password.ts's channel. */
async function derivations(fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = []
  const onDerive = (m: unknown) => {
    const { N, r, p } = m as ScryptParams
    seen.push(`${N}/${r}/${p}`)
  }
  subscribe(SCRYPT_CHANNEL, onDerive)
  try {
    await fn().catch(() => undefined)
  } finally {
    unsubscribe(SCRYPT_CHANNEL, onDerive)
  }
  return seen
}

// What keeps a caller from telling unknown usernames apart by time is that verify does the same work
// for both: one scrypt with the client's parameters. Counted here; bench/verify-timing.ts times it.
describe('the same work for an unknown user as for a wrong password', () => {
  const OTHER: ScryptParams = { N: 2048, r: 8, p: 1 }
  const ghost = (client: DBALClient, username: string) => () =>
    client.credentials.verify({ username, password: 'x' })

  it('one scrypt each, with the parameters of the stored hash and of the client', async () => {
    const { client, verify } = await setup()
    assert.deepEqual(await derivations(() => verify('wrong')), ['1024/8/1'])
    assert.deepEqual(await derivations(ghost(client, 'nobody')), ['1024/8/1'])
    assert.deepEqual(await derivations(() => verify('right')), ['1024/8/1'])
  })
  it("a client's unknown users cost its own parameters, not those of a client that verified first", async () => {
    const cheap = testClient()
    await derivations(ghost(cheap.client, 'ghost'))
    const { client } = testClient({ scrypt: OTHER })
    await newUser(client, 'carol')
    await client.credentials.set({ username: 'carol', password: 'right' })
    const wrong = () => client.credentials.verify({ username: 'carol', password: 'wrong' })
    assert.deepEqual(await derivations(wrong), ['2048/8/1'])
    assert.deepEqual(await derivations(ghost(client, 'nobody')), ['2048/8/1'])
  })
  it('the first unknown user of a parameter set costs one scrypt too (no dummy is hashed for it)', async () => {
    const { client } = testClient({ scrypt: { N: 4096, r: 8, p: 1 } })
    assert.deepEqual(await derivations(ghost(client, 'first-ever')), ['4096/8/1'])
  })
  it('a locked-out username runs no scrypt, known or not', async () => {
    const { client, verify } = await setup()
    for (let i = 0; i < 5; i++) {
      await rejects(verify('wrong'), 'UNAUTHORIZED')
      await rejects(ghost(client, 'ghost')(), 'UNAUTHORIZED')
    }
    assert.deepEqual(await derivations(() => verify('right')), [])
    assert.deepEqual(await derivations(ghost(client, 'ghost')), [])
  })
})

describe('stored parameters are bounded', () => {
  it('a stored hash with an absurd cost verifies nothing and runs no scrypt at all', async () => {
    const good = await hashPassword('pw', { N: 1024, r: 8, p: 1 })
    const [, , , , salt, key] = good.split('$')
    for (const params of ['2097152$8$1', '1048576$16$1', '1024$64$1', '1024$8$64']) {
      const stored = `scrypt$${params}$${salt}$${key}`
      let result: boolean | undefined
      assert.deepEqual(
        await derivations(async () => (result = await verifyPassword('pw', stored))),
        [],
        params,
      )
      assert.equal(result, false, params)
    }
    assert.equal(await verifyPassword('pw', good), true)
  })
})
