/**
 * The daemon hosts every registered backend by name (adapters/registry.ts): each one here is started
 * from a config naming it, migrated at start-up, written and read through the bridge, and emptied by
 * test.reset through the adapter's own reset(). Server backends run on a scratch database.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { REGISTRY } from '../adapters/registry.ts'
import { RemoteExecutor } from '../adapters/remote/index.ts'
import { backendNamed } from '../harness/backends.ts'
import { testDaemon, type TestDaemon } from './daemon-helpers.ts'
import { scratchDatabase, skipFor, type TestDatabase } from './servers.ts'

for (const entry of REGISTRY)
  describe(`the daemon hosting ${entry.name}`, { skip: skipFor(backendNamed(entry.name)) }, () => {
    let db: TestDatabase | undefined
    let d: TestDaemon
    before(async () => {
      const scratch = await scratchDatabase(entry.name, `d${process.pid}`, 'daemonhost')
      if ('notRun' in scratch) assert.fail(scratch.notRun)
      db = entry.server || entry.fileUrl ? scratch : undefined
      d = await testDaemon({ backend: { name: entry.name, ...(db ? { url: db.url } : {}) } })
    })
    after(async () => {
      await d?.stop()
      await db?.drop()
    })

    it('serves writes and reads, and test.reset empties it', async () => {
      const c = new RemoteExecutor({ url: d.url, token: d.token })
      try {
        const u = (await c.execute('User', 'create', { username: 'ann', email: 'ann@example.com' })) as {
          id: string
        }
        assert.equal(
          ((await c.execute('User', 'read', { id: u.id })) as { username: string }).username,
          'ann',
        )
        assert.equal(await c.execute('User', 'count', {}), 1)
        await c.reset()
        assert.equal(await c.execute('User', 'count', {}), 0)
      } finally {
        await c.close()
      }
    })
  })
