/**
 * The bridge (adapters/remote) against an in-process daemon and against a fake one that never answers:
 * errors arrive as the local ones would, per-call timeouts, close(), an unreachable daemon, a refused
 * token, idempotency keys, and `as(user)` through a session that the daemon resolves itself.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { WebSocketServer } from 'ws'
import { RemoteExecutor } from '../adapters/remote/index.ts'
import { backoffDelay } from '../adapters/remote/wire.ts'
import { DBALClient } from '../core/client.ts'
import { DBALError } from '../core/errors.ts'
import { startDaemon } from '../daemon/server.ts'
import { MemoryAdapter } from '../reference/memory.ts'
import { sleep, testDaemon, type TestDaemon } from './daemon-helpers.ts'
import { rejects } from './helpers.ts'

const user = (name: string, role = 'user') => ({ username: name, email: `${name}@example.com`, role })

describe('the remote bridge', () => {
  let d: TestDaemon
  let sys: RemoteExecutor
  /** A daemon that accepts connections and never replies. */
  let silent: WebSocketServer
  let silentUrl: string
  const made: RemoteExecutor[] = []
  const remote = (o: Partial<ConstructorParameters<typeof RemoteExecutor>[0]> = {}) => {
    const r = new RemoteExecutor({ url: d.url, token: d.token, ...o })
    made.push(r)
    return r
  }

  before(async () => {
    d = await testDaemon()
    sys = remote()
    silent = new WebSocketServer({ port: 0, host: '127.0.0.1' })
    await new Promise((r) => silent.once('listening', r))
    silentUrl = `ws://127.0.0.1:${(silent.address() as AddressInfo).port}`
  })
  after(async () => {
    await Promise.all(made.map((r) => r.close()))
    for (const c of silent.clients) c.terminate()
    silent.close()
    await d.stop()
  })

  it('delivers errors as DBALError with the code, status and details of a local call', async () => {
    const local = new DBALClient({ adapter: new MemoryAdapter() })
    const there = new DBALClient({ executor: sys })
    for (const c of [local, there]) await c.users.create({ username: 'taken', email: 'taken@example.com' })
    const calls: [string, string, unknown][] = [
      ['User', 'read', { id: randomUUID() }],
      ['User', 'read', { id: 'not-a-uuid' }],
      ['User', 'create', { username: 'x', email: 'nope', extra: 1 }],
      ['User', 'create', { username: 'taken', email: 'other@example.com' }],
      ['User', 'updateMany', { filter: {}, data: { role: 'admin' } }],
      ['User', 'read', 'not an object'],
      ['User', 'frobnicate', {}],
      ['Nope', 'read', {}],
      ['LuaScript', 'create', { name: 'evil', code: "os.execute('x')" }],
    ]
    for (const [entity, op, input] of calls) {
      const failure = (p: Promise<unknown>) =>
        p.then(
          () => assert.fail(`${entity}.${op} succeeded`),
          (e: unknown) => (assert.ok(e instanceof DBALError), e.toJSON()),
        )
      const [l, r] = [
        await failure(local.execute(entity, op, input)),
        await failure(there.execute(entity, op, input)),
      ]
      assert.deepEqual(r, l, `${entity}.${op}`)
    }
  })

  it('times out a call that gets no reply (TIMEOUT) and keeps nothing pending', async () => {
    const r = remote({ url: silentUrl, requestTimeoutMs: 200 })
    const t0 = performance.now()
    const e = await rejects(r.execute('User', 'count', {}), 'TIMEOUT')
    const ms = performance.now() - t0
    assert.equal(e.status, 504)
    assert.ok(ms >= 190 && ms < 2000, `${ms} ms`)
  })

  it('close() rejects what is pending with DATABASE_ERROR, and every later call', async () => {
    const r = remote({ url: silentUrl, requestTimeoutMs: 10_000 })
    const pending = [r.execute('User', 'count', {}), r.execute('User', 'create', user('p'))].map((p) =>
      p.then(
        () => undefined,
        (e: unknown) => e,
      ),
    )
    await sleep(100)
    await r.close()
    for (const e of await Promise.all(pending))
      assert.deepEqual(DBALError.is(e) && [e.code, e.details?.reason], ['DATABASE_ERROR', 'client closed'])
    await rejects(r.execute('User', 'count', {}), 'DATABASE_ERROR')
  })

  it('fails with DATABASE_ERROR within its timeout when no daemon answers', async () => {
    const closed = new WebSocketServer({ port: 0, host: '127.0.0.1' })
    await new Promise((r) => closed.once('listening', r))
    const port = (closed.address() as AddressInfo).port
    closed.close()
    const r = remote({
      url: `ws://127.0.0.1:${port}`,
      requestTimeoutMs: 300,
      backoff: { initialMs: 20, maxMs: 100 },
    })
    const t0 = performance.now()
    assert.equal(
      (await rejects(r.execute('User', 'count', {}), 'DATABASE_ERROR')).details?.reason,
      `daemon unreachable at ws://127.0.0.1:${port}`,
    )
    assert.ok(performance.now() - t0 < 1500)
  })

  it('stops for good on a refused token (UNAUTHORIZED) instead of retrying', async () => {
    const r = remote({ token: 'not-a-token-anyone-issued-0123' })
    const before = d.daemon.metrics.rejectedConnections
    assert.equal((await rejects(r.execute('User', 'count', {}), 'UNAUTHORIZED')).status, 401)
    await sleep(400)
    await rejects(r.execute('User', 'count', {}), 'UNAUTHORIZED')
    assert.equal(d.daemon.metrics.rejectedConnections, before + 1)
  })

  it('refuses a request above the frame limit before sending it', async () => {
    const e = await rejects(
      sys.execute('User', 'create', { ...user('huge'), pad: 'x'.repeat(2 << 20) }),
      'VALIDATION_ERROR',
    )
    assert.equal(e.details?.limit, 1 << 20)
  })

  it('replays a write by its key, refuses the key with other params, runs a refused write again', async () => {
    const key = randomUUID()
    const a = (await sys.execute('User', 'create', user('eve'), { idempotencyKey: key })) as { id: string }
    const b = (await sys.execute('User', 'create', user('eve'), { idempotencyKey: key })) as { id: string }
    assert.equal(a.id, b.id)
    assert.equal(await sys.execute('User', 'count', { filter: { username: 'eve' } }), 1)
    assert.match(
      String(
        (await rejects(sys.execute('User', 'create', user('frank'), { idempotencyKey: key }), 'CONFLICT'))
          .details?.reason,
      ),
      /idempotency key/,
    )
    // A refusal is not recorded (it changed nothing): once the conflict is gone, the retry applies.
    const k2 = randomUUID()
    await rejects(sys.execute('User', 'create', user('eve'), { idempotencyKey: k2 }), 'CONFLICT')
    await sys.execute('User', 'delete', { id: a.id })
    const c = (await sys.execute('User', 'create', user('eve'), { idempotencyKey: k2 })) as { id: string }
    assert.equal(
      ((await sys.execute('User', 'create', user('eve'), { idempotencyKey: k2 })) as { id: string }).id,
      c.id,
    )
  })

  it('scopes keys per caller: the same key from another user is another write', async () => {
    const [u1, u2] = [
      (await sys.execute('User', 'create', user('kim'))) as { id: string },
      (await sys.execute('User', 'create', user('lee'))) as { id: string },
    ]
    const key = randomUUID()
    const r1 = (await sys
      .as({ ...u1, username: 'kim', role: 'user' })
      .execute('User', 'update', { id: u1.id, email: 'kim2@example.com' }, { idempotencyKey: key })) as {
      id: string
    }
    const r2 = (await sys
      .as({ ...u2, username: 'lee', role: 'user' })
      .execute('User', 'update', { id: u2.id, email: 'lee2@example.com' }, { idempotencyKey: key })) as {
      id: string
      email: string
    }
    assert.deepEqual([r1.id, r2.id, r2.email], [u1.id, u2.id, 'lee2@example.com'])
  })

  it('as(user) runs through a session of that user: the daemon, not the caller, knows the role', async () => {
    const u = (await sys.execute('User', 'create', user('liar'))) as { id: string; username: string }
    const claimed = sys.as({ id: u.id, username: u.username, role: 'supergod' })
    assert.deepEqual((await claimed.whoami()).actor, {
      kind: 'user',
      id: u.id,
      username: 'liar',
      role: 'user',
    })
    await rejects(claimed.execute('Package', 'list', {}), 'FORBIDDEN')
    assert.equal(((await claimed.execute('User', 'list', {})) as { total: number }).total, 1)
    const anon = sys.as('anonymous')
    assert.deepEqual((await anon.whoami()).actor, { kind: 'anonymous' })
    await rejects(anon.execute('User', 'create', user('signup', 'admin')), 'FORBIDDEN')
    assert.equal(((await anon.execute('User', 'create', user('signup'))) as { role: string }).role, 'user')
  })

  it('renews the session of as(user) when the daemon refuses it after a reconnect', async () => {
    const d2 = await testDaemon()
    const short = new RemoteExecutor({
      url: d2.url,
      token: d2.token,
      sessionTtlMs: 1000,
      backoff: { initialMs: 20, maxMs: 200 },
    })
    const u = (await short.execute('User', 'create', user('sleepy'))) as {
      id: string
      username: string
      role: string
    }
    const child = short.as(u)
    assert.equal((await child.whoami()).actor?.username, 'sleepy')
    await d2.daemon.close()
    await sleep(1100)
    // Same port, same database: the child's cached token has expired meanwhile.
    const again = await startDaemon({ ...d2.config, listen: { host: '127.0.0.1', port: d2.daemon.port } })
    try {
      assert.equal((await child.whoami()).actor?.username, 'sleepy')
      assert.equal(await short.execute('Session', 'count', {}), 1)
    } finally {
      await short.close()
      await again.close()
      await d2.stop()
    }
  })

  it('waits initial·2ⁿ (capped, 50–100 % jitter) between reconnection attempts', () => {
    const b = { initialMs: 100, maxMs: 5000 }
    for (let n = 0; n < 12; n++) {
      const cap = Math.min(b.maxMs, b.initialMs * 2 ** n)
      for (let i = 0; i < 20; i++) {
        const ms = backoffDelay(b, n)
        assert.ok(ms >= cap / 2 - 1 && ms <= cap, `attempt ${n}: ${ms}`)
      }
    }
  })
})
