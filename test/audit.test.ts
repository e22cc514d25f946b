/** CONTRACT §7 audit: one record per operation through the ACL, its exact content, and no field value in it. */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { JsonLinesAuditSink, MemoryAuditSink, type AuditRecord, type AuditSink } from '../core/audit.ts'
import { DBALClient } from '../core/client.ts'
import { MemoryAdapter } from '../reference/memory.ts'
import { FAST_SCRYPT, iso, rejects, T0 } from './helpers.ts'

function setup(sink: AuditSink = new MemoryAuditSink()) {
  const adapter = new MemoryAdapter()
  const system = new DBALClient({ adapter, clock: () => T0, scrypt: FAST_SCRYPT, audit: sink })
  return { adapter, system, sink }
}

const records = (sink: AuditSink) => (sink as MemoryAuditSink).records
const KEYS = ['actor', 'code', 'entity', 'operation', 'success', 'targetId', 'timestamp']

describe('audit records', () => {
  it('one per operation through the ACL, with exactly {timestamp, actor, entity, operation, targetId?, success, code?}', async () => {
    const { system, sink } = setup()
    const ann = await system.users.create({ username: 'ann', email: 'ann@example.com' })
    assert.equal(records(sink).length, 0, 'the trusted caller is not audited for ordinary operations')
    const asAnn = system.as(ann)
    await asAnn.users.read(ann.id)
    await asAnn.users.update(ann.id, { email: 'ann@example.org' })
    await asAnn.users.list()
    await asAnn.users.search('ann')
    await asAnn.pages.count()
    const actor = { id: ann.id, username: 'ann', role: 'user' }
    assert.deepEqual(records(sink), [
      { timestamp: iso(T0), actor, entity: 'User', operation: 'read', targetId: ann.id, success: true },
      { timestamp: iso(T0), actor, entity: 'User', operation: 'update', targetId: ann.id, success: true },
      { timestamp: iso(T0), actor, entity: 'User', operation: 'list', success: true },
      { timestamp: iso(T0), actor, entity: 'User', operation: 'search', success: true },
      { timestamp: iso(T0), actor, entity: 'PageView', operation: 'count', success: true },
    ])
    for (const r of records(sink))
      assert.deepEqual(
        Object.keys(r).filter((k) => !KEYS.includes(k)),
        [],
      )
  })

  it('a create records the new row as its target; the anonymous actor has a role and nothing else', async () => {
    const { system, sink } = setup()
    const u = await system.as('anonymous').users.create({ username: 'newbie', email: 'newbie@example.com' })
    assert.deepEqual(records(sink), [
      {
        timestamp: iso(T0),
        actor: { role: 'anonymous' },
        entity: 'User',
        operation: 'create',
        targetId: u.id,
        success: true,
      },
    ])
  })

  it('denials are recorded with code FORBIDDEN, and other failures with their code', async () => {
    const { system, sink } = setup()
    const ann = await system.users.create({ username: 'ann', email: 'ann@example.com' })
    const bob = await system.users.create({ username: 'bob', email: 'bob@example.com' })
    await rejects(system.as(ann).users.read(bob.id), 'FORBIDDEN')
    await rejects(system.as(ann).users.update(ann.id, { role: 'admin' }), 'FORBIDDEN')
    await rejects(system.as('anonymous').sessions.list(), 'FORBIDDEN')
    await rejects(system.as(ann).users.read('00000000-0000-4000-8000-000000000000'), 'NOT_FOUND')
    await rejects(system.as(ann).users.update(ann.id, { email: 'not an email' }), 'VALIDATION_ERROR')
    assert.deepEqual(
      records(sink).map((r) => [r.actor.role, r.entity, r.operation, r.targetId, r.success, r.code]),
      [
        ['user', 'User', 'read', bob.id, false, 'FORBIDDEN'],
        ['user', 'User', 'update', ann.id, false, 'FORBIDDEN'],
        ['anonymous', 'Session', 'list', undefined, false, 'FORBIDDEN'],
        ['user', 'User', 'read', '00000000-0000-4000-8000-000000000000', false, 'NOT_FOUND'],
        ['user', 'User', 'update', ann.id, false, 'VALIDATION_ERROR'],
      ],
    )
  })

  it('UNAUTHORIZED from verify is recorded, for the system client too; a success only through the ACL', async () => {
    const { system, sink } = setup()
    await system.users.create({ username: 'ann', email: 'ann@example.com' })
    await system.credentials.set({ username: 'ann', password: 'right-password-1' })
    await rejects(
      system.as('anonymous').credentials.verify({ username: 'ann', password: 'wrong-password-1' }),
      'UNAUTHORIZED',
    )
    await system.as('anonymous').credentials.verify({ username: 'ann', password: 'right-password-1' })
    await rejects(
      system.credentials.verify({ username: 'ann', password: 'wrong-password-2' }),
      'UNAUTHORIZED',
    )
    await rejects(
      system.credentials.verify({ username: 'nobody', password: 'wrong-password-3' }),
      'UNAUTHORIZED',
    )
    await system.credentials.verify({ username: 'ann', password: 'right-password-1' })
    assert.deepEqual(
      records(sink).map((r) => [r.actor.role, r.entity, r.operation, r.success, r.code]),
      [
        ['anonymous', 'Credential', 'verify', false, 'UNAUTHORIZED'],
        ['anonymous', 'Credential', 'verify', true, undefined],
        ['system', 'Credential', 'verify', false, 'UNAUTHORIZED'],
        ['system', 'Credential', 'verify', false, 'UNAUTHORIZED'],
      ],
    )
  })

  it('SANDBOX_VIOLATION and MALICIOUS_CODE_DETECTED are recorded whoever calls, the system included', async () => {
    const { system, sink } = setup()
    const god = await system.users.create({ username: 'deity', email: 'deity@example.com', role: 'god' })
    await rejects(
      system.luaScripts.create({ name: 'evil', code: "os.execute('rm -rf /')", createdBy: god.id }),
      'MALICIOUS_CODE_DETECTED',
    )
    await rejects(
      system.luaScripts.create({ name: 'wide', code: 'return 1', allowedGlobals: ['os'], createdBy: god.id }),
      'SANDBOX_VIOLATION',
    )
    const ok = await system.luaScripts.create({ name: 'fine', code: 'return 1', createdBy: god.id })
    await rejects(
      system.as(god).luaScripts.update(ok.id, { code: 'return dofile("x")' }),
      'MALICIOUS_CODE_DETECTED',
    )
    assert.deepEqual(
      records(sink).map((r) => [r.actor.role, r.entity, r.operation, r.targetId, r.success, r.code]),
      [
        ['system', 'LuaScript', 'create', undefined, false, 'MALICIOUS_CODE_DETECTED'],
        ['system', 'LuaScript', 'create', undefined, false, 'SANDBOX_VIOLATION'],
        ['god', 'LuaScript', 'update', ok.id, false, 'MALICIOUS_CODE_DETECTED'],
      ],
    )
    assert.deepEqual(records(sink)[0]!.actor, { role: 'system' })
  })

  it('no field value reaches a record: passwords, hashes, tokens, emails, names, code', async () => {
    const { system, sink, adapter } = setup()
    const god = await system.users.create({
      username: 'deity',
      email: 'deity-mail@example.com',
      role: 'supergod',
    })
    const victim = await system.users.create({ username: 'victim_name', email: 'victim-mail@example.com' })
    await system.credentials.set({ username: 'victim_name', password: 'Secret-Password-42' })
    const token = 'session-token-abcdefghijklmnop'
    const session = await system.sessions.create({ userId: victim.id, token, expiresAt: T0 + 3_600_000 })
    const hash = (
      await adapter.list('Credential', { filter: { kind: 'all' }, sort: [], offset: 0, limit: 10 })
    ).data[0]!.passwordHash as string
    assert.match(hash, /^scrypt\$/)
    const values = [
      'Secret-Password-42',
      'Wrong-Password-43',
      hash,
      'scrypt$',
      token,
      'victim_name',
      'victim-mail@example.com',
      'deity-mail@example.com',
      'Hidden Title',
      'page-slug-x',
      'wf-name-x',
      'os.execute',
    ]
    const g = system.as(god)
    const v = system.as(victim)
    // Calls that carry every kind of value, as input or as a wrong id, and fail or succeed.
    await rejects(
      system.as('anonymous').credentials.verify({ username: 'victim_name', password: 'Wrong-Password-43' }),
      'UNAUTHORIZED',
    )
    await system
      .as('anonymous')
      .credentials.verify({ username: 'victim_name', password: 'Secret-Password-42' })
    await rejects(v.credentials.set({ username: 'victim_name', password: 'Secret-Password-42' }), 'FORBIDDEN')
    await rejects(v.sessions.resolve(token), 'FORBIDDEN')
    await rejects(v.sessions.read(session.id), 'FORBIDDEN')
    await rejects(v.users.read(token), 'NOT_FOUND')
    await rejects(v.execute('User', 'read', { id: 'Secret-Password-42' }), 'NOT_FOUND')
    await g.users.search('victim_name')
    await g.users.list({ filter: { email: 'victim-mail@example.com' } })
    await g.users.update(victim.id, { email: 'victim-mail@example.com' })
    await g.pages.create({
      slug: 'page-slug-x',
      title: 'Hidden Title',
      level: 5,
      layout: { secret: 'Secret-Password-42' },
    })
    await g.pages.readBySlug('page-slug-x')
    await g.workflows.create({
      name: 'wf-name-x',
      trigger: 'manual',
      triggerConfig: { token },
      steps: {},
      createdBy: god.id,
    })
    await rejects(
      g.luaScripts.create({ name: 'x', code: "os.execute('Secret-Password-42')", createdBy: god.id }),
      'MALICIOUS_CODE_DETECTED',
    )
    await rejects(g.users.create({ username: 'victim_name', email: 'victim-mail@example.com' }), 'CONFLICT')
    await rejects(v.users.update(victim.id, { email: 'Secret-Password-42' }), 'VALIDATION_ERROR')
    assert.ok(records(sink).length >= 16)
    const text = JSON.stringify(
      records(sink).map(({ actor: { username: _, ...actor }, ...r }) => ({ ...r, actor })),
    )
    for (const value of values) assert.ok(!text.includes(value), `an audit record contains ${value}`)
    // The actor's own username is part of the record (§7: actor {id, username, role}), and only there.
    assert.ok(
      records(sink).every(
        (r) =>
          r.actor.username === undefined ||
          r.actor.username === 'deity' ||
          r.actor.username === 'victim_name',
      ),
    )
  })

  it('JsonLinesAuditSink appends one parseable JSON line per record to a file only its owner can read', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'dbal-audit-')), 'audit.jsonl')
    const memory = new MemoryAuditSink()
    const file = new JsonLinesAuditSink(path)
    const both: AuditSink = {
      write(r: AuditRecord) {
        memory.write(r)
        file.write(r)
      },
    }
    const { system } = setup(both)
    const ann = await system.users.create({ username: 'ann', email: 'ann@example.com' })
    await system.as(ann).users.read(ann.id)
    await rejects(system.as(ann).users.delete(ann.id), 'FORBIDDEN')
    await rejects(
      system.as('anonymous').credentials.verify({ username: 'ann', password: 'nope-nope' }),
      'UNAUTHORIZED',
    )
    await file.close()
    const lines = readFileSync(path, 'utf8').split('\n')
    assert.equal(lines.pop(), '', 'every line ends with a newline')
    assert.deepEqual(
      lines.map((l) => JSON.parse(l) as unknown),
      memory.records,
    )
    assert.equal(lines.length, 3)
    assert.equal(statSync(path).mode & 0o777, 0o600)
  })
})

describe('audit lines are bounded', () => {
  it('a user object that no User row could be (megabyte username, id not a UUID) is UNAUTHORIZED', async () => {
    const { system, sink } = setup()
    const ann = await system.users.create({ username: 'ann', email: 'ann@example.com' })
    for (const bad of [
      { ...ann, username: 'u'.repeat(1 << 20) },
      { ...ann, id: `${ann.id}-${'x'.repeat(1000)}` },
    ])
      await rejects(async () => system.as(bad).users.read(ann.id), 'UNAUTHORIZED')
    for (const r of records(sink)) assert.ok(JSON.stringify(r).length < 500, JSON.stringify(r).slice(0, 200))
  })
})
