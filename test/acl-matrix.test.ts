/** The ACL matrix (contracts/acl/matrix.yaml) is current, complete, and its oracle agrees with facts worked out by hand. */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { MATRIX_PATH, matrixCases, renderAclMatrix } from '../harness/acl/matrix.ts'
import {
  CALLERS,
  decide,
  grantOf,
  operationsOf,
  ROLES,
  type Caller,
  type RowFacts,
} from '../harness/acl/oracle.ts'

const ENTITIES = [
  'User',
  'Credential',
  'Session',
  'PageView',
  'ComponentHierarchy',
  'Workflow',
  'LuaScript',
  'Package',
]
const allowed = (caller: Caller, entity: string, op: string, call?: Parameters<typeof decide>[3]) =>
  decide(caller, entity, op, call).allowed
const visible = (caller: Caller, entity: string, op: string, rows: RowFacts[]) => {
  const v = decide(caller, entity, op, { rows })
  return v.allowed ? v.visible.map((r) => r.id) : 'denied'
}
const self = (role: string): RowFacts => ({ id: 'self', role })
const other = (role: string): RowFacts => ({ id: `other_${role}`, role })

describe('contracts/acl/matrix.yaml', () => {
  it('is what `dbal generate` writes from schema/acl.yaml (regenerate when this fails)', () => {
    assert.ok(
      readFileSync(MATRIX_PATH, 'utf8') === renderAclMatrix(),
      'contracts/acl/matrix.yaml is stale: run `npx dbal generate`',
    )
  })

  it('covers every caller × entity × operation', () => {
    // Checked on the generated cases, which the test above proves equal to the file (the harness loads
    // and schema-checks the file itself on every run; parsing 350 kB of YAML again here would cost 3 s).
    const seen = new Set<string>()
    for (const c of matrixCases()) {
      const caller = CALLERS.find((x) => c.name.includes(` as ${x}`))
      assert.ok(caller, c.name)
      for (const s of c.steps) if (s.as !== undefined) seen.add(`${caller} ${s.entity}.${s.action}`)
    }
    const missing = CALLERS.flatMap((caller) =>
      ENTITIES.flatMap((e) => operationsOf(e).map((op) => `${caller} ${e}.${op}`)),
    ).filter((k) => !seen.has(k))
    assert.deepEqual(missing, [])
  })

  it('never expects FORBIDDEN from the verify gateway, and expects both of its answers', () => {
    const verify = matrixCases()
      .flatMap((c) => c.steps)
      .filter((s) => s.action === 'verify')
    assert.equal(verify.length, 2 * (4 * 2 + 1)) // right and wrong password; own and other for each role, other for anonymous
    const codes = verify
      .map((s) => (s.expected.error as { code?: string } | undefined)?.code ?? String(s.expected.output))
      .sort()
    assert.deepEqual([...new Set(codes)], ['UNAUTHORIZED', 'true'])
  })
})

describe('the oracle, against facts worked out by hand from CONTRACT §7', () => {
  it('User: self for users, everyone for admins; no role above one’s own, nor a change of one’s own', () => {
    assert.equal(allowed('anonymous', 'User', 'create'), true)
    assert.equal(allowed('anonymous', 'User', 'create', { role: 'user' }), true)
    assert.equal(allowed('anonymous', 'User', 'create', { role: 'admin' }), false)
    assert.equal(allowed('user', 'User', 'create', { role: 'admin' }), false)
    assert.equal(allowed('admin', 'User', 'create', { role: 'admin' }), true)
    assert.equal(allowed('admin', 'User', 'createMany', { role: 'god' }), false)
    assert.deepEqual(visible('user', 'User', 'list', [self('user'), other('user'), other('admin')]), ['self'])
    assert.deepEqual(visible('admin', 'User', 'list', [self('admin'), other('supergod')]), [
      'self',
      'other_supergod',
    ])
    assert.deepEqual(visible('anonymous', 'User', 'count', []), 'denied')
    assert.equal(allowed('user', 'User', 'read', { rows: [other('user')] }), false)
    assert.equal(allowed('user', 'User', 'update', { rows: [self('user')] }), true)
    assert.equal(allowed('user', 'User', 'update', { rows: [self('user')], role: 'admin' }), false)
    assert.equal(
      allowed('user', 'User', 'update', { rows: [self('user')], role: 'user' }),
      true,
      'the same role is no change',
    )
    assert.equal(allowed('admin', 'User', 'update', { rows: [other('user')], role: 'god' }), false)
    assert.equal(allowed('admin', 'User', 'update', { rows: [other('user')], role: 'admin' }), true)
    assert.equal(allowed('admin', 'User', 'update', { rows: [other('god')] }), false)
    assert.equal(
      allowed('admin', 'User', 'update', { rows: [self('admin')], role: 'user' }),
      false,
      'own role is locked',
    )
    assert.equal(allowed('supergod', 'User', 'update', { rows: [self('supergod')], role: 'god' }), false)
    assert.equal(allowed('admin', 'User', 'delete', { rows: [other('supergod')] }), false)
    assert.equal(allowed('admin', 'User', 'delete', { rows: [other('admin')] }), true)
    assert.equal(allowed('user', 'User', 'delete', { rows: [self('user')] }), false)
  })

  it('bulk updates: the own-role lock holds however the filter reaches the row; hidden rows are not touched', () => {
    assert.equal(
      allowed('admin', 'User', 'updateMany', { rows: [self('admin'), other('user')], role: 'user' }),
      false,
    )
    assert.equal(
      allowed('admin', 'User', 'updateMany', { rows: [self('admin'), other('user')], role: 'admin' }),
      true,
    )
    assert.equal(
      allowed('user', 'User', 'updateMany', { rows: [other('god')], role: 'admin' }),
      false,
      'above one’s own even with nothing matched',
    )
    assert.deepEqual(visible('admin', 'User', 'updateMany', [other('user'), other('god')]), ['other_user'])
    assert.deepEqual(
      visible(
        'god',
        'PageView',
        'deleteMany',
        [1, 4, 5].map((level) => ({ id: `p${level}`, level })),
      ),
      ['p1', 'p4'],
    )
  })

  it('PageView: levels 1–5 by caller; writes for god and up within their level', () => {
    const pages = [1, 2, 3, 4, 5].map((level) => ({ id: `p${level}`, level }))
    assert.deepEqual(
      CALLERS.map((c) => visible(c, 'PageView', 'list', pages)),
      [['p1'], ['p1', 'p2'], ['p1', 'p2', 'p3'], ['p1', 'p2', 'p3', 'p4'], ['p1', 'p2', 'p3', 'p4', 'p5']],
    )
    assert.equal(allowed('user', 'PageView', 'read', { rows: [{ id: 'p3', level: 3 }] }), false)
    assert.deepEqual(
      visible('user', 'PageView', 'readBySlug', [{ id: 'p3', level: 3 }]),
      [],
      'a query: the page is just not there',
    )
    assert.equal(allowed('admin', 'PageView', 'create'), false)
    assert.equal(allowed('god', 'PageView', 'create'), true)
    assert.equal(allowed('god', 'PageView', 'update', { rows: [{ id: 'p5', level: 5 }] }), false)
    assert.equal(allowed('supergod', 'PageView', 'delete', { rows: [{ id: 'p5', level: 5 }] }), true)
  })

  it('Credential and Session: the system only, but for the verify gateway', () => {
    for (const c of CALLERS) {
      for (const op of operationsOf('Session'))
        assert.equal(allowed(c, 'Session', op), false, `${c} Session.${op}`)
      for (const op of operationsOf('Credential'))
        assert.equal(allowed(c, 'Credential', op), op === 'verify', `${c} Credential.${op}`)
    }
    const v = decide('anonymous', 'Credential', 'verify')
    assert.ok(v.allowed && v.gateway)
    assert.equal(allowed('system', 'Session', 'list'), true)
    assert.equal(allowed('system', 'Credential', 'set'), true)
  })

  it('ComponentHierarchy, Workflow, LuaScript: admin reads, god writes; Package: god reads, supergod writes', () => {
    for (const e of ['ComponentHierarchy', 'Workflow', 'LuaScript']) {
      assert.deepEqual(
        CALLERS.map((c) => allowed(c, e, 'list')),
        [false, false, true, true, true],
        e,
      )
      assert.deepEqual(
        CALLERS.map((c) => allowed(c, e, 'update', { rows: [{ id: 'x' }] })),
        [false, false, false, true, true],
        e,
      )
    }
    assert.equal(allowed('admin', 'ComponentHierarchy', 'getTree'), true)
    assert.equal(allowed('admin', 'ComponentHierarchy', 'move', { rows: [{ id: 'x' }] }), false)
    assert.deepEqual(
      CALLERS.map((c) => allowed(c, 'Package', 'read', { rows: [{ id: 'x' }] })),
      [false, false, false, true, true],
    )
    assert.deepEqual(
      CALLERS.map((c) => allowed(c, 'Package', 'create')),
      [false, false, false, false, true],
    )
  })

  it('the policy file itself: every User write grant above anonymous caps the role at the caller’s own', () => {
    // rolePermitted also applies §7's "nobody sets a role above their own" on its own account; this is
    // the policy's side of it, so that neither can drift without the other noticing.
    for (const c of ROLES)
      for (const cls of ['create', 'update']) {
        const g = grantOf(c, 'User', cls)
        assert.ok(
          g?.role === 'at_most_own' || g?.role === 'unchanged' || g?.role === 'user_only',
          `${c} ${cls}: ${JSON.stringify(g)}`,
        )
      }
  })
})
