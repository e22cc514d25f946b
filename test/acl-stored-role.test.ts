/**
 * A demoted admin must not restore its own role (issue 8): role decisions rest on stored rows, never on
 * the role a caller was given with. Tried on every path: single update, bulk updateMany, create and
 * createMany, in process with the old user object and on the admin's open daemon connection (whose
 * session is not checked again in the meantime).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AuthUser } from '../core/executor.ts'
import { MemoryAdapter } from '../reference/memory.ts'
import { testDaemon } from './daemon-helpers.ts'
import { rejects, testClient } from './helpers.ts'
import { RemoteExecutor } from '../adapters/remote/executor.ts'
import { randomBytes } from 'node:crypto'

type Role = 'user' | 'admin' | 'god' | 'supergod'
const person = (n: string, role: Role = 'user') => ({ username: n, email: `${n}@example.com`, role })

describe('a demoted admin, in process with its old user object', () => {
  it('cannot restore its role by update, updateMany, create or createMany', async () => {
    const { client } = testClient()
    const admin = (await client.users.create(person('ada', 'admin'))) as AuthUser
    const asOld = client.as(admin)
    await client.users.update(admin.id, { role: 'user' })
    const self = { filter: { id: admin.id }, data: { role: 'admin' as const } }
    await rejects(asOld.users.updateMany(self.filter, self.data), 'FORBIDDEN')
    await rejects(asOld.users.update(admin.id, { role: 'admin' }), 'FORBIDDEN')
    await rejects(asOld.users.create(person('sock', 'admin')), 'FORBIDDEN')
    await rejects(asOld.users.createMany([person('sock2', 'admin')]), 'FORBIDDEN')
    // Nor lift anyone else: it is a user now, and users give no roles.
    const other = await client.users.create(person('bob'))
    await rejects(asOld.users.updateMany({ id: other.id }, { role: 'admin' }), 'FORBIDDEN')
    assert.equal((await client.users.read(admin.id)).role, 'user')
    assert.equal((await client.users.read(other.id)).role, 'user')
    // What a user may do still works: a sign-up as role user, its own row without a role change.
    assert.equal((await asOld.users.create(person('kid'))).role, 'user')
    assert.equal(await asOld.users.updateMany({ id: admin.id }, { role: 'user' }), 1)
  })

  it('an admin whose row is gone may give only what anyone may give', async () => {
    const { client } = testClient()
    const admin = (await client.users.create(person('gone', 'admin'))) as AuthUser
    await client.users.delete(admin.id)
    const ghost = client.as(admin)
    await rejects(ghost.users.create(person('xyz', 'admin')), 'FORBIDDEN')
    await rejects(ghost.users.createMany([person('xy1'), person('xy2', 'admin')]), 'FORBIDDEN')
    // CONTRACT §7: anonymous callers may create users with the role `user`; a ghost is no less, and
    // for such a create the ACL skips the read of the actor's own row (bench/: 2 round trips → 1).
    assert.equal((await ghost.users.create(person('xyz', 'user'))).role, 'user')
    assert.equal(await client.users.count({ role: 'admin' }), 0)
  })

  it('a real admin still demotes and promotes others within its rank', async () => {
    const { client } = testClient()
    const admin = (await client.users.create(person('boss', 'admin'))) as AuthUser
    const u = await client.users.create(person('worker'))
    const asAdmin = client.as(admin)
    assert.equal(await asAdmin.users.updateMany({ id: u.id }, { role: 'admin' }), 1)
    await rejects(asAdmin.users.updateMany({ id: u.id }, { role: 'god' }), 'FORBIDDEN')
    await rejects(asAdmin.users.updateMany({ id: admin.id }, { role: 'user' }), 'FORBIDDEN')
  })
})

describe('a demoted admin on its open daemon connection', () => {
  it('cannot restore its role in bulk or singly', async () => {
    const adapter = new MemoryAdapter()
    const d = await testDaemon({ auth: { session_recheck_ms: 3_600_000 } }, adapter)
    const sys = new RemoteExecutor({ url: d.url, token: d.token })
    try {
      const admin = (await sys.execute('User', 'create', person('ada', 'admin'))) as AuthUser
      const token = randomBytes(24).toString('hex')
      await sys.execute('Session', 'create', {
        userId: admin.id,
        token,
        expiresAt: '2999-01-01T00:00:00.000Z',
      })
      const conn = new RemoteExecutor({ url: d.url, token })
      assert.equal(((await conn.execute('User', 'list', {})) as { total: number }).total, 1)
      await sys.execute('User', 'update', { id: admin.id, role: 'user' })
      await rejects(
        conn.execute('User', 'updateMany', { filter: { id: admin.id }, data: { role: 'admin' } }),
        'FORBIDDEN',
      )
      await rejects(conn.execute('User', 'update', { id: admin.id, role: 'admin' }), 'FORBIDDEN')
      assert.equal(((await sys.execute('User', 'read', { id: admin.id })) as { role: string }).role, 'user')
      await conn.close()
    } finally {
      await sys.close()
      await d.stop()
    }
  })
})
