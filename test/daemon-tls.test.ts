/**
 * wss:// and https:// on one port with a certificate from the config: the bridge connects when it trusts
 * the CA and fails (DATABASE_ERROR, not a hang) when it does not; /health answers over https.
 * The certificate is made by openssl for 127.0.0.1 at test time.
 */
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { get } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { RemoteExecutor } from '../adapters/remote/index.ts'
import { testDaemon, type TestDaemon } from './daemon-helpers.ts'
import { rejects } from './helpers.ts'

describe('the daemon over TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dbal-tls-'))
  const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')]
  let d: TestDaemon
  let ca: Buffer

  before(async () => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    )
    ca = readFileSync(cert)
    d = await testDaemon({ tls: { cert, key } })
  })
  after(async () => {
    await d.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('serves wss:// to a client that trusts the certificate', async () => {
    assert.match(d.url, /^wss:\/\/127\.0\.0\.1:\d+$/)
    const r = new RemoteExecutor({ url: d.url, token: d.token, tls: { ca } })
    try {
      assert.equal(await r.execute('User', 'count', {}), 0)
    } finally {
      await r.close()
    }
  })

  it('fails, without hanging, for a client that does not', async () => {
    const r = new RemoteExecutor({
      url: d.url,
      token: d.token,
      requestTimeoutMs: 1000,
      backoff: { initialMs: 50, maxMs: 200 },
    })
    try {
      assert.match(
        String((await rejects(r.execute('User', 'count', {}), 'DATABASE_ERROR')).details?.reason),
        /^daemon unreachable at wss:\/\/127\.0\.0\.1:\d+$/,
      )
    } finally {
      await r.close()
    }
  })

  it('answers /health over https', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) =>
      get(
        `https://127.0.0.1:${d.daemon.port}/health`,
        { ca },
        (res) => (res.resume(), resolve(res.statusCode)),
      ).on('error', reject),
    )
    assert.equal(status, 200)
  })
})
