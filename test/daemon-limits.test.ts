/**
 * The daemon's limits, each on a daemon configured to meet it quickly: connections, the per-address rate,
 * idle and heartbeat timeouts, the request timeout, requests in flight, the graceful drain; test.reset's
 * gating and reach; and the last barrier that keeps a backend's native errors (SQL, stacks, URLs with
 * passwords) off the wire.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ALL, type Cond } from '../core/query.ts'
import { DBALError } from '../core/errors.ts'
import { schema } from '../core/schema.ts'
import { MemoryAdapter } from '../reference/memory.ts'
import { assertNoLeaks, RawClient, sleep, testDaemon } from './daemon-helpers.ts'

/** The reference adapter with a slow count, to hold requests in flight. */
class SlowCount extends MemoryAdapter {
  closed = false
  constructor(private readonly ms: number) {
    super()
  }
  override async count(entity: string, filter: Cond): Promise<number> {
    await sleep(this.ms)
    return super.count(entity, filter)
  }
  override async close(): Promise<void> {
    this.closed = true
    return super.close()
  }
}

const until = async (cond: () => boolean, ms = 5000) => {
  for (const t0 = Date.now(); !cond() && Date.now() - t0 < ms;) await sleep(5)
  assert.ok(cond(), 'condition not met in time')
}

/** A connection logged in as the ACL's anonymous caller: untrusted, so under the untrusted limits. */
async function anonymous(url: string): Promise<RawClient> {
  const c = await RawClient.open(url)
  assert.equal((await c.call('auth.login', { anonymous: true })).error, undefined)
  return c
}

describe('the daemon limits', () => {
  it('refuses the upgrade beyond max_connections with 503', async () => {
    const d = await testDaemon({ limits: { max_connections: 2 } })
    try {
      const [a] = [await RawClient.open(d.url, d.token), await RawClient.open(d.url, d.token)]
      await assert.rejects(RawClient.open(d.url, d.token), (e: { status?: number }) => e.status === 503)
      a!.close()
      await until(() => d.daemon.metrics.connections === 1)
      ;(await RawClient.open(d.url, d.token)).close()
    } finally {
      await d.stop()
    }
  })

  it('shares one rate bucket among the connections of an address', async () => {
    const d = await testDaemon({ limits: { rate_per_ip: 10, rate_per_connection: 1000 } })
    try {
      // Not yet authenticated, so untrusted: a service token's connection has limits of its own (below).
      const [a, b] = [await RawClient.open(d.url), await RawClient.open(d.url)]
      const codes: (string | undefined)[] = []
      for (let i = 0; i < 30; i++) codes.push((await a.call('auth.whoami')).error?.data.code)
      assert.ok(codes.filter((c) => c === 'RATE_LIMIT_EXCEEDED').length >= 10, codes.join(','))
      const r = await b.call('auth.whoami')
      assert.deepEqual([r.error?.data.code, r.error?.data.details?.retryAfter], ['RATE_LIMIT_EXCEEDED', 1])
      await sleep(400)
      assert.equal((await b.call('auth.whoami')).error, undefined)
      a.close()
      b.close()
    } finally {
      await d.stop()
    }
  })

  it('closes an idle connection (1000) and one that does not answer pings', async () => {
    const d = await testDaemon({ limits: { idle_timeout_ms: 300, heartbeat_ms: 60_000 } })
    const h = await testDaemon({ limits: { heartbeat_ms: 100, idle_timeout_ms: 60_000 } })
    try {
      const idle = await RawClient.open(d.url, d.token)
      assert.deepEqual(await idle.closed, { code: 1000, reason: 'idle' })
      const [deaf, alive] = [
        await RawClient.open(h.url, h.token, { autoPong: false }),
        await RawClient.open(h.url, h.token),
      ]
      assert.equal((await deaf.closed).code, 1006)
      assert.equal((await alive.call('auth.whoami')).error, undefined)
      alive.close()
    } finally {
      await Promise.all([d.stop(), h.stop()])
    }
  })

  it('answers TIMEOUT past request_timeout_ms and refuses requests beyond max_in_flight', async () => {
    const adapter = new SlowCount(400)
    const d = await testDaemon({ limits: { request_timeout_ms: 100, max_in_flight: 2 } }, adapter)
    try {
      const c = await anonymous(d.url)
      const t0 = performance.now()
      const r = await c.call('pages.count', {})
      assert.deepEqual(
        [r.error?.data.code, r.error?.data.status, r.error?.data.details?.limit],
        ['TIMEOUT', 504, 100],
      )
      assert.ok(performance.now() - t0 < 380)
      // The timed-out count still holds its slot until it ends.
      assert.equal(d.daemon.metrics.inFlight, 1)
      await until(() => d.daemon.metrics.inFlight === 0)
      const replies = Promise.all([c.next(), c.next(), c.next(), c.next()])
      for (let i = 0; i < 4; i++)
        c.ws.send(JSON.stringify({ jsonrpc: '2.0', id: i, method: 'pages.count', params: {} }))
      const got = (await replies).map(
        (t) => JSON.parse(t) as { error?: { data: { code: string; details?: { reason?: string } } } },
      )
      assert.equal(
        got.filter((g) => g.error?.data.details?.reason === 'too many requests in flight').length,
        2,
      )
      c.close()
    } finally {
      await d.stop()
    }
  })

  it("gives a service token's connection its own limits: the untrusted ones do not cap the application", async () => {
    const adapter = new SlowCount(200)
    const limits = { rate_per_connection: 5, rate_per_ip: 5, max_in_flight: 2 }
    const d = await testDaemon({ limits }, adapter)
    const capped = await testDaemon({ limits: { ...limits, service_max_in_flight: 3 } }, adapter)
    try {
      const burst = async (c: RawClient, n: number) => {
        const replies = Promise.all(Array.from({ length: n }, () => c.next()))
        for (let i = 0; i < n; i++)
          c.ws.send(JSON.stringify({ jsonrpc: '2.0', id: i, method: 'pages.count', params: {} }))
        return (await replies).map(
          (t) => (JSON.parse(t) as { error?: { data: { code: string } } }).error?.data.code ?? 'ok',
        )
      }
      const count = (codes: string[], code: string) => codes.filter((c) => c === code).length
      // 64 at once, far above max_in_flight and the rates: all served (default service limits 256, 100,000/s).
      const service = await RawClient.open(d.url, d.token)
      const all = await burst(service, 64)
      assert.equal(count(all, 'ok'), 64, all.join(','))
      // The same burst from an anonymous caller on the same address meets the untrusted limits.
      const anon = await anonymous(d.url)
      const codes = await burst(anon, 64)
      assert.ok(count(codes, 'ok') <= 5, codes.join(','))
      assert.equal(count(codes, 'ok') + count(codes, 'RATE_LIMIT_EXCEEDED'), 64)
      // service_max_in_flight is read: 3 run, the rest are refused as too many in flight.
      const c = await RawClient.open(capped.url, capped.token)
      assert.deepEqual([count(await burst(c, 10), 'ok')], [3])
      for (const x of [service, anon, c]) x.close()
    } finally {
      await d.stop()
      await capped.stop()
    }
  })

  it('drains on close(): in-flight requests finish, new connections are refused, the backend closes', async () => {
    const adapter = new SlowCount(300)
    const d = await testDaemon({}, adapter)
    const c = await RawClient.open(d.url, d.token)
    const replies = Promise.all([c.next(), c.next(), c.next()])
    for (let i = 0; i < 3; i++)
      c.ws.send(JSON.stringify({ jsonrpc: '2.0', id: i, method: 'users.count', params: {} }))
    await until(() => d.daemon.metrics.inFlight === 3)
    const closing = d.stop()
    await assert.rejects(RawClient.open(d.url, d.token))
    assert.deepEqual(
      (await replies).map((t) => (JSON.parse(t) as { result: unknown }).result),
      [0, 0, 0],
    )
    assert.equal((await c.closed).code, 1001)
    await closing
    assert.ok(adapter.closed)
  })
})

describe('test.reset', () => {
  it('exists only where enabled, for service tokens only', async () => {
    const d = await testDaemon({ test: { reset: false } })
    try {
      const c = await RawClient.open(d.url, d.token)
      assert.deepEqual([(await c.call('test.reset', {})).error?.code], [-32601])
      c.close()
    } finally {
      await d.stop()
    }
  })

  it('empties every table, internal ones included', async () => {
    const adapter = new MemoryAdapter()
    const d = await testDaemon({}, adapter)
    try {
      const c = await RawClient.open(d.url, d.token)
      const u = (
        await c.call('users.create', { username: 'ann', email: 'ann@example.com' }, { idempotencyKey: 'k-1' })
      ).result as { id: string }
      await c.call('credentials.set', { username: 'ann', password: 'pw-123456' })
      await c.call('credentials.verify', { username: 'ann', password: 'wrong' })
      await c.call('workflows.create', {
        name: 'w',
        trigger: 'manual',
        triggerConfig: {},
        steps: {},
        createdBy: u.id,
      })
      const counts = async () =>
        Promise.all(schema.entities.map(async (e) => [e.name, await adapter.count(e.name, ALL)] as const))
      assert.ok((await counts()).filter(([, n]) => n > 0).length >= 4, JSON.stringify(await counts()))
      assert.equal((await c.call('test.reset', {})).result, true)
      assert.deepEqual(
        (await counts()).filter(([, n]) => n > 0),
        [],
      )
      c.close()
    } finally {
      await d.stop()
    }
  })

  it('deletes referencing tables before the tables they reference', () => {
    const order = schema.deletionOrder.map((e) => e.name)
    for (const e of schema.entities)
      for (const f of e.foreignKeys)
        if (f.foreignKey!.entity !== e.name)
          assert.ok(
            order.indexOf(e.name) < order.indexOf(f.foreignKey!.entity),
            `${e.name} → ${f.foreignKey!.entity}`,
          )
  })
})

describe('the last barrier before the wire', () => {
  const URL_WITH_PASSWORD = 'postgres://admin:hunter2@db.internal:5432/prod'
  class Leaky extends MemoryAdapter {
    override async read(): Promise<null> {
      throw new Error(
        `SQLITE_ERROR near "SELECT * FROM users WHERE id = ?" (${URL_WITH_PASSWORD})\n    at run (/srv/dbal/adapters/sql/adapter.ts:10:5)`,
      )
    }
    override async list(): Promise<never> {
      throw new DBALError('DATABASE_ERROR', {
        reason: 'connect ECONNREFUSED',
        sqlstate: '08006',
        url: URL_WITH_PASSWORD,
        query: 'select * from users',
      })
    }
    override async count(): Promise<number> {
      throw new DBALError('CONFLICT', {
        entity: 'User',
        detail: 'Key (email) already exists: INSERT INTO users (id) VALUES ($1)',
      })
    }
  }

  it('keeps SQL, stacks and the database URL out of every error', async () => {
    const d = await testDaemon({ backend: { name: 'postgres', url: URL_WITH_PASSWORD } }, new Leaky())
    try {
      const c = await RawClient.open(d.url, d.token)
      const read = await c.call('users.read', { id: '6f1c0f3e-8a3b-4c9e-9d2a-0b1c2d3e4f50' })
      assert.deepEqual(read.error?.data, { code: 'INTERNAL_ERROR', status: 500 })
      assert.deepEqual((await c.call('users.list', {})).error?.data, {
        code: 'DATABASE_ERROR',
        status: 503,
        details: { reason: 'connect ECONNREFUSED', sqlstate: '08006' },
      })
      // A refusal keeps the keys of the error vocabulary only: the native message with its SQL is gone.
      assert.deepEqual((await c.call('users.count', {})).error?.data, {
        code: 'CONFLICT',
        status: 409,
        details: { entity: 'User' },
      })
      assertNoLeaks(c.frames, [URL_WITH_PASSWORD, 'hunter2', 'db.internal:5432', d.token])
      c.close()
    } finally {
      await d.stop()
    }
  })
})
