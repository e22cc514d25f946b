/** dbal.daemon.yaml: strict keys, `${ENV}` secrets, defaults, and the example file shipped with the daemon. */
import assert from 'node:assert/strict'
import { availableParallelism } from 'node:os'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'node:test'
import { ConfigError } from '../core/config-error.ts'
import { configFrom, loadConfig } from '../daemon/config.ts'

const TOKEN = 'a-service-token-that-is-long-enough-0123'
const base = () => ({
  backend: { name: 'sqlite', url: 'app.db' },
  auth: { service_tokens: [{ name: 'app', token: TOKEN }] },
})

/** The ConfigError's key and problem, for a config that must not load. */
function refused(value: unknown, env: NodeJS.ProcessEnv = {}): { key: string; problem: string } {
  try {
    configFrom(value, 'dbal.daemon.yaml', env)
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e))
    return { key: e.key, problem: e.problem }
  }
  return assert.fail('the config loaded')
}

describe('the daemon config', () => {
  it('names the key of a typo, a wrong type or a value out of range', () => {
    assert.equal(refused({ ...base(), limit: {} }).key, 'limit')
    assert.equal(refused({ ...base(), limits: { max_frame: 1 } }).key, 'limits.max_frame')
    assert.equal(refused({ ...base(), listen: { port: 70000 } }).key, 'listen.port')
    assert.equal(refused({ ...base(), backend: { name: 'oracle', url: 'x' } }).key, 'backend.name')
    assert.equal(refused({ backend: { name: 'postgres' } }).key, 'backend.url')
    assert.equal(refused({ ...base(), test: { reset: 'yes' } }).key, 'test.reset')
    assert.match(
      refused({ ...base(), auth: { service_tokens: [{ name: 'short', token: 'abc' }] } }).problem,
      /at least 32/,
    )
    assert.equal(
      refused({ ...base(), auth: { service_tokens: [{ name: 'short', token: 'abc' }] } }).key,
      'auth.service_tokens[0].token',
    )
  })

  it('reads secrets from the environment and names the key of an unset variable', () => {
    const c = configFrom(
      {
        backend: { name: 'postgres', url: '${DB_URL}' },
        listen: { port: '${PORT:-9000}' },
        auth: { service_tokens: [{ name: 'app', token: '${TOKEN}' }] },
      },
      'f',
      { DB_URL: 'postgres://u:p@h/db', TOKEN },
    )
    assert.deepEqual(
      [c.backend.url, c.listen.port, c.auth.serviceTokens[0]!.token],
      ['postgres://u:p@h/db', 9000, TOKEN],
    )
    const r = refused({ ...base(), backend: { name: 'postgres', url: '${NOT_SET}' } })
    assert.deepEqual(r, { key: 'backend.url', problem: 'environment variable NOT_SET is not set' })
  })

  it('fills the documented defaults', () => {
    const c = configFrom(base(), 'f', {})
    assert.deepEqual(c.listen, { host: '127.0.0.1', port: 8765 })
    assert.deepEqual(c.limits, {
      maxFrameBytes: 1 << 20,
      maxInFlight: 32,
      ratePerConnection: 200,
      ratePerIp: 1000,
      requestTimeoutMs: 30_000,
      idleTimeoutMs: 300_000,
      heartbeatMs: 30_000,
      maxConnections: 1000,
      maxBufferedBytes: 4 << 20,
      maxBatch: 100,
      shutdownTimeoutMs: 10_000,
      hashing: { concurrent: Math.max(1, availableParallelism() - 1), queued: 64, perIp: 2 },
      transactions: { maxMs: 15_000, waitMs: 5_000, perConnection: 4, maxCalls: 100 },
      service: { maxInFlight: 256, ratePerConnection: 100_000 },
    })
    assert.deepEqual(
      [
        c.auth.allowAnonymous,
        c.auth.sessionRecheckMs,
        c.idempotency.windowSeconds,
        c.test.reset,
        c.backend.migrate,
        c.audit.file,
        c.tls,
      ],
      [true, 5000, 86_400, false, true, undefined, undefined],
    )
  })

  it('loads the example config shipped in daemon/', () => {
    const c = loadConfig(fileURLToPath(new URL('../daemon/dbal.daemon.example.yaml', import.meta.url)), {
      DBAL_DATABASE_URL: 'postgres://dbal@db/dbal',
      DBAL_SERVICE_TOKEN: TOKEN,
    })
    assert.equal(c.backend.name, 'postgres')
    assert.equal(c.auth.serviceTokens[0]!.token, TOKEN)
  })
})
