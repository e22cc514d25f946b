/**
 * A legitimate login and /health while one address floods the daemon with unauthenticated
 * credentials.verify calls (default scrypt cost, the daemon's default hashing limits). Prints the
 * median of 7 rounds for each, with the same measures on an idle daemon as the baseline, and how many
 * flood calls were refused at once (RATE_LIMIT_EXCEEDED) or hashed.
 *   npx tsx bench/login-flood.ts [flood size, default 60]
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { configFrom } from '../daemon/config.ts'
import { SUBPROTOCOL } from '../daemon/protocol.ts'
import { startDaemon } from '../daemon/server.ts'

const FLOOD = Number(process.argv[2] ?? 60)
const ROUNDS = 7

/** One JSON-RPC call on a fresh connection (from `localAddress`), resolving to the reply's error code or 'ok'. */
async function call(url: string, method: string, params: unknown, token?: string, localAddress?: string) {
  const ws = new WebSocket(url, [SUBPROTOCOL], {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
    ...(localAddress ? { localAddress } : {}),
  })
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)))
  const reply = new Promise<string>((r) =>
    ws.once('message', (m: Buffer) => {
      const x = JSON.parse(m.toString()) as { error?: { data: { code: string } } }
      r(x.error?.data.code ?? 'ok')
    }),
  )
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }))
  const code = await reply
  ws.terminate()
  return code
}

const timed = async <T>(fn: () => Promise<T>): Promise<[number, T]> => {
  const t = performance.now()
  const v = await fn()
  return [performance.now() - t, v]
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const dir = mkdtempSync(join(tmpdir(), 'dbal-bench-flood-'))
const token = randomBytes(24).toString('hex')
const daemon = await startDaemon(
  configFrom({
    backend: { name: 'sqlite', url: join(dir, 'db.sqlite') },
    listen: { host: '127.0.0.1', port: 0 },
    auth: { service_tokens: [{ name: 'bench', token }] },
    audit: { file: join(dir, 'audit.jsonl') },
  }),
)
const http = daemon.url.replace(/^ws/, 'http')
await call(daemon.url, 'users.create', { username: 'alice', email: 'alice@example.com' }, token)
await call(daemon.url, 'credentials.set', { username: 'alice', password: 'correct horse' }, token)
const login = () =>
  call(
    daemon.url,
    'credentials.verify',
    { username: 'alice', password: 'correct horse' },
    undefined,
    '127.0.0.2',
  )
const health = () => fetch(`${http}/health`).then((r) => r.status)

const idle = { login: [] as number[], health: [] as number[] }
const flooded = { login: [] as number[], health: [] as number[] }
const outcomes = new Map<string, number>()
for (let round = 0; round < ROUNDS; round++) {
  idle.login.push((await timed(login))[0])
  idle.health.push((await timed(health))[0])
  const flood = Array.from({ length: FLOOD }, (_, i) =>
    call(daemon.url, 'credentials.verify', { username: `guess${round}-${i}`, password: 'x' }),
  )
  await new Promise((r) => setTimeout(r, 20))
  const [l, h] = await Promise.all([timed(login), timed(health)])
  flooded.login.push(l[0])
  flooded.health.push(h[0])
  for (const code of await Promise.all(flood)) outcomes.set(code, (outcomes.get(code) ?? 0) + 1)
}
const ms = (x: number) => `${x.toFixed(1)} ms`
process.stdout.write(
  `login flood (${FLOOD} verify calls from one address, ${ROUNDS} rounds, medians):\n` +
    `  legitimate login from another address: idle ${ms(median(idle.login))}, during the flood ${ms(median(flooded.login))}\n` +
    `  GET /health: idle ${ms(median(idle.health))}, during the flood ${ms(median(flooded.health))}\n` +
    `  flood outcomes: ${[...outcomes].map(([c, n]) => `${c} ${n}`).join(', ')}\n`,
)
await daemon.close()
rmSync(dir, { recursive: true, force: true })
