/**
 * Transactions over the bridge (PROTOCOL.md §11) against in-process daemons on a real SQLite file and a
 * real PostgreSQL database: a connection cut mid-transaction and a transaction past its timeout leave no
 * row behind and release the lock (another connection is served, meanwhile on PostgreSQL, right after on
 * SQLite); `tx.batch` is all or nothing; an id is refused on any connection but its own; idempotency keys
 * inside a transaction live and die with it; an unreachable daemon fails after the connect timeout.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { WebSocketServer } from 'ws'
import { RemoteExecutor } from '../adapters/remote/index.ts'
import { DBALClient } from '../core/client.ts'
import { provisionPostgres, type ProvisionedDatabase } from '../harness/provision/postgres.ts'
import { RawClient, sleep, tcpProxy, testDaemon, type TestDaemon } from './daemon-helpers.ts'
import { rejects } from './helpers.ts'

const user = (name: string) => ({ username: name, email: `${name}@example.com` })

for (const backend of ['sqlite', 'postgres'] as const) {
  describe(`remote transactions (${backend} daemon)`, () => {
    let d: TestDaemon
    let pgDb: ProvisionedDatabase | undefined
    const made: RemoteExecutor[] = []
    const client = (url = d.url) => {
      const r = new RemoteExecutor({ url, token: d.token, backoff: { initialMs: 20, maxMs: 50 } })
      made.push(r)
      return new DBALClient({ executor: r })
    }
    let other: DBALClient

    before(async () => {
      // Far above the tests' own timeouts: what ends a transaction here is the drop, not its clock.
      const limits = { max_transaction_ms: 60_000, transaction_wait_ms: 3000 }
      if (backend === 'postgres') {
        const p = await provisionPostgres('txremote', randomUUID().slice(0, 8))
        if ('notRun' in p) throw new Error(p.notRun)
        pgDb = p
        d = await testDaemon({ backend: { name: 'postgres', url: p.url }, limits })
      } else d = await testDaemon({ limits })
      other = client()
    })
    after(async () => {
      await Promise.all(made.map((r) => r.close()))
      await d.stop()
      await pgDb?.drop()
    })
    const reset = () => (other.executor as RemoteExecutor).reset()

    const quick = { timeout: 15_000 }
    it(
      'rolls back a transaction whose connection drops, and serves another connection meanwhile',
      quick,
      async () => {
        await reset()
        const proxy = await tcpProxy(d.daemon.port)
        const db = client(`ws://127.0.0.1:${proxy.port}`)
        let served: Promise<number> | undefined
        const outcome = db.transaction(async (tx) => {
          await tx.users.create(user('alice'))
          await tx.users.create(user('bob'))
          assert.equal(await tx.users.count(), 2)
          // Another connection while this one holds the transaction: it never sees uncommitted rows.
          served = other.users.count()
          if (backend === 'postgres') assert.equal(await served, 0)
          proxy.cut()
          await sleep(100)
          await tx.users.create(user('carol'))
        })
        const e = await rejects(outcome, 'DATABASE_ERROR')
        assert.match(String(e.details?.reason), /connection lost/)
        assert.equal(await served, 0)
        // The daemon rolled back and let go of the lock: rows by count, then a transaction of another connection.
        assert.equal(await other.users.count(), 0)
        await other.transaction(async (tx) => void (await tx.users.create(user('dave'))))
        assert.deepEqual(
          (await other.users.list()).data.map((u) => u.username),
          ['dave'],
        )
        await proxy.close()
      },
    )

    it('rolls back a transaction past its timeout and refuses its later calls with TIMEOUT', async () => {
      await reset()
      const raw = await RawClient.open(d.url, d.token)
      try {
        const begun = await raw.call('tx.begin', { timeoutMs: 200 })
        const id = (begun.result as { transaction: string }).transaction
        const made = await raw.call('users.create', user('alice'), { transaction: id })
        assert.equal(made.error, undefined)
        await sleep(500)
        const late = await raw.call('users.create', user('bob'), { transaction: id })
        assert.equal(late.error?.data.code, 'TIMEOUT')
        assert.match(String(late.error?.data.details?.reason), /transaction timeout/)
        assert.equal((await raw.call('tx.commit', { transaction: id })).error?.data.code, 'TIMEOUT')
        assert.equal(await other.users.count(), 0)
        await other.transaction(async (tx) => void (await tx.users.create(user('carol'))))
        assert.equal(await other.users.count(), 1)
      } finally {
        raw.close()
      }
    })

    it('refuses a timeout above the configured maximum', async () => {
      const raw = await RawClient.open(d.url, d.token)
      try {
        const r = await raw.call('tx.begin', { timeoutMs: 60_001 })
        assert.equal(r.error?.data.code, 'VALIDATION_ERROR')
        assert.deepEqual(r.error?.data.details?.fields, [
          { field: 'timeoutMs', error: 'must be an integer from 1 to 60000' },
        ])
      } finally {
        raw.close()
      }
    })

    it('applies a tx.batch all or nothing, naming the call that failed', async () => {
      await reset()
      const raw = await RawClient.open(d.url, d.token)
      try {
        const calls = [
          { method: 'users.create', params: user('alice') },
          { method: 'users.create', params: user('bob') },
          { method: 'users.create', params: { ...user('alice'), email: 'other@example.com' } },
        ]
        const failed = await raw.call('tx.batch', { calls })
        assert.equal(failed.error?.data.code, 'CONFLICT')
        assert.equal(failed.error?.data.details?.call, 2)
        assert.equal(await other.users.count(), 0)
        const ok = await raw.call('tx.batch', { calls: [...calls.slice(0, 2), { method: 'users.count' }] })
        assert.equal((ok.result as unknown[])[2], 2)
        assert.equal(await other.users.count(), 2)
      } finally {
        raw.close()
      }
    })

    it('refuses a transaction id on any connection but its own, and that one still commits', async () => {
      await reset()
      const a = await RawClient.open(d.url, d.token)
      const b = await RawClient.open(d.url, d.token)
      try {
        const id = ((await a.call('tx.begin', {})).result as { transaction: string }).transaction
        assert.equal((await a.call('users.create', user('alice'), { transaction: id })).error, undefined)
        const stolen = await b.call('users.create', user('mallory'), { transaction: id })
        assert.equal(stolen.error?.data.code, 'VALIDATION_ERROR')
        assert.equal(stolen.error?.data.details?.field, 'transaction')
        assert.equal((await b.call('tx.rollback', { transaction: id })).error?.data.code, 'VALIDATION_ERROR')
        assert.equal((await a.call('tx.commit', { transaction: id })).result, true)
        assert.deepEqual(
          (await other.users.list()).data.map((u) => u.username),
          ['alice'],
        )
      } finally {
        a.close()
        b.close()
      }
    })

    it('keeps an idempotency key inside a transaction with the transaction', async () => {
      await reset()
      const raw = await RawClient.open(d.url, d.token)
      try {
        const key = { idempotencyKey: `k-${randomUUID()}` }
        const id = ((await raw.call('tx.begin', {})).result as { transaction: string }).transaction
        const first = await raw.call('users.create', user('alice'), { transaction: id, ...key })
        const again = await raw.call('users.create', user('alice'), { transaction: id, ...key })
        assert.deepEqual(again.result, first.result)
        await raw.call('tx.rollback', { transaction: id })
        assert.equal(await other.users.count(), 0)
        // Rolled back with its write: the key is free again, and runs.
        const after = await raw.call('users.create', user('alice'), key)
        assert.equal((after.result as { username: string }).username, 'alice')
        assert.notEqual((after.result as { id: string }).id, (first.result as { id: string }).id)
      } finally {
        raw.close()
      }
    })
  })
}

describe('an unreachable daemon', () => {
  it(
    'fails after the connect timeout, not the call timeout, naming the URL and no token',
    { timeout: 10_000 },
    async () => {
      const gone = new WebSocketServer({ port: 0, host: '127.0.0.1' })
      await new Promise((r) => gone.once('listening', r))
      const port = (gone.address() as AddressInfo).port
      gone.close()
      const token = `svc-${randomUUID()}`
      const r = new RemoteExecutor({
        url: `ws://127.0.0.1:${port}`,
        token,
        connectTimeoutMs: 300,
        requestTimeoutMs: 60_000,
      })
      try {
        const e = await rejects(r.execute('User', 'count', {}), 'DATABASE_ERROR')
        assert.equal(e.details?.reason, `daemon unreachable at ws://127.0.0.1:${port}`)
        assert.equal(e.details?.limit, 300)
        assert.ok(!JSON.stringify(e.toJSON()).includes(token))
      } finally {
        await r.close()
      }
    },
  )
})
