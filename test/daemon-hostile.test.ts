/**
 * The daemon against clients that misbehave (issue 5, "hostile input"): no token, expired tokens, roles
 * claimed in messages, oversized frames, invalid JSON, unknown methods, a flood, a client that stops
 * reading. Every frame any client receives is kept and scanned at the end for SQL, stack traces, the
 * database location and tokens.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { spawnDaemon } from '../daemon/child.ts'
import { PROTOCOL_VERSION } from '../daemon/protocol.ts'
import { assertNoLeaks, RawClient, sleep, testDaemon, type TestDaemon } from './daemon-helpers.ts'

describe('the daemon under hostile input', () => {
  let d: TestDaemon
  const clients: RawClient[] = []
  /** Session tokens: the system caller is the only one that may see them (sessions.create's reply). */
  const sessionTokens: string[] = []
  const open = async (token?: string) => {
    const c = await RawClient.open(d.url, token)
    clients.push(c)
    return c
  }
  let service: RawClient
  /** A user with a live session; returns the token. */
  const userSession = async (username: string, role = 'user', expiresAt = '2099-01-01T00:00:00.000Z') => {
    const u = await service.call('users.create', { username, email: `${username}@example.com`, role })
    assert.ok(u.result, JSON.stringify(u.error))
    const token = `tok-${randomBytes(16).toString('hex')}`
    sessionTokens.push(token)
    const s = await service.call('sessions.create', {
      userId: (u.result as { id: string }).id,
      token,
      expiresAt,
    })
    assert.ok(s.result, JSON.stringify(s.error))
    return token
  }

  before(async () => {
    d = await testDaemon({
      limits: {
        rate_per_connection: 1000,
        rate_per_ip: 1_000_000,
        max_in_flight: 16,
        max_buffered_bytes: 65_536,
        heartbeat_ms: 60_000,
      },
    })
    service = await open(d.token)
  })
  after(async () => {
    for (const c of clients) c.close()
    const t0 = Date.now()
    await d.stop()
    process.stdout.write(`# stop took ${Date.now() - t0} ms\n`)
  })

  it('serves only auth.* and credentials.verify until a connection authenticates', async () => {
    await userSession('pat')
    assert.equal(
      (await service.call('credentials.set', { username: 'pat', password: 'correct horse' })).result,
      true,
    )
    const c = await open()
    const denied = await c.call('users.list', {})
    assert.equal(denied.error?.code, -32000)
    assert.deepEqual([denied.error?.data.code, denied.error?.data.status], ['UNAUTHORIZED', 401])
    assert.equal((await c.call('test.reset', {})).error?.data.code, 'UNAUTHORIZED')
    assert.equal((await c.call('dbal.capabilities')).error?.data.code, 'UNAUTHORIZED')
    assert.equal(
      (await c.call('credentials.verify', { username: 'pat', password: 'correct horse' })).result,
      true,
    )
    assert.equal(
      (await c.call('credentials.verify', { username: 'pat', password: 'wrong' })).error?.data.code,
      'UNAUTHORIZED',
    )
    assert.deepEqual((await c.call('auth.whoami')).result, {
      protocol: PROTOCOL_VERSION,
      authenticated: false,
      actor: null,
    })
  })

  it('refuses an expired or unknown session token at the upgrade and in auth.login', async () => {
    const expired = await userSession('old', 'user', '2001-01-01T00:00:00.000Z')
    for (const token of [expired, 'tok-never-issued-0123456789', d.token.slice(0, -1)]) {
      await assert.rejects(RawClient.open(d.url, token), (e: { status?: number }) => e.status === 401)
    }
    const c = await open()
    const r = await c.call('auth.login', { token: expired })
    assert.deepEqual([r.error?.data.code, r.error?.data.status], ['UNAUTHORIZED', 401])
    assert.equal((await c.call('users.list', {})).error?.data.code, 'UNAUTHORIZED')
    const live = await userSession('fresh')
    assert.equal(
      ((await c.call('auth.login', { token: live })).result as { actor: { username: string } }).actor
        .username,
      'fresh',
    )
  })

  it('ignores a role claimed in the params or beside them: only the token decides', async () => {
    await userSession('boss1', 'supergod')
    const c = await open(await userSession('mallory'))
    const claim = { role: 'supergod', actor: { kind: 'user', role: 'supergod' }, auth: { role: 'supergod' } }
    assert.equal((await c.call('packages.list', {}, claim)).error?.data.code, 'FORBIDDEN')
    const users = (await c.call('users.list', {}, claim)).result as {
      total: number
      data: { username: string }[]
    }
    assert.deepEqual([users.total, users.data[0]?.username], [1, 'mallory'])
    assert.equal((await c.call('users.list', { role: 'supergod' })).error?.data.code, 'VALIDATION_ERROR')
    const me = users.data[0] as unknown as { id: string }
    assert.equal(
      (await c.call('users.update', { id: me.id, role: 'supergod' })).error?.data.code,
      'FORBIDDEN',
    )
    assert.equal(
      (await c.call('auth.login', { token: 'x'.repeat(20), role: 'supergod' })).error?.data.code,
      'VALIDATION_ERROR',
    )
    assert.equal(((await c.call('auth.whoami')).result as { actor: { role: string } }).actor.role, 'user')
    assert.equal((await c.call('test.reset', {})).error?.data.code, 'FORBIDDEN')
  })

  it('answers a 2 MiB frame with an error and keeps the connection', async () => {
    const c = await open(d.token)
    const big = JSON.stringify({
      jsonrpc: '2.0',
      id: 7,
      method: 'users.create',
      params: { username: 'big', email: 'big@example.com', pad: 'x'.repeat(2 << 20) },
    })
    const r = (await c.sendRaw(big)) as {
      id: unknown
      error: { code: number; data: { code: string; details: { reason: string; limit: number } } }
    }
    assert.deepEqual(
      [r.id, r.error.code, r.error.data.code, r.error.data.details.reason, r.error.data.details.limit],
      [null, -32600, 'VALIDATION_ERROR', 'frame too large', 1 << 20],
    )
    assert.equal((await c.call('auth.whoami')).error, undefined)
  })

  it('closes only the connection that sends a frame beyond four times the limit (1009)', async () => {
    const c = await open(d.token)
    c.ws.send('x'.repeat(5 << 20))
    assert.equal((await c.closed).code, 1009)
    assert.equal((await service.call('auth.whoami')).error, undefined)
    assert.equal((await fetch(`${d.httpUrl}/health`)).status, 200)
  })

  it('answers malformed messages with JSON-RPC errors and nothing else', async () => {
    const c = await open(d.token)
    const err = async (raw: string | Buffer, binary = false) =>
      (await c.sendRaw(raw, binary)) as { id: unknown; error: { code: number; data: { code: string } } }
    assert.deepEqual(await err('{"jsonrpc":"2.0",').then((r) => [r.id, r.error.code]), [null, -32700])
    assert.deepEqual(await err('42').then((r) => [r.id, r.error.code]), [null, -32600])
    assert.deepEqual(
      await err(Buffer.from('{"jsonrpc":"2.0","id":1,"method":"auth.whoami"}'), true).then(
        (r) => r.error.code,
      ),
      -32600,
    )
    assert.deepEqual(
      await err('{"jsonrpc":"1.0","id":"a","method":"auth.whoami"}').then((r) => [r.id, r.error.code]),
      ['a', -32600],
    )
    assert.deepEqual(
      await err('{"jsonrpc":"2.0","id":{"x":1},"method":"auth.whoami"}').then((r) => [r.id, r.error.code]),
      [null, -32600],
    )
    assert.deepEqual(
      await err('{"jsonrpc":"2.0","id":2,"method":"users.drop","params":{}}').then((r) => [
        r.error.code,
        r.error.data.code,
      ]),
      [-32601, 'VALIDATION_ERROR'],
    )
    assert.deepEqual(
      await err('{"jsonrpc":"2.0","id":3,"method":"users.read","params":[1]}').then((r) => [
        r.error.code,
        r.error.data.code,
      ]),
      [-32000, 'VALIDATION_ERROR'],
    )
    assert.deepEqual(
      await err('{"jsonrpc":"2.0","id":4,"method":"users.create","params":{},"idempotencyKey":""}').then(
        (r) => r.error.code,
      ),
      -32600,
    )
    assert.equal((await err('[]')).error.code, -32600)
    const tooMany = JSON.stringify(
      Array.from({ length: 101 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'auth.whoami' })),
    )
    assert.equal((await err(tooMany)).error.code, -32600)
    // A batch: replies in order, none for the notification, an error in place of the bad member.
    const batch = (await c.sendRaw(
      JSON.stringify([
        { jsonrpc: '2.0', id: 'a', method: 'auth.whoami' },
        { jsonrpc: '2.0', method: 'auth.whoami' },
        { nope: 1 },
        { jsonrpc: '2.0', id: 'b', method: 'users.count', params: {} },
      ]),
    )) as { id: unknown; error?: unknown }[]
    assert.deepEqual(
      batch.map((r) => [r.id, r.error === undefined]),
      [
        ['a', true],
        [null, false],
        ['b', true],
      ],
    )
    assert.equal((await c.call('auth.whoami')).error, undefined)
  })

  it('rate-limits a flood of 10,000 requests while /health keeps answering (daemon in a child process)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dbal-flood-'))
    const child = await spawnDaemon({
      dir,
      backend: { name: 'sqlite', url: join(dir, 'flood.db') },
      config: { limits: { rate_per_connection: 1000, max_in_flight: 16 } },
    })
    try {
      // An untrusted caller: a service token's connection has limits of its own (daemon-limits.test.ts).
      const c = await RawClient.open(child.url)
      assert.equal((await c.call('auth.login', { anonymous: true })).error, undefined)
      const replies: { error?: { data: { code: string; details?: { retryAfter?: number } } } }[] = []
      const done = new Promise<void>((resolve) =>
        c.ws.on('message', (m: Buffer) => {
          replies.push(JSON.parse(m.toString()))
          if (replies.length === 10_000) resolve()
        }),
      )
      const t0 = performance.now()
      for (let i = 0; i < 10_000; i++)
        c.ws.send(JSON.stringify({ jsonrpc: '2.0', id: i, method: 'pages.count', params: {} }))
      const h0 = performance.now()
      const health = await fetch(`${child.httpUrl}/health`)
      const healthMs = performance.now() - h0
      await done
      const ms = performance.now() - t0
      const limited = replies.filter((r) => r.error?.data.code === 'RATE_LIMIT_EXCEEDED')
      const ok = replies.filter((r) => !r.error)
      assert.equal(health.status, 200)
      assert.ok(healthMs < 10_000, `/health took ${healthMs} ms during the flood`)
      assert.ok(limited.length > 5000 && ok.length >= 16, `ok ${ok.length}, limited ${limited.length}`)
      assert.equal(ok.length + limited.length, 10_000)
      assert.ok(limited.every((r) => (r.error!.data.details?.retryAfter ?? 0) >= 1))
      process.stdout.write(
        `# flood: ${ok.length} served, ${limited.length} limited, all 10000 answered in ${Math.round(ms)} ms; /health ${Math.round(healthMs)} ms\n`,
      )
      assertNoLeaks(c.frames.concat(replies.map((r) => JSON.stringify(r))), [child.token])
      c.close()
      assert.equal((await fetch(`${child.httpUrl}/health`)).status, 200)
      assert.equal(child.process.exitCode, null, 'the daemon died')
    } finally {
      await child.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('drops a client that stops reading instead of buffering for it', async () => {
    const c = await open(d.token)
    const before = d.daemon.metrics.connections
    ;(c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause()
    const batch = JSON.stringify(
      Array.from({ length: 100 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'dbal.capabilities' })),
    )
    for (let i = 0; i < 400 && d.daemon.metrics.connections === before; i++) {
      c.ws.send(batch)
      await sleep(5)
    }
    for (let i = 0; i < 200 && d.daemon.metrics.connections === before; i++) await sleep(25)
    assert.equal(d.daemon.metrics.connections, before - 1, 'the daemon still holds the stalled connection')
    assert.equal((await fetch(`${d.httpUrl}/health`)).status, 200)
    assert.equal((await service.call('auth.whoami')).error, undefined)
  })

  it('closes a connection after five failed logins', async () => {
    const c = await open()
    for (let i = 0; i < 5; i++)
      assert.equal(
        (await c.call('auth.login', { token: `guess-${i}-0123456789abcdef` })).error?.data.code,
        'UNAUTHORIZED',
      )
    assert.equal((await c.closed).code, 1008)
  })

  it('never puts SQL, a stack trace, the database location or a token in a reply', () => {
    const all = clients.flatMap((c) => c.frames)
    assert.ok(all.length > 30, `only ${all.length} frames`)
    assertNoLeaks(all, [d.token, d.dbPath])
    assertNoLeaks(
      clients.filter((c) => c !== service).flatMap((c) => c.frames),
      sessionTokens,
    )
  })
})
