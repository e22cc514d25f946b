/**
 * The soak (issue 16): one daemon in a child process (default limits, a service token) on a PostgreSQL
 * database of its own, driven by a fixed mix of operations from SOAK_CONNECTIONS (32) bridge
 * connections for SOAK_SECONDS (120) at SOAK_RATE operations per second (1000; 0: as fast as it
 * goes), while /health is polled every 100 ms. Reports throughput, p50/p99 per operation, errors by code, the daemon's RSS (from /proc/<pid>/status) after the warm-up
 * and at the end, and /health latency, in reports/soak.json and soak.md (SOAK_OUT: another folder).
 * Exits 1 on any error, RSS growth beyond the bound, or /health p99 at or above 100 ms (soak-report.ts).
 *
 *   tsx bench/soak.ts            SOAK_SECONDS=20 SOAK_CONNECTIONS=8 tsx bench/soak.ts
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { RemoteExecutor } from '../adapters/remote/index.ts'
import { registryEntry } from '../adapters/registry.ts'
import { DBALError } from '../core/errors.ts'
import { spawnDaemon } from '../daemon/child.ts'
import { scratchDatabase } from '../harness/provision/scratch.ts'
import { latency, verdict, writeSoakReports, type SoakReport } from './soak-report.ts'

export interface SoakOptions {
  readonly seconds: number
  readonly connections: number
  /**
   * Operations per second over all connections (default 1000, about a third of what one daemon on a
   * 2-core machine answers); 0: closed loop, each connection sends as soon as its last reply is in.
   */
  readonly rate?: number
  /** Default: 10 s, or a fifth of a shorter soak. */
  readonly warmupSeconds?: number
  readonly log?: (line: string) => void
}

/** The fixed mix, in percent; every connection runs the same 20-slot cycle from its own offset. */
export const MIX = { read: 60, list: 15, create: 10, update: 10, count: 5 } as const
type OpName = keyof typeof MIX
const CYCLE: readonly OpName[] = (() => {
  const slots = (Object.entries(MIX) as [OpName, number][]).flatMap(([op, pct]) =>
    Array<OpName>(pct / 5).fill(op),
  )
  // Interleaved (a fixed stride through the slots), so no connection runs all its writes in a row.
  return slots.map((_, i) => slots[(i * 7) % slots.length]!)
})()

const SEED_USERS = 1000
export const DEFAULT_RATE = 1000
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A deterministic pseudo-random stream (mulberry32), so every run draws the same ids. */
function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Polls /health every 100 ms from a worker thread: its own event loop, so the figure is the daemon's
 * answer time, not how long this process's loop (busy driving 32 connections) took to notice it.
 */
const POLLER = `
const { parentPort, workerData } = require('node:worker_threads')
const ms = []
let failures = 0
let stop = false
parentPort.once('message', () => (stop = true))
;(async () => {
  while (!stop) {
    const s = performance.now()
    try {
      const res = await fetch(workerData, { signal: AbortSignal.timeout(5000) })
      await res.arrayBuffer()
      if (res.status !== 200) failures++
    } catch {
      failures++
    }
    const took = performance.now() - s
    ms.push(took)
    await new Promise((r) => setTimeout(r, Math.max(0, 100 - took)))
  }
  parentPort.postMessage({ ms, failures })
})()
`

function healthPoller(url: string): { stop(): Promise<{ ms: number[]; failures: number }> } {
  const w = new Worker(POLLER, { eval: true, workerData: url })
  const done = new Promise<{ ms: number[]; failures: number }>((resolve, reject) => {
    w.once('message', resolve)
    w.once('error', reject)
  })
  return {
    async stop() {
      w.postMessage('stop')
      const r = await done
      await w.terminate()
      return r
    },
  }
}

/** VmRSS of a process in MiB (Linux); undefined where /proc is not there. */
function rssMiB(pid: number): number | undefined {
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kb === undefined ? undefined : Math.round((Number(kb) / 1024) * 10) / 10
  } catch {
    return undefined
  }
}

export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const log = o.log ?? (() => undefined)
  const rate = o.rate ?? DEFAULT_RATE
  const warmupSeconds = o.warmupSeconds ?? Math.min(10, o.seconds / 5)
  const entry = registryEntry('postgres')!
  const db = await scratchDatabase(entry, `soak${process.pid}`, 'soak')
  if ('notRun' in db) throw new Error(`the soak needs PostgreSQL: ${db.notRun}`)
  const daemon = await spawnDaemon({ backend: { name: 'postgres', url: db.url! } }).catch(async (e) => {
    await db.drop()
    throw e
  })
  const pid = daemon.process.pid!
  const executors = Array.from(
    { length: o.connections },
    () => new RemoteExecutor({ url: daemon.url, token: daemon.token, connectTimeoutMs: 15_000 }),
  )
  try {
    const seeder = executors[0]!
    for (let i = 0; i < SEED_USERS; i += 100)
      await seeder.execute('User', 'createMany', {
        items: Array.from({ length: 100 }, (_, j) => ({
          username: `seed_${i + j}`,
          email: `seed_${i + j}@soak.example`,
          role: (i + j) % 10 === 0 ? 'admin' : 'user',
        })),
      })
    const ids = (
      (await seeder.execute('User', 'list', { limit: 100, page: 1 })) as {
        total: number
        data: { id: string }[]
      }
    ).data.map((r) => r.id)
    for (let page = 2; ids.length < SEED_USERS; page++)
      ids.push(
        ...(
          (await seeder.execute('User', 'list', { limit: 100, page })) as { data: { id: string }[] }
        ).data.map((r) => r.id),
      )
    log(`seeded ${ids.length} users; daemon pid ${pid} at ${daemon.url}, RSS ${rssMiB(pid)} MiB`)

    const samples: Record<OpName, number[]> = { read: [], list: [], create: [], update: [], count: [] }
    const errors: Record<string, number> = {}
    const rss: number[] = []
    let baseline: number | undefined
    let stop = false
    let serial = 0
    const t0 = performance.now()
    const deadline = t0 + o.seconds * 1000

    const ops: Record<OpName, (ex: RemoteExecutor, r: () => number) => Promise<unknown>> = {
      read: (ex, r) => ex.execute('User', 'read', { id: ids[Math.floor(r() * ids.length)] }),
      list: (ex, r) =>
        ex.execute('User', 'list', { filter: { role: 'admin' }, limit: 20, page: 1 + Math.floor(r() * 5) }),
      create: async (ex) => {
        const n = serial++
        const row = (await ex.execute('User', 'create', {
          username: `soak_${n}`,
          email: `soak_${n}@soak.example`,
        })) as { id: string }
        ids.push(row.id)
      },
      update: (ex, r) =>
        ex.execute('User', 'update', {
          id: ids[Math.floor(r() * SEED_USERS)],
          email: `upd_${serial++}@soak.example`,
        }),
      count: (ex) => ex.execute('User', 'count', { filter: { role: 'user' } }),
    }

    // Each connection's share of the rate, its starts staggered; 0: as fast as replies come back.
    const interval = rate > 0 ? (o.connections / rate) * 1000 : 0
    const worker = async (ex: RemoteExecutor, c: number) => {
      const r = rng(c + 1)
      let next = t0 + (interval * c) / o.connections
      for (let i = c; performance.now() < deadline; i++) {
        if (interval > 0) {
          const wait = next - performance.now()
          if (wait > 0) await sleep(wait)
          // Behind by more than a second (the daemon is saturated): no burst to catch up.
          next = Math.max(next + interval, performance.now() - 1000)
          if (performance.now() >= deadline) break
        }
        const op = CYCLE[i % CYCLE.length]!
        const s = performance.now()
        try {
          await ops[op](ex, r)
          samples[op].push(performance.now() - s)
        } catch (e) {
          const code = e instanceof DBALError ? e.code : 'NOT_A_DBAL_ERROR'
          errors[code] = (errors[code] ?? 0) + 1
          if ((errors[code] ?? 0) <= 3) log(`error ${code} in ${op}: ${String(e).slice(0, 300)}`)
        }
      }
    }

    const poller = healthPoller(`${daemon.httpUrl}/health`)
    const rssSampler = async () => {
      while (!stop) {
        const m = rssMiB(pid)
        if (m !== undefined) {
          rss.push(m)
          if (baseline === undefined && performance.now() - t0 >= warmupSeconds * 1000) baseline = m
        }
        await sleep(1000)
      }
    }

    const background = [rssSampler()]
    await Promise.all(executors.map(worker))
    const elapsed = (performance.now() - t0) / 1000
    const end = rssMiB(pid)
    stop = true
    await Promise.all(background)
    const polled = await poller.stop()

    const operations = Object.values(samples).reduce((n, s) => n + s.length, 0)
    const errorCount = Object.values(errors).reduce((n, k) => n + k, 0)
    const base = {
      operations,
      errors,
      rssMiB:
        baseline !== undefined && end !== undefined
          ? { start: baseline, end, peak: Math.max(...rss, end) }
          : null,
      health: { ...latency(polled.ms), failures: polled.failures },
    }
    const v = verdict(base)
    return {
      startedAt: new Date(Date.now() - elapsed * 1000).toISOString(),
      seconds: Math.round(elapsed * 10) / 10,
      warmupSeconds,
      connections: o.connections,
      targetRatePerSecond: rate,
      backend: 'PostgreSQL (a database of its own)',
      mix: MIX,
      throughputPerSecond: Math.round(((operations + errorCount) / elapsed) * 10) / 10,
      latency: Object.fromEntries(Object.entries(samples).map(([k, s]) => [k, latency(s)])),
      ...base,
      ...v,
    }
  } finally {
    await Promise.all(executors.map((e) => e.close()))
    await daemon.stop()
    daemon.remove()
    await db.drop()
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const num = (name: string, dflt: number) => {
    const v = process.env[name]
    const n = v === undefined || v === '' ? dflt : Number(v)
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, not ${v}`)
    return n
  }
  const out = process.env.SOAK_OUT ?? fileURLToPath(new URL('../reports/', import.meta.url))
  const log = (line: string) => process.stderr.write(`${line}\n`)
  const report = await runSoak({
    seconds: num('SOAK_SECONDS', 120),
    connections: num('SOAK_CONNECTIONS', 32),
    rate: process.env.SOAK_RATE === '0' ? 0 : num('SOAK_RATE', DEFAULT_RATE),
    log,
  })
  writeSoakReports(report, out)
  process.stdout.write(
    `${report.passed ? 'PASSED' : 'FAILED'}: ${report.operations} operations, ${report.throughputPerSecond}/s; ` +
      `/health p50 ${report.health.p50Ms} ms p99 ${report.health.p99Ms} ms; RSS ${JSON.stringify(report.rssMiB)}; ` +
      `errors ${JSON.stringify(report.errors)} (reports in ${out})\n`,
  )
  process.exitCode = report.passed ? 0 : 1
}
