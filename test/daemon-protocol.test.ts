/**
 * The written protocol against real traffic: conformance vectors run through the bridge and a daemon with
 * a recording relay between them, and every frame in both directions must validate against
 * daemon/protocol.schema.json, every result against the result schema of its request's method. Also:
 * the schema file is what the generator makes from schema/ (not stale), and /health and /metrics answer
 * in their documented shapes.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import Ajv, { type ValidateFunction } from 'ajv'
import WebSocket, { WebSocketServer } from 'ws'
import { PROTOCOL_SCHEMA_FILE, protocolSchemaText } from '../daemon/protocol-schema.ts'
import { PROTOCOL_VERSION, SUBPROTOCOL } from '../daemon/protocol.ts'
import { endpointBackend } from '../harness/backends/remote.ts'
import { runFiles } from '../harness/run.ts'
import type { StepEvent } from '../harness/results.ts'
import { loadVectors } from '../harness/vectors/load.ts'
import { RawClient, testDaemon, type TestDaemon } from './daemon-helpers.ts'

interface Frame {
  readonly conn: number
  readonly toDaemon: boolean
  readonly text: string
}

/** A WebSocket relay that records every frame, passing the client's Authorization header on. */
async function recordingRelay(target: string): Promise<{ url: string; frames: Frame[]; close(): void }> {
  const frames: Frame[] = []
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: () => SUBPROTOCOL })
  let n = 0
  wss.on('connection', (client, req) => {
    const conn = ++n
    const auth = req.headers.authorization
    const upstream = new WebSocket(target, [SUBPROTOCOL], { headers: auth ? { Authorization: auth } : {} })
    const queue: string[] = []
    client.on('message', (d: Buffer) => {
      frames.push({ conn, toDaemon: true, text: d.toString() })
      if (upstream.readyState === WebSocket.OPEN) upstream.send(d.toString())
      else queue.push(d.toString())
    })
    upstream.on('open', () => queue.splice(0).forEach((t) => upstream.send(t)))
    upstream.on('message', (d: Buffer) => {
      frames.push({ conn, toDaemon: false, text: d.toString() })
      client.send(d.toString())
    })
    upstream.on('close', () => client.close())
    upstream.on('error', () => client.terminate())
    client.on('close', () => upstream.close())
  })
  await new Promise((r) => wss.once('listening', r))
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    frames,
    close: () => (wss.clients.forEach((c) => c.terminate()), wss.close()),
  }
}

const VECTORS = [
  'users.yaml',
  'components.yaml',
  'credentials.yaml',
  'sessions.yaml',
  'acl/stories.yaml',
  'upstream/conformance_cases.yaml',
].map((f) => fileURLToPath(new URL(`../contracts/${f}`, import.meta.url)))

describe('the protocol as written', () => {
  let d: TestDaemon
  const ajv = new Ajv.default({ allErrors: true, strict: false })
  ajv.addSchema(JSON.parse(readFileSync(PROTOCOL_SCHEMA_FILE, 'utf8')) as object)
  const def = (name: string) =>
    ajv.getSchema(
      `https://metabuilder.dev/dbal/protocol.schema.json#/definitions/${name}`,
    ) as ValidateFunction
  const check = (v: ValidateFunction, value: unknown, what: string) =>
    assert.ok(v(value), `${what}: ${ajv.errorsText(v.errors)}\n${JSON.stringify(value).slice(0, 400)}`)

  before(async () => {
    d = await testDaemon()
  })
  after(() => d.stop())

  it('PROTOCOL.md is the version the daemon speaks', () => {
    const doc = readFileSync(fileURLToPath(new URL('../daemon/PROTOCOL.md', import.meta.url)), 'utf8')
    assert.equal(/^# DBAL daemon protocol, version (\S+)/.exec(doc)?.[1], PROTOCOL_VERSION)
  })
  it('is generated from schema/ and up to date (npx tsx daemon/protocol-schema.ts --write)', () => {
    assert.equal(readFileSync(PROTOCOL_SCHEMA_FILE, 'utf8'), protocolSchemaText())
  })

  it('describes every frame of a conformance run through the bridge, and every result', async () => {
    const relay = await recordingRelay(d.url)
    const events: StepEvent[] = []
    try {
      const prov = await endpointBackend(relay.url, d.token).provision('protocol')
      assert.ok(!('notRun' in prov), JSON.stringify(prov))
      await runFiles(prov, loadVectors(VECTORS), {
        backend: 'endpoint',
        deviations: [],
        emit: (e) => events.push(e),
      })
      await prov.cleanup()
    } finally {
      relay.close()
    }
    const failed = events.filter((e) => e.outcome === 'fail')
    assert.deepEqual(
      failed.map((e) => `${e.case} › ${e.step}: ${e.reason}`),
      [],
    )
    const [client, server, results] = [def('clientMessage'), def('serverMessage'), def('results')]
    const methods = new Map<string, string>()
    const seen = new Set<string>()
    for (const f of relay.frames) {
      const msg = JSON.parse(f.text) as unknown
      const items = (Array.isArray(msg) ? msg : [msg]) as {
        id?: unknown
        method?: string
        result?: unknown
      }[]
      if (f.toDaemon) {
        check(client, msg, 'client frame')
        for (const r of items) methods.set(`${f.conn}/${String(r.id)}`, r.method!)
        continue
      }
      check(server, msg, 'daemon frame')
      for (const r of items) {
        const method = methods.get(`${f.conn}/${String(r.id)}`)
        assert.ok(method, `a reply to no request: ${f.text.slice(0, 200)}`)
        seen.add(method)
        if ('result' in r) check(results, { [method]: r.result }, `result of ${method}`)
      }
    }
    assert.ok(
      events.length > 300 && relay.frames.length >= 2 * events.length,
      `${events.length} steps, ${relay.frames.length} frames`,
    )
    for (const m of [
      'auth.login',
      'test.reset',
      'dbal.capabilities',
      'users.create',
      'users.list',
      'components.getTree',
      'credentials.verify',
      'sessions.purgeExpired',
    ])
      assert.ok(seen.has(m), `the run never called ${m}`)
  })

  it('describes the replies to malformed and refused requests too', async () => {
    const c = await RawClient.open(d.url)
    for (const raw of [
      '{',
      '7',
      '[]',
      '{"jsonrpc":"2.0","id":1,"method":"nope.nope"}',
      '{"jsonrpc":"2.0","id":2,"method":"users.list","params":{}}',
      '{"jsonrpc":"2.0","id":3,"method":"auth.login","params":{"token":"bad-token-0123456789"}}',
    ])
      check(def('serverMessage'), await c.sendRaw(raw), raw)
    c.close()
  })

  it('answers /health and /metrics in their documented shapes', async () => {
    const h = await fetch(`${d.httpUrl}/health`)
    assert.equal(h.status, 200)
    check(def('health'), await h.json(), '/health')
    const m = await fetch(`${d.httpUrl}/metrics`)
    assert.match(m.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/)
    const text = await m.text()
    for (const name of [
      'dbal_requests_total',
      'dbal_request_duration_seconds_bucket',
      'dbal_connections',
      'dbal_acl_decisions_total',
      'dbal_requests_in_flight',
    ])
      assert.match(text, new RegExp(`^${name}`, 'm'))
    assert.match(text, /^dbal_requests_total\{method="users\.create",status="ok"\} \d+$/m)
    assert.match(text, /^dbal_acl_decisions_total\{decision="deny"\} [1-9]\d*$/m)
    assert.equal((await fetch(`${d.httpUrl}/elsewhere`)).status, 404)
  })
})
