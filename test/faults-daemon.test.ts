/**
 * The daemon under faults while several RemoteExecutor clients write (issue 16), beyond
 * daemon-faults.test.ts's single calls: the daemon SIGKILLed mid-burst and started again on its port;
 * the network between clients and daemon delayed, partitioned (replies lost, then everything), cut and
 * healed, through test/fault-proxy.ts; a PostgreSQL-backed daemon whose database connections are all
 * ended with pg_terminate_backend, again and again, while it serves (the shared server itself is never
 * restarted: other runs use it). After each: every acknowledged write is in the database once, every
 * write whose outcome was unknown (DATABASE_ERROR / TIMEOUT with its idempotency key, CONTRACT §8) is
 * there exactly once after a retry with that key, and the service answered again by itself. Each write
 * is a component whose componentType is its tag: nothing unique in it, so a write applied twice shows.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import Database from 'better-sqlite3'
import pg from 'pg'
import { RemoteExecutor } from '../adapters/remote/index.ts'
import { spawnDaemon, type ChildDaemon } from '../daemon/child.ts'
import { sleep } from './daemon-helpers.ts'
import { FaultLedger, report, type Figure } from './fault-ledger.ts'
import { faultProxy } from './fault-proxy.ts'
import { scratchDatabase, skipPostgres, type TestDatabase } from './servers.ts'

const BACKOFF = { initialMs: 50, maxMs: 400 }
const COUNT_SQL = 'SELECT component_type AS t, count(*) AS n FROM component_hierarchy GROUP BY component_type'

/** Writers on several executors, booking every write in one ledger, until `stop` is set. */
class Load {
  readonly params = new Map<string, Record<string, unknown>>()
  stop = false
  private readonly loops: Promise<void>[]

  constructor(
    readonly ledger: FaultLedger,
    readonly clients: readonly RemoteExecutor[],
    readonly pageId: string,
    prefix: string,
  ) {
    this.loops = clients.map(async (ex, c) => {
      for (let n = 0; !this.stop; n++) {
        const tag = `${prefix}${c}-${n}`
        const input = { pageId, componentType: tag, order: n }
        this.params.set(tag, input)
        const outcome = await ledger.track(tag, () => ex.execute('ComponentHierarchy', 'create', input))
        // Not a hot loop while the daemon is away.
        if (outcome !== 'acknowledged') await sleep(20)
      }
    })
  }

  /** Waits until `n` more writes are acknowledged (or `ms` passed). */
  async acks(n: number, ms = 20_000): Promise<void> {
    const goal = this.ledger.acknowledged + n
    const t0 = performance.now()
    while (this.ledger.acknowledged < goal && performance.now() - t0 < ms) await sleep(10)
    assert.ok(this.ledger.acknowledged >= goal, `only ${this.ledger.acknowledged} of ${goal} writes answered`)
  }

  async end(): Promise<void> {
    this.stop = true
    await Promise.all(this.loops)
  }

  /** Every unknown write again, with its own key and its own params (the key is bound to both). */
  retryUnknown(via: RemoteExecutor, counts: () => Promise<Map<string, number>>): Promise<void> {
    return this.ledger.retryUnknown(
      (tag, key) =>
        via.execute('ComponentHierarchy', 'create', this.params.get(tag), { idempotencyKey: key }),
      counts,
    )
  }
}

/** What every scenario here must show: only retryable failures, nothing lost, doubled or left behind. */
function assertClean(ledger: FaultLedger, f: Figure): void {
  const codes = ledger.codes()
  for (const code of Object.keys(codes))
    assert.ok(
      code === 'DATABASE_ERROR' || code === 'TIMEOUT',
      `a write met ${code}: ${JSON.stringify(codes)}`,
    )
  assert.equal(f.lost, 0, 'an acknowledged write is missing')
  assert.equal(f.duplicated, 0, 'a write was applied twice')
  assert.equal(f.phantom, 0, 'a write told it failed is there')
  assert.equal(f.failed, 0, 'a write was refused outright')
  assert.notEqual(f.recoveryMs, null, 'no write was acknowledged after the fault')
}

const executors = (n: number, url: string, token: string, o: { timeoutMs: number }) =>
  Array.from(
    { length: n },
    () =>
      new RemoteExecutor({
        url,
        token,
        requestTimeoutMs: o.timeoutMs,
        connectTimeoutMs: o.timeoutMs,
        backoff: BACKOFF,
      }),
  )

async function newPage(ex: RemoteExecutor, slug: string): Promise<string> {
  const page = (await ex.execute('PageView', 'create', {
    slug,
    title: slug,
    level: 1,
    layout: {},
  })) as { id: string }
  return page.id
}

describe('a SQLite-backed daemon killed, and its network failing, under writes from several clients', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dbal-faults-daemon-'))
  const file = join(dir, 'faults.db')
  let child: ChildDaemon
  const all: RemoteExecutor[] = []
  const counts = async () => {
    const db = new Database(file, { readonly: true })
    try {
      const rows = db.prepare(COUNT_SQL).all() as { t: string; n: number }[]
      return new Map(rows.map((r) => [r.t, Number(r.n)]))
    } finally {
      db.close()
    }
  }

  before(async () => {
    child = await spawnDaemon({ backend: { name: 'sqlite', url: file }, dir })
  })
  after(async () => {
    await Promise.all(all.map((e) => e.close()))
    await child?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('SIGKILL during a burst of writes from 4 clients, then a restart on the same port', async (t) => {
    const clients = executors(4, child.url, child.token, { timeoutMs: 4000 })
    all.push(...clients)
    const pageId = await newPage(clients[0]!, 'kill')
    const ledger = new FaultLedger('daemon-sigkill-burst')
    const load = new Load(ledger, clients, pageId, 'k')
    await load.acks(150)
    child.process.kill('SIGKILL')
    await child.exited
    ledger.faultEnded() // recovery includes the new daemon's start-up
    child = await spawnDaemon({
      backend: { name: 'sqlite', url: file },
      dir,
      port: child.port,
      token: child.token,
    })
    await load.acks(150)
    await load.end()
    assert.ok(ledger.unknownTags.length >= 1, 'no write was in flight when the daemon died')
    await load.retryUnknown(clients[0]!, counts)
    const f = await ledger.check(counts)
    report(f, (m) => t.diagnostic(m))
    assertClean(ledger, f)
  })

  it('the network delayed, partitioned, cut and healed', async (t) => {
    const proxy = await faultProxy(child.port)
    try {
      const clients = executors(3, `ws://127.0.0.1:${proxy.port}`, child.token, { timeoutMs: 800 })
      all.push(...clients)
      const pageId = await newPage(clients[0]!, 'net')
      const ledger = new FaultLedger('network-delay-drop-cut')
      const load = new Load(ledger, clients, pageId, 'n')
      await load.acks(60)
      proxy.delayMs = 150
      await sleep(600)
      // Requests arrive and are applied; their replies are lost: the outcome is unknown to the client.
      proxy.drop = 'replies'
      await sleep(500)
      proxy.drop = 'both'
      await sleep(500)
      proxy.cut()
      proxy.refuse = true
      await sleep(500)
      proxy.restore()
      ledger.faultEnded()
      await load.acks(60)
      await load.end()
      assert.ok(ledger.unknownTags.length >= 1, 'no write met the partition')
      await load.retryUnknown(clients[0]!, counts)
      const f = await ledger.check(counts)
      report(f, (m) => t.diagnostic(m))
      assertClean(ledger, f)
      assert.ok(f.unknownApplied >= 1, 'no write was applied with its reply lost: the keys were not tested')
      assert.ok(proxy.connections > 3, 'the clients never reconnected')
    } finally {
      await proxy.close()
    }
  })
})

describe(
  'a PostgreSQL-backed daemon whose database connections are ended under load',
  { skip: skipPostgres },
  () => {
    let db: TestDatabase
    let child: ChildDaemon
    let admin: pg.Client
    const clients: RemoteExecutor[] = []
    const counts = async () => {
      const r = await admin.query<{ t: string; n: string }>(COUNT_SQL)
      return new Map(r.rows.map((x) => [x.t, Number(x.n)]))
    }

    before(async () => {
      const p = await scratchDatabase('postgres', `t${process.pid}`, 'faultsd')
      if ('notRun' in p) assert.fail(p.notRun)
      db = p
      admin = new pg.Client({ connectionString: db.url })
      await admin.connect()
      child = await spawnDaemon({ backend: { name: 'postgres', url: db.url } })
    })
    after(async () => {
      await Promise.all(clients.map((e) => e.close()))
      await child?.stop()
      child?.remove()
      await admin?.end()
      await db?.drop()
    })

    it('pg_terminate_backend of every connection, every 100 ms for 1.5 s: the pool recovers by itself', async (t) => {
      clients.push(...executors(3, child.url, child.token, { timeoutMs: 4000 }))
      const pageId = await newPage(clients[0]!, 'terminate')
      const pid = child.process.pid
      const ledger = new FaultLedger('pg-terminate-under-load')
      const load = new Load(ledger, clients, pageId, 'p')
      await load.acks(60)
      const name = new URL(db.url).pathname.slice(1)
      let ended = 0
      const t0 = performance.now()
      while (performance.now() - t0 < 1500) {
        const r = await admin.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        )
        ended += r.rowCount ?? 0
        await sleep(100)
      }
      ledger.faultEnded()
      await load.acks(60)
      await load.end()
      assert.ok(ended >= 10, `only ${ended} connections were ended`)
      await load.retryUnknown(clients[0]!, counts)
      const f = await ledger.check(counts)
      report(f, (m) => t.diagnostic(m))
      t.diagnostic(`${ended} connections ended; codes met: ${JSON.stringify(ledger.codes())}`)
      assertClean(ledger, f)
      // Recovered without a restart by hand: the same process, healthy.
      assert.equal(child.process.pid, pid)
      assert.equal(child.process.exitCode, null)
      assert.equal((await fetch(`${child.httpUrl}/health`)).status, 200)
    })
  },
)
