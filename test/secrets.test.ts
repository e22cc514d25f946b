/**
 * The secrets scan (issue 4, item 8): the whole contracts/ suite runs on the reference backend, once
 * directly and once through the ACL decorator, with every call recorded where the runner makes it (the
 * executor), every audit record, every step event and everything written to stdout/stderr. No password,
 * no password hash and no session token may appear in any of it, with one exception the contract makes:
 *
 *   ALLOWED: a session token in the successful result of a Session operation run by the system caller
 *   (create, read, update, list of sessions return the row, token included). CONTRACT §4 Session: "only
 *   the trusted system caller ever sees it": the system is what hands a token to the user who logs in.
 *   Never allowed: a token in any other result, in any error (CONFLICT on a duplicate token included), in
 *   an audit record, a step event or a log line; a password or a hash (`scrypt$...`) anywhere at all.
 *
 * The secrets of a case are the `password` values of its Credential calls and the `token` values of its
 * Session calls (as the runner resolved them), and each case is scanned for its own secrets. Values of
 * fewer than 5 characters are not scanned ('a', 'x', 'pw', 'w1'...): a UUID or a timestamp contains them by
 * chance. The structural checks (no `password`/`passwordHash` key in any output, no `scrypt$` anywhere)
 * cover those too. Scrypt runs with cheap parameters here: the scan is about where values go, not cost.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AclAdapter } from '../core/acl/adapter.ts'
import { SYSTEM } from '../core/acl/actor.ts'
import type { Adapter } from '../core/adapter.ts'
import { MemoryAuditSink, type AuditRecord } from '../core/audit.ts'
import { DBALClient } from '../core/client.ts'
import { DBALError } from '../core/errors.ts'
import { LocalExecutor, type AuthUser, type Executor } from '../core/executor.ts'
import { freshAdapter, type Provisioned } from '../harness/backend.ts'
import { backendNamed } from '../harness/backends.ts'

const referenceBackend = backendNamed('reference')
import type { StepEvent } from '../harness/results.ts'
import { runFiles } from '../harness/run.ts'
import { DEFAULT_VECTORS, loadVectors } from '../harness/vectors/load.ts'
import type { VectorFile } from '../harness/vectors/model.ts'
import { FAST_SCRYPT } from './helpers.ts'

interface Call {
  readonly caller: string
  readonly entity: string
  readonly operation: string
  readonly input: unknown
  readonly output?: unknown
  /** The error as it crosses the wire, its message, and the error object's own fields. */
  readonly error?: string
}

/** What one case produced. */
interface Bucket {
  name?: string
  readonly calls: Call[]
  readonly audit: AuditRecord[]
  readonly events: StepEvent[]
  readonly logs: string[]
}

/** An executor that records every call the runner makes, for the caller it runs as. */
class Recording implements Executor {
  constructor(
    private readonly inner: Executor,
    private readonly bucket: Bucket,
    private readonly caller: string,
  ) {}
  async execute(entity: string, operation: string, input?: unknown): Promise<unknown> {
    try {
      const output = await this.inner.execute(entity, operation, input)
      this.bucket.calls.push({ caller: this.caller, entity, operation, input, output })
      return output
    } catch (e) {
      const error =
        e instanceof DBALError
          ? `${JSON.stringify(e.toJSON())} ${e.message} ${JSON.stringify(e)} ${String(e)}`
          : String(e)
      this.bucket.calls.push({ caller: this.caller, entity, operation, input, error })
      throw e
    }
  }
  as(user: AuthUser | 'anonymous'): Executor {
    return new Recording(this.inner.as(user), this.bucket, user === 'anonymous' ? 'anonymous' : user.role)
  }
  transaction<T>(fn: (tx: Executor) => Promise<T>): Promise<T> {
    return this.inner.transaction((tx) => fn(new Recording(tx, this.bucket, this.caller)))
  }
  capabilities() {
    return this.inner.capabilities()
  }
  close() {
    return this.inner.close()
  }
}

/** Runs every vector file on the reference backend (optionally through the ACL as system), recording it all. */
let loaded: VectorFile[] | undefined

async function recordSuite(throughAcl: boolean): Promise<Bucket[]> {
  // Parsed once for both runs: the generated ACL matrix alone is a few seconds of YAML.
  const files = (loaded ??= loadVectors([DEFAULT_VECTORS]))
  const base = await referenceBackend.provision('secrets')
  if ('notRun' in base || !base.fresh) throw new Error('the reference backend provisions an adapter')
  const baseFresh = base.fresh
  const buckets: Bucket[] = []
  const sink = new MemoryAuditSink()
  const current = () => buckets[buckets.length - 1]
  const prov: Provisioned = {
    where: 'in memory, recorded',
    cleanup: () => base.cleanup(),
    async freshExecutor() {
      const bucket: Bucket = { calls: [], audit: [], events: [], logs: [] }
      buckets.push(bucket)
      let adapter: Adapter = await baseFresh()
      if (throughAcl) adapter = new AclAdapter(adapter, SYSTEM)
      const audit = {
        write(r: AuditRecord) {
          sink.write(r)
          bucket.audit.push(r)
        },
      }
      return new Recording(new LocalExecutor({ adapter, audit, scrypt: FAST_SCRYPT }), bucket, 'system')
    },
  }
  const writes = { out: process.stdout.write, err: process.stderr.write }
  const capture = (orig: typeof process.stdout.write) =>
    function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      current()?.logs.push(String(chunk))
      return (orig as (...a: unknown[]) => boolean).call(this, chunk, ...rest)
    } as typeof process.stdout.write
  process.stdout.write = capture(writes.out)
  process.stderr.write = capture(writes.err)
  try {
    const emit = (e: StepEvent) => {
      const b = current()!
      b.name ??= `${e.file} :: ${e.case}`
      b.events.push(e)
    }
    await runFiles(prov, files, { backend: throughAcl ? 'reference+acl' : 'reference', deviations: [], emit })
  } finally {
    process.stdout.write = writes.out
    process.stderr.write = writes.err
    await prov.cleanup()
  }
  assert.ok(
    buckets.every((b) => b.events.every((e) => e.outcome === 'pass')),
    'the suite passes before it is scanned',
  )
  return buckets
}

/** Every string value under `key` (not under `sort`, where `token: asc` is a direction). */
function valuesOf(v: unknown, key: string, out: Set<string>, under?: string): Set<string> {
  if (typeof v === 'string' && under === key) out.add(v)
  else if (Array.isArray(v)) v.forEach((x) => valuesOf(x, key, out, under))
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v)) if (k !== 'sort') valuesOf(x, key, out, k)
  return out
}

function hasKey(v: unknown, keys: readonly string[]): boolean {
  if (Array.isArray(v)) return v.some((x) => hasKey(x, keys))
  if (v !== null && typeof v === 'object')
    return Object.entries(v).some(([k, x]) => keys.includes(k) || hasKey(x, keys))
  return false
}

const SCANNED_MIN = 5

function scan(buckets: readonly Bucket[]) {
  const problems: string[] = []
  const stats = {
    cases: buckets.length,
    calls: 0,
    passwords: new Set<string>(),
    tokens: new Set<string>(),
    audit: 0,
    tokenConflicts: 0,
  }
  for (const b of buckets) {
    const passwords = new Set<string>()
    const tokens = new Set<string>()
    for (const c of b.calls) {
      if (c.entity === 'Credential') valuesOf(c.input, 'password', passwords)
      if (c.entity === 'Session') valuesOf(c.input, 'token', tokens)
    }
    const secret = (set: Set<string>) => [...set].filter((s) => s.length >= SCANNED_MIN)
    const pw = secret(passwords)
    const tok = secret(tokens)
    pw.forEach((p) => stats.passwords.add(p))
    tok.forEach((t) => stats.tokens.add(t))
    const check = (where: string, text: string, tokensAllowed = false) => {
      if (text.includes('scrypt$')) problems.push(`${b.name}: a password hash in ${where}`)
      for (const p of pw)
        if (text.includes(p)) problems.push(`${b.name}: password ${JSON.stringify(p)} in ${where}`)
      if (!tokensAllowed)
        for (const t of tok)
          if (text.includes(t)) problems.push(`${b.name}: token ${JSON.stringify(t)} in ${where}`)
    }
    for (const [i, c] of b.calls.entries()) {
      stats.calls++
      const where = `call ${i} (${c.caller} ${c.entity}.${c.operation})`
      if (c.error !== undefined) {
        check(`the error of ${where}`, c.error)
        if (
          c.entity === 'Session' &&
          c.error.includes('"CONFLICT"') &&
          valuesOf(c.input, 'token', new Set()).size
        )
          stats.tokenConflicts++
      } else {
        check(
          `the result of ${where}`,
          JSON.stringify(c.output) ?? '',
          c.caller === 'system' && c.entity === 'Session',
        )
        if (hasKey(c.output, ['password', 'passwordHash']))
          problems.push(`${b.name}: a password field in the result of ${where}`)
      }
    }
    b.audit.forEach((r, i) => check(`audit record ${i}`, JSON.stringify(r)))
    stats.audit += b.audit.length
    b.events.forEach((e) =>
      check(`the event of step ${e.step}`, JSON.stringify({ reason: e.reason, actual: e.actual })),
    )
    b.logs.forEach((l, i) => check(`log write ${i}`, l))
  }
  return { problems, stats }
}

describe('secrets scan over the whole contracts/ suite', () => {
  for (const throughAcl of [false, true]) {
    it(`no password, hash or token leaks${throughAcl ? ', rerun through the ACL as system' : ''}`, async () => {
      const { problems, stats } = scan(await recordSuite(throughAcl))
      assert.deepEqual(problems, [])
      // The scan saw what it is about: the vectors' passwords and tokens, the ACL's audit records, and
      // at least one CONFLICT on a duplicate token.
      assert.ok(stats.passwords.size >= 20, `only ${stats.passwords.size} passwords scanned`)
      assert.ok(stats.tokens.size >= 20, `only ${stats.tokens.size} tokens scanned`)
      assert.ok(stats.audit >= 1000, `only ${stats.audit} audit records`)
      assert.ok(stats.tokenConflicts >= 1, 'no CONFLICT on a duplicate token in the suite')
    })
  }

  it('the runner hands its `audit` sink to every client it makes, and those records hold no secret', async () => {
    const prov = await referenceBackend.provision('secrets-audit')
    if ('notRun' in prov) throw new Error(prov.notRun)
    const sink = new MemoryAuditSink()
    const events: StepEvent[] = []
    await runFiles(prov, loadVectors([new URL('../contracts/acl/stories.yaml', import.meta.url).pathname]), {
      backend: 'reference',
      deviations: [],
      emit: (e) => events.push(e),
      audit: sink,
    })
    await prov.cleanup()
    assert.deepEqual(
      events.filter((e) => e.outcome !== 'pass'),
      [],
    )
    assert.ok(
      sink.records.some((r) => r.code === 'FORBIDDEN') &&
        sink.records.some((r) => r.code === 'MALICIOUS_CODE_DETECTED'),
    )
    const text = JSON.stringify(sink.records)
    for (const s of [
      'stories-password-1',
      'stories-password-2',
      'stories-password-3',
      'stories-token-0123456789abcdef',
      'scrypt$',
    ])
      assert.ok(!text.includes(s), s)
  })

  it('a CONFLICT on a duplicate token names the field, never the token', async () => {
    const client = new DBALClient({ adapter: (await provisioned()).fresh, scrypt: FAST_SCRYPT })
    const user = await client.users.create({ username: 'holder', email: 'holder@example.com' })
    const token = 'duplicate-token-0123456789'
    await client.sessions.create({ userId: user.id, token, expiresAt: '2099-01-01T00:00:00.000Z' })
    const err = await client.sessions
      .create({ userId: user.id, token, expiresAt: '2099-01-01T00:00:00.000Z' })
      .then(
        () => assert.fail('a duplicate token was accepted'),
        (e: unknown) => e,
      )
    assert.ok(err instanceof DBALError && err.code === 'CONFLICT')
    assert.deepEqual(err.details, { entity: 'Session', unique: ['token'] })
    for (const text of [
      JSON.stringify(err.toJSON()),
      err.message,
      JSON.stringify(err),
      String(err),
      err.stack ?? '',
    ])
      assert.ok(!text.includes(token), text)
  })
})

async function provisioned(): Promise<{ fresh: Adapter }> {
  const prov = await referenceBackend.provision('secrets-conflict')
  if ('notRun' in prov) throw new Error(prov.notRun)
  return { fresh: await freshAdapter(prov) }
}
