/**
 * The daemon (in a child process, default config, a service token) against a raw `ws` echo server that
 * answers each request with the same row (in a child process too), both measured in the same rounds; and the DBAL client on the
 * daemon's own database in this process, the backend's own time. Reads by id, one at a time and 64 in
 * flight on one connection.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'
import type { ManagedAdapter } from '../core/adapter.ts'
import { spawnDaemon, type ChildDaemon } from '../daemon/child.ts'
import { SUBPROTOCOL } from '../daemon/protocol.ts'
import { userId, userRow, USERS } from './lib/data.ts'
import { CLI, DBALClient, postgresAdapter, sqliteAdapter } from './lib/dist.ts'
import { scratchPostgres } from './lib/postgres-db.ts'
import { DEFAULT_ROUNDS, measure, type Op } from './lib/measure.ts'
import type { Section } from './lib/report.ts'
import type { Result } from './lib/workloads.ts'

const ECHO = fileURLToPath(new URL('./echo-server.ts', import.meta.url))

/** A JSON-RPC client over one WebSocket, with requests in flight matched by id. */
class Rpc {
  private seq = 0
  private readonly pending = new Map<number, (m: { result?: unknown; error?: unknown }) => void>()

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (d: Buffer) => {
      const m = JSON.parse(d.toString('utf8')) as { id: number; result?: unknown; error?: unknown }
      this.pending.get(m.id)?.(m)
      this.pending.delete(m.id)
    })
  }

  static async open(url: string, token: string): Promise<Rpc> {
    const ws = new WebSocket(url, [SUBPROTOCOL], { headers: { Authorization: `Bearer ${token}` } })
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    return new Rpc(ws)
  }

  async call(method: string, params: unknown): Promise<unknown> {
    const id = ++this.seq
    const reply = new Promise<{ result?: unknown; error?: unknown }>((r) => this.pending.set(id, r))
    this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }))
    const m = await reply
    if (m.error) throw new Error(`${method}: ${JSON.stringify(m.error)}`)
    return m.result
  }

  close(): void {
    this.ws.close()
  }
}

/** echo-server.ts in a child process: its URL, and how to stop it. */
async function echoServer(row: unknown): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', ECHO, JSON.stringify(row)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()))
    child.once('exit', (code) => reject(new Error(`the echo server exited (${code})`)))
  })
  const exited = new Promise((r) => child.once('exit', r))
  return { url: `ws://127.0.0.1:${port}`, close: async () => void (child.stdin.end(), await exited) }
}

/** USERS users in the backend's database, through its adapter. */
async function seed(a: ManagedAdapter): Promise<void> {
  await a.migrate()
  await a.reset()
  for (let i = 0; i < USERS; i += 1000)
    await a.createMany(
      'User',
      Array.from({ length: 1000 }, (_, k) => userRow(i + k)),
    )
}

export async function runDaemon(log: (line: string) => void): Promise<Section> {
  const dir = mkdtempSync(join(tmpdir(), 'dbal-bench-daemon-'))
  const file = join(dir, 'daemon.db')
  const closers: (() => Promise<unknown> | void)[] = []
  try {
    const sqlite = sqliteAdapter({ filename: file })
    await seed(sqlite)
    const backends: [string, ManagedAdapter, { name: string; url: string }][] = [
      ['sqlite', sqlite, { name: 'sqlite', url: file }],
    ]
    const db = await scratchPostgres('daemon')
    closers.push(() => db.drop())
    const pgA = postgresAdapter({ url: db.url, pool: 8 })
    await seed(pgA)
    backends.push(['postgres', pgA, { name: 'postgres', url: db.url }])
    const row = await sqlite.read('User', userId(1))
    const echo = await echoServer(row)
    closers.push(() => echo.close())
    const ops = new Map<string, Op>()
    const viaRpc =
      (rpc: Rpc): Op =>
      (i) =>
        rpc.call('users.read', { id: userId(i * 7919) })
    const echoRpc = await Rpc.open(echo.url, 'x')
    closers.push(() => echoRpc.close())
    ops.set('ws echo', viaRpc(echoRpc))
    for (const [name, adapter, backend] of backends) {
      log(`daemon: starting one on ${name}`)
      const d: ChildDaemon = await spawnDaemon({
        backend,
        cli: CLI,
        // BENCH_DAEMON_PROFILE=DIR: a CPU profile of each daemon, for the figures' why.
        ...(process.env.BENCH_DAEMON_PROFILE
          ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_DAEMON_PROFILE}`] }
          : {}),
      })
      closers.push(async () => {
        await d.stop()
        d.remove()
      })
      const rpc = await Rpc.open(d.url, d.token)
      closers.push(() => rpc.close())
      ops.set(`daemon (${name})`, viaRpc(rpc))
      const client = new DBALClient({ adapter })
      ops.set(`DBAL client on ${name}, in process`, (i) => client.users.read(userId(i * 7919)))
      closers.push(() => adapter.close())
    }
    const results: Result[] = []
    for (const [workload, n, inFlight] of [
      ['read by id over the wire', 2000, 1],
      ['read by id, 64 in flight', 5_000, 64],
    ] as const) {
      const t0 = performance.now()
      const scale = Number(process.env.BENCH_SCALE ?? 1)
      const figures = await measure(ops, {
        ops: Math.max(64, Math.round(n * scale)),
        inFlight,
        rounds: DEFAULT_ROUNDS,
      })
      results.push({ workload, figures })
      log(`  ${workload}: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    }
    return {
      title: 'Daemon (default config, service token, one connection)',
      key: 'daemon',
      baseline: 'ws echo',
      peers: [],
      results,
    }
  } finally {
    for (const c of closers.reverse()) await Promise.resolve(c()).catch(() => undefined)
    rmSync(dir, { recursive: true, force: true })
  }
}
