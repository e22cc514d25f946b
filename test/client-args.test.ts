/**
 * Errors that help (issue 9, item 6): a typed method called with arguments of the wrong shape says
 * what it takes; a user without a username says which field is missing; a remote client without a
 * token is refused where it is built.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { remoteClient } from '../adapters/remote/index.ts'
import { inputOf, signatureOf } from '../core/client-args.ts'
import { DBALError } from '../core/errors.ts'
import { schema } from '../core/schema.ts'
import { testDaemon } from './daemon-helpers.ts'
import { newUser, rejects, testClient } from './helpers.ts'

/** VALIDATION_ERROR with one field error about `field` whose text includes `says`. */
async function wrongShape(p: Promise<unknown>, field: string, says: string): Promise<void> {
  const e = await rejects(p, 'VALIDATION_ERROR')
  assert.deepEqual(
    e.details?.fields?.map((f) => f.field),
    [field],
  )
  assert.ok(e.details!.fields![0]!.error.includes(says), e.details!.fields![0]!.error)
}

describe('typed methods called with arguments of the wrong shape', () => {
  it('update({ id, role }), read({ id }), delete({ id }): VALIDATION_ERROR saying what they take', async () => {
    const { client } = testClient()
    const u = await newUser(client)
    await wrongShape(
      client.users.update({ id: u.id, role: 'admin' } as never, undefined as never),
      'id',
      'users.update takes (id, patch)',
    )
    await wrongShape(client.users.read({ id: u.id } as never), 'id', 'users.read takes (id)')
    await wrongShape(client.users.delete({ id: u.id } as never), 'id', 'users.delete takes (id)')
    await wrongShape(client.pages.readBySlug(7 as never), 'slug', 'pages.readBySlug takes (slug)')
    // Nothing was changed by the refused calls.
    assert.equal((await client.users.read(u.id)).role, u.role)
  })
  it('update(id) without a patch, or with a patch that is no object', async () => {
    const { client } = testClient()
    const u = await newUser(client)
    await wrongShape(client.users.update(u.id, undefined as never), 'patch', 'must be an object')
    await wrongShape(client.users.update(u.id, 'admin' as never), 'patch', 'users.update takes (id, patch)')
  })
  it('an operation taking one argument object, given something else', async () => {
    const { client } = testClient()
    await wrongShape(
      client.credentials.set('alice' as never),
      'input',
      'credentials.set takes one argument object',
    )
    await wrongShape(client.users.create('alice' as never), 'input', 'users.create takes one argument object')
  })
  it('every positional signature comes from schema/operations.yaml', async () => {
    const { client } = testClient()
    await wrongShape(
      client.components.move(7 as never, null),
      'id',
      'components.move takes (id, newParentId, order?)',
    )
    await wrongShape(client.users.search(5 as never), 'query', 'users.search takes (query, options?)')
    await wrongShape(client.components.getTree(1 as never), 'pageId', 'components.getTree takes (pageId)')
    await wrongShape(client.sessions.resolve(undefined as never), 'token', 'sessions.resolve takes (token)')
    await wrongShape(client.users.search('al', 3 as never), 'options', 'options must be an object')
  })
  it('maps positional arguments onto the input object as the spec says', () => {
    const ops = schema.operations
    const spec = (e: string, o: string) => ops.get(e)!.get(o)!
    const id = '00000000-0000-4000-8000-000000000001'
    assert.deepEqual(inputOf('users', spec('User', 'update'), [id, { id: 'other', role: 'admin' }]), {
      id,
      role: 'admin',
    })
    assert.deepEqual(inputOf('users', spec('User', 'search'), ['al', { limit: 2 }]), {
      query: 'al',
      limit: 2,
    })
    assert.deepEqual(inputOf('components', spec('ComponentHierarchy', 'move'), [id, null]), {
      id,
      newParentId: null,
    })
    assert.deepEqual(inputOf('users', spec('User', 'count'), []), {})
    assert.deepEqual(inputOf('users', spec('User', 'updateMany'), [{ a: 1 }, { b: 2 }]), {
      filter: { a: 1 },
      data: { b: 2 },
    })
    assert.equal(signatureOf(spec('ComponentHierarchy', 'move')), '(id, newParentId, order?)')
  })
  it('the right shapes still work', async () => {
    const { client } = testClient()
    const u = await newUser(client)
    assert.equal((await client.users.update(u.id, { role: 'admin' })).role, 'admin')
    assert.equal(await client.users.delete(u.id), true)
  })
})

describe('as(user) with a user that is not one', () => {
  const { client } = testClient()
  const id = '00000000-0000-4000-8000-000000000001'
  const refusedFor = (user: unknown, field: string, says: RegExp) => {
    let error: unknown
    try {
      client.as(user as never)
    } catch (e) {
      error = e
    }
    assert.ok(DBALError.is(error, 'UNAUTHORIZED'), String(error))
    assert.equal(error.details?.field, field)
    assert.match(String(error.details?.reason), says)
  }
  it('names the missing or wrong field, never its value', () => {
    refusedFor({ id, role: 'admin' }, 'username', /username is missing/)
    refusedFor({ username: 'a', role: 'admin' }, 'id', /id is missing/)
    refusedFor({ id: 'nope', username: 'a', role: 'admin' }, 'id', /id must be a UUID/)
    refusedFor({ id, username: 'a' }, 'role', /role is missing/)
    refusedFor({ id, username: 'a', role: 'root' }, 'role', /role must be one of user, admin/)
    refusedFor({ id, username: 7, role: 'admin' }, 'username', /username must be a string/)
  })
})

describe('remoteClient', () => {
  const refused = (options: unknown, field: string, says: RegExp) => {
    let error: unknown
    try {
      remoteClient(options as never)
    } catch (e) {
      error = e
    }
    assert.ok(DBALError.is(error, 'VALIDATION_ERROR'), String(error))
    assert.equal(error.details?.fields?.[0]?.field, field)
    assert.match(error.details!.fields![0]!.error, says)
  }
  it('without a token: refused at construction, saying how to get one without', () => {
    refused({ url: 'ws://127.0.0.1:1' }, 'options.token', /required.*unauthenticated: true/)
    refused({ url: 'ws://127.0.0.1:1', token: '' }, 'options.token', /required/)
    refused({ token: 'x' }, 'options.url', /required/)
    refused(
      { url: 'ws://127.0.0.1:1', token: 'x', unauthenticated: true },
      'options.unauthenticated',
      /token/,
    )
  })
  it('unauthenticated: true is a token-less client: credentials.verify, and nothing else', async () => {
    const d = await testDaemon()
    try {
      const sys = remoteClient({ url: d.url, token: d.token })
      await sys.users.create({ username: 'alice', email: 'a@x.io' })
      await sys.credentials.set({ username: 'alice', password: 'correct horse battery' })
      await sys.close()
      const login = remoteClient({ url: d.url, unauthenticated: true })
      assert.equal(
        await login.credentials.verify({ username: 'alice', password: 'correct horse battery' }),
        true,
      )
      await rejects(login.users.count(), 'UNAUTHORIZED')
      await login.close()
    } finally {
      await d.stop()
    }
  })
})
