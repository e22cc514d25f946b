/**
 * The bridge and a daemon that fails (issue 5, "fault tests"), with the daemon in a child process so it
 * can really be killed: a call in flight when it dies rejects with DATABASE_ERROR within its timeout; the
 * bridge reconnects by itself when the daemon is back; a create whose reply was lost, retried with its
 * idempotency key, creates one row; SIGTERM lets in-flight requests finish.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { RemoteExecutor } from '../adapters/remote/index.ts'
import { spawnDaemon, type ChildDaemon } from '../daemon/child.ts'
import { RawClient, sleep, tcpProxy } from './daemon-helpers.ts'
import { rejects } from './helpers.ts'

const user = (name: string) => ({ username: name, email: `${name}@example.com` })
const BACKOFF = { initialMs: 50, maxMs: 400 }

describe('the bridge when the daemon fails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dbal-faults-'))
  const db = { name: 'sqlite' as const, url: join(dir, 'faults.db') }
  let child: ChildDaemon
  let ex: RemoteExecutor
  const executors: RemoteExecutor[] = []
  const remote = (url: string) => {
    const e = new RemoteExecutor({ url, token: child.token, requestTimeoutMs: 5000, backoff: BACKOFF })
    executors.push(e)
    return e
  }

  before(async () => {
    child = await spawnDaemon({ backend: db, dir })
    ex = remote(child.url)
  })
  after(async () => {
    await Promise.all(executors.map((e) => e.close()))
    await child.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('rejects a call in flight with DATABASE_ERROR within its timeout when the daemon is killed', async () => {
    await ex.execute('User', 'create', user('alice'))
    child.process.kill('SIGSTOP')
    const t0 = performance.now()
    const pending = ex.execute('User', 'count', {})
    await sleep(100)
    const killed = performance.now()
    child.process.kill('SIGKILL')
    const e = await rejects(pending, 'DATABASE_ERROR')
    const ms = performance.now() - t0
    assert.equal(e.status, 503)
    assert.equal(e.details?.reason, 'connection lost')
    assert.ok(ms < 5000, `rejected after ${ms} ms`)
    process.stdout.write(
      `# killed mid-request: rejected ${Math.round(performance.now() - killed)} ms after SIGKILL (timeout 5000)\n`,
    )
  })

  it('reconnects by itself once the daemon is back, with the data intact', async () => {
    assert.equal(ex.connected, false)
    const token = child.token
    child = await spawnDaemon({ backend: db, dir, port: child.port, token })
    const t0 = performance.now()
    while (!ex.connected && performance.now() - t0 < 10_000) await sleep(5)
    assert.ok(ex.connected, 'the bridge did not reconnect without being called')
    process.stdout.write(
      `# reconnected ${Math.round(performance.now() - t0)} ms after the daemon was ready (backoff ${BACKOFF.initialMs}-${BACKOFF.maxMs} ms)\n`,
    )
    assert.equal(await ex.execute('User', 'count', {}), 1)
  })

  it('applies a create at most once when its reply is lost and it is retried with its key', async () => {
    const proxy = await tcpProxy(child.port)
    try {
      const via = remote(`ws://127.0.0.1:${proxy.port}`)
      await via.execute('User', 'count', {})
      proxy.dropReplies = true
      const lost = via.execute('User', 'create', user('carol'))
      // The daemon commits the write; its reply goes nowhere; then the connection drops.
      const carols = async () =>
        (await ex.execute('User', 'count', { filter: { username: 'carol' } })) as number
      for (let i = 0; i < 200 && (await carols()) === 0; i++) await sleep(25)
      assert.equal(await carols(), 1)
      proxy.cut()
      const e = await rejects(lost, 'DATABASE_ERROR')
      const key = e.details?.idempotencyKey
      assert.equal(typeof key, 'string')
      proxy.dropReplies = false
      const first = (await via.execute('User', 'create', user('carol'), {
        idempotencyKey: key as string,
      })) as { id: string }
      const second = (await via.execute('User', 'create', user('carol'), {
        idempotencyKey: key as string,
      })) as { id: string }
      assert.equal(first.id, second.id)
      assert.equal(await carols(), 1)
      // The same write under a new key is a new write, which the unique username refuses.
      await rejects(via.execute('User', 'create', user('carol')), 'CONFLICT')
    } finally {
      await proxy.close()
    }
  })

  it('finishes in-flight requests on SIGTERM, closes connections with 1001 and exits 0', async () => {
    const c = await RawClient.open(child.url, child.token)
    await c.call('users.create', user('dave'))
    const replies = new Promise<unknown[]>((resolve) => {
      const got: unknown[] = []
      c.ws.on('message', (m: Buffer) => got.push(JSON.parse(m.toString())) === 8 && resolve(got))
    })
    for (let i = 0; i < 8; i++)
      c.ws.send(
        JSON.stringify({
          jsonrpc: '2.0',
          id: 100 + i,
          method: 'credentials.set',
          params: { username: 'dave', password: `secret-${i}` },
        }),
      )
    const metrics = async () =>
      Number(
        /^dbal_requests_in_flight (\d+)/m.exec(await (await fetch(`${child.httpUrl}/metrics`)).text())?.[1],
      )
    for (let i = 0; i < 400 && (await metrics()) === 0; i++) await sleep(5)
    child.process.kill('SIGTERM')
    const got = (await replies) as { id: number; result?: unknown; error?: unknown }[]
    assert.deepEqual(
      got.map((r) => [r.id, r.result]).sort(),
      Array.from({ length: 8 }, (_, i) => [100 + i, true]),
    )
    assert.equal((await c.closed).code, 1001)
    assert.equal(await child.exited, 0)
  })

  it('goes away with the harness that started it, even one killed without a word', async () => {
    const childTs = fileURLToPath(new URL('../daemon/child.ts', import.meta.url))
    const script = `const { spawnDaemon } = await import(${JSON.stringify(childTs)}); const d = await spawnDaemon({ backend: { name: 'memory' }, dir: ${JSON.stringify(dir)} }); console.log(d.process.pid); setInterval(() => {}, 1000)`
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const pid = Number(
      await new Promise<string>((resolve) =>
        parent.stdout!.once('data', (b: Buffer) => resolve(b.toString())),
      ),
    )
    const alive = () => {
      try {
        process.kill(pid, 0)
        return true
      } catch {
        return false
      }
    }
    assert.ok(alive())
    parent.kill('SIGKILL')
    for (let i = 0; i < 200 && alive(); i++) await sleep(25)
    assert.equal(alive(), false, `daemon ${pid} outlived its parent`)
  })
})
