/**
 * Password hashing must not starve legitimate logins (issue 8): a flood of unauthenticated verify calls
 * from one address gets RATE_LIMIT_EXCEEDED at once beyond its share of the hashing gate, the gate never
 * runs more hashes than allowed, and a login from another address (127.0.0.2) and /health still answer.
 * No timings are asserted: the properties are counted.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DBALError } from '../core/errors.ts'
import { HashGate } from '../daemon/hashing.ts'
import { RawClient, sleep, testDaemon } from './daemon-helpers.ts'

describe('the hashing gate', () => {
  it('runs at most `concurrent` at once, queues up to `queued`, gives an address at most `perIp`', async () => {
    const gate = new HashGate({ concurrent: 2, queued: 3, perIp: 2 })
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    const work = () => held.then(() => 'done')
    const results = ['a', 'a', 'a', 'b', 'b', 'c', 'd', 'e'].map((ip) =>
      gate.run(ip, work).then(
        (v) => v,
        (e: unknown) => (e instanceof DBALError ? e.code : 'other'),
      ),
    )
    await sleep(10)
    release()
    // a: 2 of 3 (perIp), b: 2, c: 1 = 5 places = 2 running + 3 queued; d and e find the queue full.
    assert.deepEqual(await Promise.all(results), [
      'done',
      'done',
      'RATE_LIMIT_EXCEEDED',
      'done',
      'done',
      'done',
      'RATE_LIMIT_EXCEEDED',
      'RATE_LIMIT_EXCEEDED',
    ])
    assert.equal(gate.peak, 2)
    // Everything was released: an address gets its whole share again.
    assert.deepEqual(await Promise.all([gate.run('a', work), gate.run('a', work)]), ['done', 'done'])
  })
})

describe('a verify flood from one address', () => {
  it('is refused beyond its share at once; a login from elsewhere and /health still answer', async () => {
    const d = await testDaemon({ limits: { max_concurrent_hashes: 1, hashes_per_ip: 2 } })
    try {
      const sys = await RawClient.open(d.url, d.token)
      await sys.call('users.create', { username: 'alice', email: 'alice@example.com' })
      await sys.call('credentials.set', { username: 'alice', password: 'correct horse' })
      // RawClient matches replies in order: one call in flight per connection, 60 connections.
      const flood = await Promise.all(Array.from({ length: 60 }, () => RawClient.open(d.url)))
      const calls = flood.map((c, i) =>
        c.call('credentials.verify', { username: `x${i}`, password: 'guess' }),
      )
      const legit = await RawClient.open(d.url, undefined, { localAddress: '127.0.0.2' })
      const login = legit.call('credentials.verify', { username: 'alice', password: 'correct horse' })
      const health = fetch(`${d.httpUrl}/health`).then((r) => r.status)
      const codes = (await Promise.all(calls)).map((r) => r.error?.data.code)
      assert.equal((await login).result, true)
      assert.equal(await health, 200)
      const limited = codes.filter((c) => c === 'RATE_LIMIT_EXCEEDED').length
      // 60 sent at once, 2 places for the address: at least 58 refused without hashing.
      assert.ok(limited >= 58, codes.join(','))
      assert.equal(codes.length - limited, codes.filter((c) => c === 'UNAUTHORIZED').length)
      for (const c of [...flood, legit, sys]) c.close()
    } finally {
      await d.stop()
    }
  })
})
