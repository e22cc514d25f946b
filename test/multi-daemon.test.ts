/**
 * Scale-out (CONTRACT §8: no state that matters in memory, so several daemons behind a load balancer
 * behave as one; issue 16 "load"): three daemons in child processes on ONE PostgreSQL database of this
 * test's own, reached through a RoundRobinExecutor. The whole conformance suite passes through them; the
 * lockout (§7/§4: 5 failed verifies per username per 300 s, counted in the database) is shared; a create
 * whose reply is lost on one daemon and retried on another with the same key is applied once.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { RemoteExecutor, RoundRobinExecutor } from '../adapters/remote/index.ts'
import { spawnDaemon, type ChildDaemon } from '../daemon/child.ts'
import { HARNESS_CONFIG } from '../harness/backends/remote.ts'
import { runBackend } from '../harness/conformance.ts'
import { tcpProxy } from './daemon-helpers.ts'
import { rejects } from './helpers.ts'
import { roundRobinBackend } from './round-robin-backend.ts'
import { scratchDatabase, skipPostgres, type TestDatabase } from './servers.ts'

const DAEMONS = 3
const user = (name: string) => ({ username: name, email: `${name}@example.com` })
const note = (s: string) => process.stdout.write(`# ${s}\n`)
/** How many users.create a daemon has answered with a result. */
const createsOk = async (d: ChildDaemon) =>
  Number(
    /^dbal_requests_total\{method="users\.create",status="ok"\} (\d+)$/m.exec(
      await (await fetch(`${d.httpUrl}/metrics`)).text(),
    )?.[1] ?? 0,
  )

describe('three daemons on one PostgreSQL behind a round-robin client', { skip: skipPostgres }, () => {
  let db: TestDatabase
  const daemons: ChildDaemon[] = []
  const token = randomBytes(32).toString('base64url')
  const open: RemoteExecutor[] = []
  const remote = (url: string) => {
    const e = new RemoteExecutor({ url, token, requestTimeoutMs: 10_000, connectTimeoutMs: 15_000 })
    open.push(e)
    return e
  }

  before(async () => {
    const made = await scratchDatabase('postgres', `t${process.pid}`, 'multidaemon')
    if ('notRun' in made) assert.fail(`no PostgreSQL database: ${made.notRun}`)
    db = made
    const start = () =>
      spawnDaemon({ backend: { name: 'postgres', url: db.url }, token, config: HARNESS_CONFIG })
    // The first one migrates the empty database; the others then find it migrated (no racing DDL).
    daemons.push(await start())
    daemons.push(...(await Promise.all(Array.from({ length: DAEMONS - 1 }, start))))
  })
  after(async () => {
    await Promise.all(open.map((e) => e.close()))
    await Promise.all(daemons.map((d) => d.stop()))
    for (const d of daemons) d.remove()
    await db?.drop()
  })

  it('passes the whole conformance suite through the round-robin', async () => {
    const t0 = performance.now()
    const r = await runBackend(
      roundRobinBackend(
        'remote-round-robin',
        daemons.map((d) => d.url),
        token,
      ),
    )
    const failed = r.failures.map((f) =>
      `${f.file} / ${f.case} step ${f.step}: ${f.reason ?? JSON.stringify(f.actual)}`.slice(0, 300),
    )
    assert.equal(r.ran, true, r.reason)
    assert.deepEqual(failed, [])
    assert.equal(r.tally.failed, 0)
    assert.ok(r.tally.passed > 0)
    note(
      `suite through ${DAEMONS} daemons: ${r.tally.passed} steps passed, ${r.tally.skipped} skipped, ` +
        `${r.files.length} vector files, ${Math.round(performance.now() - t0)} ms`,
    )
    // Every daemon served a share of the suite: the round-robin really spread it.
    for (const d of daemons) {
      const text = await (await fetch(`${d.httpUrl}/metrics`)).text()
      const served = [...text.matchAll(/^dbal_requests_total\{[^}]*\} (\d+)$/gm)].reduce(
        (n, m) => n + Number(m[1]),
        0,
      )
      assert.ok(served > 100, `daemon ${d.url} served ${served} requests`)
    }
  })

  it('shares the lockout: five failures spread over the daemons lock the username on every one', async () => {
    const ex = daemons.map((d) => remote(d.url))
    await ex[0]!.execute('User', 'create', user('lockme'))
    await ex[1]!.execute('Credential', 'set', { username: 'lockme', password: 'right-password' })
    assert.equal(
      await ex[2]!.execute('Credential', 'verify', { username: 'lockme', password: 'right-password' }),
      true,
    )
    for (let i = 0; i < 5; i++)
      await rejects(
        ex[i % DAEMONS]!.execute('Credential', 'verify', { username: 'lockme', password: `wrong-${i}` }),
        'UNAUTHORIZED',
      )
    // No daemon saw more than two of the five: only a counter in the database can lock now.
    for (const e of ex) {
      const err = await rejects(
        e.execute('Credential', 'verify', { username: 'lockme', password: 'right-password' }),
        'RATE_LIMIT_EXCEEDED',
      )
      assert.equal(typeof err.details?.retryAfter, 'number')
    }
    // Another username is not locked by it.
    await ex[0]!.execute('User', 'create', user('other'))
    await ex[1]!.execute('Credential', 'set', { username: 'other', password: 'other-password' })
    assert.equal(
      await ex[2]!.execute('Credential', 'verify', { username: 'other', password: 'other-password' }),
      true,
    )
  })

  it('replays on daemon B a create whose reply was lost on daemon A, with the same key, once', async () => {
    const proxy = await tcpProxy(daemons[0]!.port)
    try {
      const viaA = remote(`ws://127.0.0.1:${proxy.port}`)
      const [b, c] = [remote(daemons[1]!.url), remote(daemons[2]!.url)]
      await viaA.execute('User', 'count', {})
      const rr = new RoundRobinExecutor([viaA, b, c])
      const erins = async () =>
        (await c.execute('User', 'list', { filter: { username: 'erin' } })) as { data: { id: string }[] }
      const bBefore = await createsOk(daemons[1]!)
      proxy.dropReplies = true
      // The first call of a new round-robin goes to its first member: daemon A, through the proxy.
      const pending = rr.execute('User', 'create', user('erin'))
      for (let i = 0; i < 200 && (await erins()).data.length === 0; i++)
        await new Promise((r) => setTimeout(r, 25))
      const [stored] = (await erins()).data
      assert.ok(stored, 'daemon A did not apply the create')
      // A's reply never arrives; its connection drops: the round-robin retries on B with the same key.
      proxy.cut()
      proxy.dropReplies = false
      const row = (await pending) as { id: string }
      assert.equal(row.id, stored.id)
      assert.equal((await erins()).data.length, 1)
      // B answered it, by replaying A's record (applying it again would have been CONFLICT on the username).
      assert.equal(await createsOk(daemons[1]!), bBefore + 1)
      // The same write under a new key is a new write, which the unique username refuses.
      await rejects(rr.execute('User', 'create', user('erin')), 'CONFLICT')
    } finally {
      await proxy.close()
    }
  })

  it('replays on any daemon a write retried by hand with its key', async () => {
    const [a, b, c] = daemons.map((d) => remote(d.url)) as [RemoteExecutor, RemoteExecutor, RemoteExecutor]
    const key = `manual-${randomBytes(8).toString('hex')}`
    const first = (await a.execute('User', 'create', user('frank'), { idempotencyKey: key })) as {
      id: string
    }
    const again = (await b.execute('User', 'create', user('frank'), { idempotencyKey: key })) as {
      id: string
    }
    const third = (await c.execute('User', 'create', user('frank'), { idempotencyKey: key })) as {
      id: string
    }
    assert.equal(again.id, first.id)
    assert.equal(third.id, first.id)
    assert.equal(await c.execute('User', 'count', { filter: { username: 'frank' } }), 1)
    // The key with other params is refused, on another daemon too (the record's fingerprint).
    await rejects(b.execute('User', 'create', user('frank2'), { idempotencyKey: key }), 'CONFLICT')
  })
})
