/**
 * `new DBALClient(options)` checks its options at once: a client built wrong is VALIDATION_ERROR where
 * it is built, with one field error naming the option (`options.adapter`, ...), never a failure at its
 * first call.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MemoryAuditSink } from '../core/audit.ts'
import { DBALClient } from '../core/client.ts'
import { DBALError } from '../core/errors.ts'
import { MemoryAdapter } from '../reference/memory.ts'
import { FAST_SCRYPT } from './helpers.ts'

/**
 * Throws (synchronously) VALIDATION_ERROR whose one field error is about the option `names[0]` and
 * names each of `names`; the field error's text.
 */
function refusal(options: unknown, ...names: string[]): string {
  let error: unknown
  try {
    new DBALClient(options as never)
  } catch (e) {
    error = e
  }
  assert.ok(DBALError.is(error, 'VALIDATION_ERROR'), `expected VALIDATION_ERROR, got ${String(error)}`)
  const fields = error.details?.fields ?? []
  assert.equal(fields.length, 1, JSON.stringify(error.details))
  const [{ field, error: text }] = fields as [{ field: string; error: string }]
  assert.ok(field.startsWith('options'), field)
  if (names[0]?.startsWith('options')) assert.ok(field.startsWith(names[0]) || text.includes(names[0]), field)
  for (const name of names)
    assert.ok(`${field} ${text}`.includes(name), `"${field}: ${text}" does not name ${name}`)
  return text
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

describe("the design's configuration (core/config.ts): every option is checked at construction", () => {
  const dev = { mode: 'development', adapter: 'sqlite', database: { url: ':memory:' } } as const
  const endpoint = { mode: 'production', endpoint: 'ws://127.0.0.1:1', auth: { session: 't0ken' } } as const
  const cases: [string, unknown, ...string[]][] = [
    [
      'mode missing with a named adapter',
      { adapter: 'sqlite', database: { url: ':memory:' } },
      'options.mode',
      'options.adapter',
    ],
    [
      'mode missing with an endpoint',
      { endpoint: 'ws://h:1', auth: { token: 't' } },
      'options.mode',
      'options.endpoint',
    ],
    [
      'mode missing with a database',
      { adapter: new MemoryAdapter(), database: { url: 'x' } },
      'options.mode',
      'options.database',
    ],
    ['mode not one of the two', { ...dev, mode: 'staging' }, 'options.mode', 'development', 'production'],
    ['an unknown option', { ...dev, databse: { url: 'x' } }, 'options.databse'],
    [
      'an unknown adapter name',
      { ...dev, adapter: 'oracle' },
      'options.adapter',
      'oracle',
      'sequelize-mariadb',
    ],
    ['neither an adapter nor an endpoint', { mode: 'development' }, 'options.adapter', 'options.endpoint'],
    ['a named adapter without a database', { mode: 'development', adapter: 'postgres' }, 'options.database'],
    ['a database without its url', { ...dev, database: {} }, 'options.database.url'],
    [
      'an unknown database option',
      { ...dev, database: { url: ':memory:', user: 'x' } },
      'options.database.user',
    ],
    ['a database for the memory adapter', { ...dev, adapter: 'memory' }, 'options.database', 'memory'],
    ['a database for an Adapter instance', { ...dev, adapter: new MemoryAdapter() }, 'options.database'],
    [
      'an endpoint that is not a WebSocket URL',
      { ...endpoint, endpoint: 'localhost:50051' },
      'options.endpoint',
      'ws://',
    ],
    ['an endpoint without auth', { mode: 'production', endpoint: 'ws://127.0.0.1:1' }, 'options.auth'],
    ['an endpoint with a user but no session', { ...endpoint, auth: { user } }, 'options.auth.session'],
    ['an endpoint with an adapter', { ...endpoint, adapter: 'sqlite' }, 'options.adapter', 'daemon'],
    ['an endpoint with a database', { ...endpoint, database: { url: 'x' } }, 'options.database', 'daemon'],
    [
      'an endpoint with an audit sink',
      { ...endpoint, security: { audit: new MemoryAuditSink() } },
      'options.security',
    ],
    [
      'a service token without an endpoint',
      { ...dev, auth: { token: 'x' } },
      'options.auth.token',
      'options.endpoint',
    ],
    ['a session that is no token', { ...dev, auth: { session: 42 } }, 'options.auth.session'],
    ['a session row without its token', { ...dev, auth: { session: { token: '' } } }, 'options.auth.session'],
    [
      'a session row whose userId is no string',
      { ...dev, auth: { session: { token: 't', userId: 7 } } },
      'options.auth.session.userId',
    ],
    [
      'a user of the wrong shape with a session',
      { ...dev, auth: { user: { ...user, id: 1 }, session: 't' } },
      'options.auth.user.id',
    ],
    ['auth of no known form', { ...dev, auth: { password: 'x' } }, 'options.auth.password'],
    ['a timeout that is not positive', { ...dev, timeouts: { connectMs: -1 } }, 'options.timeouts.connectMs'],
    ['an unknown timeout', { ...dev, timeouts: { connect: 5 } }, 'options.timeouts.connect'],
    ['migrate not a boolean', { ...dev, migrate: 'yes' }, 'options.migrate'],
    [
      'migrate: true in production',
      { ...dev, mode: 'production', migrate: true },
      'options.migrate',
      'dbal migrate',
    ],
    ['security.audit not a sink', { ...dev, security: { audit: {} } }, 'options.security.audit', 'write()'],
    ['an unknown security option', { ...dev, security: { log: true } }, 'options.security.log'],
    ['a clock that is no function', { ...dev, clock: 0 }, 'options.clock'],
  ]
  for (const [name, options, ...names] of cases) it(name, () => refuses(options, ...names))

  it('valid configurations construct without touching anything (the constructor is synchronous)', () => {
    // Nothing is opened: the folder does not exist, the endpoint is not listening, until the first call.
    new DBALClient({ ...dev, database: { url: '/nonexistent/dir/app.db' } })
    new DBALClient({ ...dev, adapter: 'postgres', database: { url: 'postgres://u:p@127.0.0.1:1/x' } })
    new DBALClient({ ...endpoint, timeouts: { connectMs: 100, requestMs: 100 } })
    new DBALClient({
      mode: 'production',
      endpoint: 'wss://h:1',
      auth: { user, session: { token: 't', userId: user.id } },
    })
    new DBALClient({
      mode: 'production',
      adapter: new MemoryAdapter(),
      security: { audit: new MemoryAuditSink() },
    })
    new DBALClient({ mode: 'development', adapter: 'memory', migrate: false, auth: { anonymous: true } })
  })
})
