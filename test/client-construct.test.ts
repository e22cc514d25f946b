/**
 * `new DBALClient(options)` checks its options at once: a client built wrong throws a TypeError naming
 * what is wrong where it is built, never a DBALError at its first call.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryAuditSink } from '../core/audit.ts'
import { DBALClient } from '../core/client.ts'
import { DBALError } from '../core/errors.ts'
import { MemoryAdapter } from '../reference/memory.ts'
import { FAST_SCRYPT } from './helpers.ts'

/** Throws a TypeError (never a DBALError) whose message names each of `names`; the message. */
function refusal(options: unknown, ...names: string[]): string {
  let error: unknown
  try {
    new DBALClient(options as never)
  } catch (e) {
    error = e
  }
  assert.ok(error instanceof TypeError, `expected a TypeError, got ${String(error)}`)
  assert.ok(!(error instanceof DBALError))
  assert.equal((error as { code?: unknown }).code, 'ERR_INVALID_ARG_VALUE')
  for (const name of names)
    assert.ok(error.message.includes(name), `"${error.message}" does not name ${name}`)
  return error.message
}
const refuses = (options: unknown, ...names: string[]): void => void refusal(options, ...names)

/** An adapter without some of its methods: a MemoryAdapter's own, as plain properties, minus those. */
function adapterWithout(...absent: string[]): Record<string, unknown> {
  const real = new MemoryAdapter()
  const proto = Object.getPrototypeOf(real) as object
  const out: Record<string, unknown> = { name: real.name }
  for (const key of Object.getOwnPropertyNames(proto))
    if (key !== 'constructor' && !absent.includes(key))
      out[key] = (real as unknown as Record<string, (...a: unknown[]) => unknown>)[key]!.bind(real)
  return out
}

const user = { id: '00000000-0000-4000-8000-000000000001', username: 'alice', role: 'admin' }

describe('the options themselves', () => {
  it('no options at all', () => refuses(undefined, 'options'))
  it('options that are not an object', () => {
    for (const o of [null, 'sqlite', 42, () => undefined]) refuses(o, 'options')
  })
  it('an unknown option (a typo) is named', () =>
    refuses({ adapter: new MemoryAdapter(), adudit: 1 }, 'adudit'))
})

describe('the adapter', () => {
  it('missing', () => {
    refuses({}, 'options.adapter')
    refuses({ adapter: undefined }, 'options.adapter')
  })
  it('not an object', () => refuses({ adapter: 'sqlite' }, 'options.adapter'))
  it('an object that is not an adapter: every method is named', () => {
    const message = refusal(
      { adapter: {} },
      'options.adapter',
      'create()',
      'list()',
      'transaction()',
      'close()',
    )
    assert.ok(message.includes('capabilities()'))
  })
  it('an adapter missing some methods: exactly those are named', () => {
    const message = refusal({ adapter: adapterWithout('count', 'transaction') }, 'count()', 'transaction()')
    assert.ok(!message.includes('read()'), message)
  })
  it('a method that is not a function', () =>
    refuses({ adapter: { ...adapterWithout(), read: 'SELECT *' } }, 'read()'))
  it('an adapter without a name', () => {
    const { name: _, ...nameless } = adapterWithout()
    refuses({ adapter: nameless }, 'options.adapter.name')
  })
  it('a real adapter, or one built of plain functions, constructs and works', async () => {
    for (const adapter of [new MemoryAdapter(), adapterWithout()]) {
      const db = new DBALClient({ adapter: adapter as never, scrypt: FAST_SCRYPT })
      assert.equal(await db.users.count(), 0)
    }
  })
})

describe('the other options', () => {
  const adapter = new MemoryAdapter()
  it('auth: neither { user } nor { anonymous: true }', () => {
    for (const auth of [
      null,
      'admin',
      {},
      { anonymous: false },
      { anonymous: 'yes' },
      { user, anonymous: true },
    ])
      refuses({ adapter, auth }, 'options.auth')
  })
  it('auth: a user without a string id, username or role', () => {
    refuses({ adapter, auth: { user: null } }, 'options.auth.user')
    refuses({ adapter, auth: { user: { ...user, id: 1 } } }, 'options.auth.user.id')
    refuses({ adapter, auth: { user: { id: user.id, username: 'alice' } } }, 'options.auth.user.role')
  })
  it('clock: not a function', () => {
    for (const clock of [Date.now(), 'now', {}]) refuses({ adapter, clock }, 'options.clock')
  })
  it('audit: not a sink', () => {
    refuses({ adapter, audit: {} }, 'options.audit', 'write()')
    refuses({ adapter, audit: 'audit.jsonl' }, 'options.audit')
    refuses({ adapter, audit: { write() {}, close: true } }, 'options.audit.close')
  })
  it('scrypt: parameters scrypt refuses, or beyond what verify accepts', () => {
    for (const scrypt of [
      'fast',
      { N: 1024, r: 8 },
      { N: 1000, r: 8, p: 1 },
      { N: 1024, r: 0, p: 1 },
      { N: 1 << 21, r: 8, p: 1 },
      { N: 1024, r: 8, p: 1.5 },
    ])
      refuses({ adapter, scrypt }, 'options.scrypt')
  })
  it('valid options construct: auth for a user or anonymous, a clock, an audit sink', () => {
    for (const auth of [undefined, { user }, { anonymous: true as const }])
      new DBALClient({ adapter, auth, clock: () => 0, audit: new MemoryAuditSink(), scrypt: FAST_SCRYPT })
    // An option left undefined is no option (the harness passes `audit: undefined`).
    new DBALClient({ adapter, audit: undefined, clock: undefined, auth: undefined, scrypt: undefined })
  })
})

describe('an executor instead of an adapter', () => {
  const executor = new DBALClient({ adapter: new MemoryAdapter() }).executor
  it('an executor missing methods is named', () =>
    refuses({ executor: { execute() {} } }, 'options.executor', 'as()', 'capabilities()', 'close()'))
  it('an executor with an adapter, or with options that apply to an adapter only', () => {
    refuses({ executor, adapter: new MemoryAdapter() }, 'options.adapter', 'options.executor')
    refuses({ executor, clock: () => 0 }, 'options.clock')
  })
  it('a real executor constructs', () => assert.ok(new DBALClient({ executor }).executor === executor))
})
