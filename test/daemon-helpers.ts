/**
 * Shared by the daemon and bridge tests: an in-process daemon on a free loopback port (SQLite in a
 * temporary file unless an adapter is given), and a raw WebSocket client that records every frame it
 * receives, so tests can send what no well-behaved client would and scan every reply for leaks.
 */
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect, createServer, type AddressInfo, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import type { Adapter } from '../core/adapter.ts'
import { configFrom, type DaemonConfig } from '../daemon/config.ts'
import { SUBPROTOCOL } from '../daemon/protocol.ts'
import { startDaemon, type Daemon } from '../daemon/server.ts'

export interface TestDaemon {
  readonly daemon: Daemon
  readonly config: DaemonConfig
  readonly url: string
  readonly httpUrl: string
  readonly token: string
  /** The SQLite file: the "database URL" that must never reach a client. */
  readonly dbPath: string
  readonly auditFile: string
  stop(): Promise<void>
}

export async function testDaemon(
  sections: Record<string, Record<string, unknown>> = {},
  adapter?: Adapter,
): Promise<TestDaemon> {
  const dir = mkdtempSync(join(tmpdir(), 'dbal-daemon-test-'))
  const token = `svc-${randomBytes(24).toString('hex')}`
  const dbPath = join(dir, 'secret-location-db.sqlite')
  const auditFile = join(dir, 'audit.jsonl')
  const base: Record<string, Record<string, unknown>> = {
    backend: { name: 'sqlite', url: dbPath },
    listen: { host: '127.0.0.1', port: 0 },
    auth: { service_tokens: [{ name: 'tests', token }] },
    audit: { file: auditFile },
    test: { reset: true },
  }
  for (const [k, v] of Object.entries(sections)) base[k] = { ...base[k], ...v }
  const config = configFrom(base)
  const daemon = await startDaemon(config, adapter ? { adapter } : {})
  return {
    daemon,
    config,
    url: daemon.url,
    httpUrl: daemon.url.replace(/^ws/, 'http'),
    token,
    dbPath,
    auditFile,
    async stop() {
      await daemon.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

type Reply = {
  id: unknown
  result?: unknown
  error?: {
    code: number
    message: string
    data: { code: string; status: number; details?: Record<string, unknown> }
  }
}

/** A WebSocket client that does exactly what it is told and keeps every frame it receives. */
export class RawClient {
  readonly frames: string[] = []
  private waiting: ((text: string) => void)[] = []
  closed: Promise<{ code: number; reason: string }>
  private seq = 0

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d: Buffer) => {
      const text = d.toString('utf8')
      this.frames.push(text)
      this.waiting.shift()?.(text)
    })
    this.closed = new Promise((r) =>
      ws.once('close', (code, reason) => r({ code, reason: reason.toString() })),
    )
    ws.on('error', () => undefined)
  }

  /** `autoPong: false`: a client that never answers the daemon's pings; `localAddress`: another client host (127.0.0.2). */
  static async open(
    url: string,
    token?: string,
    o: { autoPong?: boolean; localAddress?: string } = {},
  ): Promise<RawClient> {
    const ws = new WebSocket(url, [SUBPROTOCOL], {
      headers: token ? { Authorization: `Bearer ${token}` } : {},
      maxPayload: 64 << 20,
      autoPong: o.autoPong ?? true,
      ...(o.localAddress ? { localAddress: o.localAddress } : {}),
    })
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('unexpected-response', (_req, res) =>
        reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })),
      )
      ws.once('error', reject)
    })
    return new RawClient(ws)
  }

  /** The next frame received (or one already waiting). */
  next(timeoutMs = 5000): Promise<string> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no frame in time')), timeoutMs)
      this.waiting.push((text) => (clearTimeout(t), resolve(text)))
    })
  }

  async sendRaw(data: string | Buffer, binary = false): Promise<unknown> {
    const reply = this.next()
    this.ws.send(data, { binary })
    return JSON.parse(await reply) as unknown
  }

  /** Sends one request with a fresh id and returns its reply. */
  async call(method: string, params?: unknown, extra: Record<string, unknown> = {}): Promise<Reply> {
    const id = ++this.seq
    const reply = (await this.sendRaw(
      JSON.stringify({ jsonrpc: '2.0', id, method, ...(params !== undefined ? { params } : {}), ...extra }),
    )) as Reply
    assert.equal(reply.id, id)
    return reply
  }

  /** Ends the socket at once: a polite close would wait up to 30 s for a peer that may not answer. */
  close(): void {
    this.ws.terminate()
  }
}

/** Fails if any text contains a secret, SQL, or a stack trace. */
export function assertNoLeaks(texts: readonly string[], secrets: readonly string[]): void {
  const sql = /\b(select\s[\s\S]*\sfrom|insert\s+into|update\s+\S+\s+set|delete\s+from|create\s+table)\b/i
  for (const t of texts) {
    for (const s of secrets) assert.ok(!t.includes(s), `a reply contains a secret: ${t.slice(0, 300)}`)
    assert.ok(!sql.test(t), `a reply contains SQL: ${t.slice(0, 300)}`)
    assert.ok(!/\n\s+at\s|\.(ts|js):\d+/.test(t), `a reply contains a stack trace: ${t.slice(0, 300)}`)
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A TCP relay in front of a daemon that can swallow the daemon's replies and cut its connections. */
export async function tcpProxy(
  targetPort: number,
): Promise<{ port: number; dropReplies: boolean; cut(): void; close(): Promise<void> }> {
  const pairs = new Set<[Socket, Socket]>()
  const state = { dropReplies: false }
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1')
    const pair: [Socket, Socket] = [client, upstream]
    pairs.add(pair)
    client.on('data', (b) => upstream.write(b))
    upstream.on('data', (b) => {
      if (!state.dropReplies) client.write(b)
    })
    const end = () => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    for (const s of pair) s.on('close', end).on('error', end)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    port: (server.address() as AddressInfo).port,
    get dropReplies() {
      return state.dropReplies
    },
    set dropReplies(v: boolean) {
      state.dropReplies = v
    },
    cut() {
      for (const [c, u] of pairs) (c.destroy(), u.destroy())
    },
    close() {
      for (const [c, u] of pairs) (c.destroy(), u.destroy())
      return new Promise((r) => server.close(() => r()))
    },
  }
}
