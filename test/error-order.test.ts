/**
 * Error details are deterministic by the contract's own order (createdAt, then id), not by the order in
 * which rows happened to be inserted, so that they compare across backends. Two users with the same
 * createdAt are inserted against their id order; each is referenced by a row that restricts its delete
 * (Workflow.createdBy, Package.installedBy). A deleteMany of both must name the referrer of the first
 * user in (createdAt, id) order, on the reference and on every backend reached through the seam.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import type { Adapter } from '../core/adapter.ts'
import { DBALError } from '../core/errors.ts'
import { freshAdapter, type Backend, type Provisioned } from '../harness/backend.ts'
import { BACKENDS } from '../harness/backends.ts'
import { ID, TS, userRow } from './helpers.ts'
import { skipFor } from './servers.ts'

const ALL_USERS = { kind: 'cmp', field: 'id', op: 'exists', value: true } as const

/** `swap`: ID(1) is held by the Workflow and ID(2) by the Package, so schema order of the references
 * (Workflow before Package) and row order disagree unless the rows come first. */
async function seed(a: Adapter, swap: boolean): Promise<void> {
  // Inserted 2 then 1: insertion order is the reverse of (createdAt, id) order.
  await a.create('User', userRow(2))
  await a.create('User', userRow(1))
  const [wfBy, pkgBy] = swap ? [ID(1), ID(2)] : [ID(2), ID(1)]
  await a.create('Workflow', {
    id: ID(10),
    name: 'wf',
    description: null,
    trigger: 'manual',
    triggerConfig: {},
    steps: {},
    isActive: true,
    createdBy: wfBy,
    createdAt: TS,
    updatedAt: TS,
  })
  await a.create('Package', {
    id: ID(20),
    name: 'pkg',
    version: '1.0.0',
    description: null,
    author: 'me',
    manifest: {},
    isInstalled: false,
    installedAt: null,
    installedBy: pkgBy,
    createdAt: TS,
    updatedAt: TS,
  })
}

async function refusal(a: Adapter, swap = false): Promise<unknown> {
  await seed(a, swap)
  try {
    await a.deleteMany('User', ALL_USERS)
  } catch (e) {
    assert.ok(e instanceof DBALError, String(e))
    return e.toJSON()
  }
  return assert.fail('deleteMany of referenced users succeeded')
}

const seamBackends = BACKENDS.filter((b) => !b.name.includes('remote') && !b.name.includes('+'))
const cleanups: (() => Promise<void>)[] = []
after(async () => {
  for (const c of cleanups) await c()
})

async function provision(b: Backend): Promise<Provisioned> {
  const p = await b.provision(`order-${process.pid}-${b.name}`)
  if ('notRun' in p) return assert.fail(`${b.name} not run: ${p.notRun}`)
  cleanups.push(() => p.cleanup())
  return p
}

describe('error details follow (createdAt, id), not insertion order', () => {
  let expected: unknown
  it('reference: the first user in that order is ID(1), referenced by Package.installedBy', async () => {
    expected = await refusal(await freshAdapter(await provision(BACKENDS[0]!)))
    assert.deepEqual(expected, {
      code: 'CONFLICT',
      status: 409,
      message: (expected as { message: string }).message,
      details: { entity: 'User', referencedBy: 'Package.installedBy' },
    })
  })
  let swapped: unknown
  it('reference, references swapped: ID(1) is now held by Workflow.createdBy', async () => {
    swapped = await refusal(await freshAdapter(await provision(BACKENDS[0]!)), true)
    assert.equal(
      (swapped as { details: { referencedBy: string } }).details.referencedBy,
      'Workflow.createdBy',
    )
  })
  for (const b of seamBackends.slice(1))
    it(`${b.name} names the same referrer`, { skip: skipFor(b) }, async () => {
      const p = await provision(b)
      assert.deepEqual(await refusal(await freshAdapter(p)), expected)
      assert.deepEqual(await refusal(await freshAdapter(p), true), swapped)
    })
})
