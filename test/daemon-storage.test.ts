/**
 * What an attacker found (issue 8) about what callers can make the daemon keep or tell: refused writes
 * stored at request size, one idempotency scope shared by every anonymous caller, login attempts kept
 * forever, and error details that answered differently when a guess matched a secret. Each test holds
 * the class closed: no caller grows storage without an accepted write, nothing is echoed at request
 * size, and a reply never depends on whether input resembles a secret.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { statSync } from 'node:fs'
import { describe, it } from 'node:test'
import { DETAIL_LIMITS } from '../core/errors.ts'
import { ALL } from '../core/query.ts'
import { LOCKOUT } from '../core/operations/credentials.ts'
import { MemoryAdapter } from '../reference/memory.ts'
import { RawClient, testDaemon } from './daemon-helpers.ts'
import { rejects, testClient } from './helpers.ts'

const user = (n: string) => ({ username: n, email: `${n}@example.com` })

describe('what a caller can make the daemon store', () => {
  it('a refused write stores nothing, however large the request (anonymous, fresh key each time)', async () => {
    const d = await testDaemon()
    try {
      const anon = await RawClient.open(d.url)
      assert.ok((await anon.call('auth.login', { anonymous: true })).result)
      await anon.call('users.create', user('warmup'), { idempotencyKey: randomUUID() })
      const before = statSync(d.dbPath).size
      const junk = 'j'.repeat(200_000)
      for (let i = 0; i < 12; i++) {
        const r = await anon.call(
          'users.create',
          { ...user(`a${i}`), [junk + i]: 1 },
          { idempotencyKey: randomUUID() },
        )
        assert.equal(r.error?.data.code, 'VALIDATION_ERROR')
        // The reply is bounded too: the 200 KB key comes back cut to DETAIL_LIMITS.string characters.
        assert.ok(
          JSON.stringify(r).length < 2 * DETAIL_LIMITS.string + 500,
          `reply of ${JSON.stringify(r).length} bytes`,
        )
        assert.equal(r.error?.data.details?.truncated, true)
      }
      const sys = await RawClient.open(d.url, d.token)
      assert.equal((await sys.call('users.count', {})).result, 1)
      // 12 × 200 KB refused: the file may not grow by more than a page or two.
      assert.ok(
        statSync(d.dbPath).size - before <= 16 * 1024,
        `grew ${statSync(d.dbPath).size - before} bytes`,
      )
      anon.close()
      sys.close()
    } finally {
      await d.stop()
    }
  })

  it('a refused write is not replayed: its retry runs again (the refusal changed nothing)', async () => {
    const adapter = new MemoryAdapter()
    const d = await testDaemon({}, adapter)
    try {
      const c = await RawClient.open(d.url, d.token)
      const first = await c.call('users.create', user('eve'))
      const key = randomUUID()
      assert.equal(
        (await c.call('users.create', user('eve'), { idempotencyKey: key })).error?.data.code,
        'CONFLICT',
      )
      assert.equal(await adapter.count('IdempotencyRecord', ALL), 0)
      await c.call('users.delete', { id: (first.result as { id: string }).id })
      const retried = await c.call('users.create', user('eve'), { idempotencyKey: key })
      assert.equal((retried.result as { username: string }).username, 'eve')
      assert.equal(await adapter.count('IdempotencyRecord', ALL), 1)
      c.close()
    } finally {
      await d.stop()
    }
  })

  it('two anonymous connections never share an idempotency key', async () => {
    const d = await testDaemon()
    try {
      const [a, b] = [await RawClient.open(d.url), await RawClient.open(d.url)]
      for (const c of [a, b]) await c.call('auth.login', { anonymous: true })
      const key = randomUUID()
      const mine = (await a.call('users.create', user('anna'), { idempotencyKey: key })).result as {
        id: string
      }
      // Same key, same params: B's write runs (and meets the unique username), it does not get A's row.
      const same = await b.call('users.create', user('anna'), { idempotencyKey: key })
      assert.equal(same.error?.data.code, 'CONFLICT')
      assert.doesNotMatch(JSON.stringify(same), /idempotency/)
      assert.ok(!JSON.stringify(same).includes(mine.id))
      // Other params: B's write simply runs; nothing says the key was ever used.
      const other = await b.call('users.create', user('bert'), { idempotencyKey: key })
      assert.equal((other.result as { username: string }).username, 'bert')
      // A's own retry on its connection is still replayed.
      assert.equal(
        ((await a.call('users.create', user('anna'), { idempotencyKey: key })).result as { id: string }).id,
        mine.id,
      )
      a.close()
      b.close()
    } finally {
      await d.stop()
    }
  })

  it('login attempts: a username longer than User.username allows is refused and not recorded', async () => {
    const adapter = new MemoryAdapter()
    const d = await testDaemon({}, adapter)
    try {
      const c = await RawClient.open(d.url)
      const long = await c.call('credentials.verify', { username: 'u'.repeat(51), password: 'x' })
      assert.equal(long.error?.data.code, 'VALIDATION_ERROR')
      assert.equal(await adapter.count('LoginAttempt', ALL), 0)
      c.close()
    } finally {
      await d.stop()
    }
  })

  it('login attempts outside the window expire for every username, not only the one verified', async () => {
    const { client, clock, adapter } = testClient()
    for (let i = 0; i < 30; i++)
      await rejects(client.credentials.verify({ username: `ghost${i}`, password: 'x' }), 'UNAUTHORIZED')
    assert.equal(await adapter.count('LoginAttempt', ALL), 30)
    clock.advance((LOCKOUT.windowSeconds + 1) * 1000)
    await rejects(client.credentials.verify({ username: 'someone-else', password: 'x' }), 'UNAUTHORIZED')
    assert.equal(await adapter.count('LoginAttempt', ALL), 1)
  })
})

describe('error details are not an oracle for secrets', () => {
  it('an unknown key gets the same reply whether or not it is the database path or a token', async () => {
    const d = await testDaemon()
    try {
      const c = await RawClient.open(d.url)
      const reply = async (guess: string) => {
        const r = await c.call('credentials.verify', { username: 'nobody', password: 'x', [guess]: 1 })
        assert.equal(r.error?.data.code, 'VALIDATION_ERROR')
        return r.error!.data.details
      }
      const shape = (details: unknown, guess: string) => JSON.stringify(details).split(guess).join('<guess>')
      const wrong = await reply('/tmp/not-the-database.sqlite')
      for (const secret of [d.dbPath, d.token]) {
        const right = await reply(secret)
        assert.equal(shape(right, secret), shape(wrong, '/tmp/not-the-database.sqlite'))
      }
      c.close()
    } finally {
      await d.stop()
    }
  })
})
