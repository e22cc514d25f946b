/**
 * A write whose outcome is unknown must leave a safe retry (issue 8): TIMEOUT as well as DATABASE_ERROR
 * carries the write's idempotency key. Here a createMany of 3000 components (no unique key: a second
 * application would duplicate every row) gets a 2 ms client timeout; the daemon goes on and commits it.
 * Retrying with the key from the error's details applies it at most once.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { RemoteExecutor } from '../adapters/remote/executor.ts'
import { testDaemon } from './daemon-helpers.ts'
import { rejects } from './helpers.ts'

describe('a write that timed out on the client', () => {
  it('carries its idempotency key, and the retry with it applies the write once', async () => {
    const d = await testDaemon()
    const sys = new RemoteExecutor({ url: d.url, token: d.token })
    try {
      const page = (await sys.execute('PageView', 'create', {
        slug: 'p',
        title: 'P',
        level: 1,
        layout: {},
      })) as {
        id: string
      }
      const items = Array.from({ length: 3000 }, (_, i) => ({
        pageId: page.id,
        componentType: 'Box',
        order: i,
      }))
      const e = await rejects(
        sys.execute('ComponentHierarchy', 'createMany', { items }, { timeoutMs: 2 }),
        'TIMEOUT',
      )
      const key = e.details?.idempotencyKey
      assert.equal(typeof key, 'string')
      const again = await sys.execute(
        'ComponentHierarchy',
        'createMany',
        { items },
        { idempotencyKey: key as string },
      )
      assert.equal(again, 3000)
      assert.equal(await sys.execute('ComponentHierarchy', 'count', {}), 3000)
    } finally {
      await sys.close()
      await d.stop()
    }
  })

  it('a refusal carries no key: it changed nothing, and retrying it cannot help', async () => {
    const d = await testDaemon()
    const sys = new RemoteExecutor({ url: d.url, token: d.token })
    try {
      const e = await rejects(sys.execute('User', 'create', { username: 'x' }), 'VALIDATION_ERROR')
      assert.equal(e.details?.idempotencyKey, undefined)
    } finally {
      await sys.close()
      await d.stop()
    }
  })
})
