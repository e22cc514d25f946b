/**
 * The daemon hosting the Mongo adapter on FerretDB (`backend.name: ferretdb`): started from a config
 * naming it, migrated at start-up, and written, read and listed through the remote client, with a JSON
 * field (keys Mongo refuses raw) and a duplicate's CONFLICT crossing the wire intact.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { RemoteExecutor } from '../adapters/remote/index.ts'
import { DBALError } from '../core/errors.ts'
import { testDaemon, type TestDaemon } from './daemon-helpers.ts'
import { scratchDatabase, skipFerretDB, type TestDatabase } from './servers.ts'

describe('the daemon on ferretdb', { skip: skipFerretDB }, () => {
  let db: TestDatabase | undefined
  let d: TestDaemon | undefined
  let c: RemoteExecutor

  before(async () => {
    const scratch = await scratchDatabase('ferretdb', `d${process.pid}`, 'daemonferret')
    if ('notRun' in scratch) assert.fail(scratch.notRun)
    db = scratch
    d = await testDaemon({ backend: { name: 'ferretdb', url: db.url } })
    c = new RemoteExecutor({ url: d.url, token: d.token })
  })
  after(async () => {
    await c?.close()
    await d?.stop()
    await db?.drop()
  })

  it('creates, reads and lists through the remote client', async () => {
    const made = []
    for (const name of ['carol', 'alice', 'bob'])
      made.push(
        (await c.execute('User', 'create', { username: name, email: `${name}@example.com` })) as {
          id: string
          username: string
        },
      )
    const read = (await c.execute('User', 'read', { id: made[0]!.id })) as { username: string; email: string }
    assert.deepEqual([read.username, read.email], ['carol', 'carol@example.com'])
    const page = (await c.execute('User', 'list', { sort: { username: 'asc' }, limit: 2 })) as {
      data: { username: string }[]
      total: number
      hasMore: boolean
    }
    assert.deepEqual(
      page.data.map((u) => u.username),
      ['alice', 'bob'],
    )
    assert.equal(page.total, 3)
    assert.equal(page.hasMore, true)
    const found = (await c.execute('User', 'list', { filter: { username: { $contains: 'LI' } } })) as {
      data: { username: string }[]
    }
    assert.deepEqual(
      found.data.map((u) => u.username),
      ['alice'],
    )
  })

  it('round-trips a JSON field with dotted and $ keys, and reports a duplicate as CONFLICT', async () => {
    const layout = { 'a.b': 1, $where: 'x', nested: [[1], { 'c.d': null }] }
    const p = (await c.execute('PageView', 'create', { slug: 'home', title: 'Home', level: 1, layout })) as {
      id: string
    }
    assert.deepEqual(
      ((await c.execute('PageView', 'read', { id: p.id })) as { layout: unknown }).layout,
      layout,
    )
    await assert.rejects(
      c.execute('PageView', 'create', { slug: 'home', title: 'Again', level: 1, layout: {} }),
      (e: unknown) =>
        e instanceof DBALError && e.code === 'CONFLICT' && JSON.stringify(e.details?.unique) === '["slug"]',
    )
    assert.equal(await c.execute('PageView', 'count', {}), 1)
  })
})
