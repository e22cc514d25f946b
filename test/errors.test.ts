/** CONTRACT §3: one error class; code, status and canonical message from schema/errors.yaml. */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { parse } from 'yaml'
import { asDBALError, DBALError, DETAIL_LIMITS, validationError, type ErrorCode } from '../core/errors.ts'
import { SCHEMA_DIR } from '../core/schema.ts'

/** Read straight from the YAML, not through the loader, so a loader bug cannot hide. */
const yaml = parse(readFileSync(join(SCHEMA_DIR, 'errors.yaml'), 'utf8')) as {
  errors: Record<string, { status: number; message: string }>
}

/** The table of CONTRACT §3. */
const CONTRACT: Record<ErrorCode, number> = {
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  VALIDATION_ERROR: 422,
  RATE_LIMIT_EXCEEDED: 429,
  INTERNAL_ERROR: 500,
  CAPABILITY_NOT_SUPPORTED: 501,
  DATABASE_ERROR: 503,
  TIMEOUT: 504,
  SANDBOX_VIOLATION: 403,
  MALICIOUS_CODE_DETECTED: 403,
}
const CODES = Object.keys(CONTRACT) as ErrorCode[]

describe('codes', () => {
  it('schema/errors.yaml has exactly the codes of the contract, with its statuses', () => {
    assert.deepEqual(Object.keys(yaml.errors).sort(), [...CODES].sort())
    for (const code of CODES) assert.equal(yaml.errors[code]!.status, CONTRACT[code], code)
  })
  it('every code gives its status and canonical message, whatever the details', () => {
    for (const code of CODES) {
      const e = new DBALError(code, { entity: 'User', id: 'x', note: 'specific' })
      assert.ok(e instanceof Error)
      assert.equal(e.name, 'DBALError')
      assert.equal(e.code, code)
      assert.equal(e.status, CONTRACT[code])
      assert.equal(e.message, yaml.errors[code]!.message)
      assert.ok(!e.message.includes('specific'))
    }
  })
  it('the messages upstream names', () => {
    assert.equal(new DBALError('NOT_FOUND').message, 'Resource not found')
    assert.equal(new DBALError('VALIDATION_ERROR').message, 'Validation failed')
  })
  it('only DATABASE_ERROR and TIMEOUT are retryable', () => {
    assert.deepEqual(CODES.filter((c) => new DBALError(c).retryable).sort(), ['DATABASE_ERROR', 'TIMEOUT'])
  })
  it('an unknown code is a programming error', () => {
    assert.throws(() => new DBALError('NOPE' as ErrorCode), TypeError)
  })
  it('DBALError.is checks the class and optionally the code', () => {
    const e = new DBALError('CONFLICT')
    assert.ok(DBALError.is(e))
    assert.ok(DBALError.is(e, 'CONFLICT'))
    assert.ok(!DBALError.is(e, 'NOT_FOUND'))
    assert.ok(!DBALError.is(Object.assign(new Error('x'), { code: 'CONFLICT' })))
  })
})

describe('details', () => {
  it('are optional and kept as given', () => {
    assert.equal(new DBALError('NOT_FOUND').details, undefined)
    assert.ok(!('details' in new DBALError('NOT_FOUND').toJSON()))
    const d = { entity: 'Credential', retryAfter: 42 }
    assert.deepEqual(new DBALError('RATE_LIMIT_EXCEEDED', d).details, d)
  })
  it('are bounded whatever the input: long strings cut, long lists and deep nesting dropped, `truncated` says so', () => {
    const e = new DBALError('VALIDATION_ERROR', {
      fields: Array.from({ length: 20_000 }, (_, i) => ({
        field: `filter.$or[${i}].x`,
        error: 'unknown field',
      })),
      key: 'k'.repeat(200_000),
      deep: { a: { b: { c: { d: { e: 1 } } } } },
      many: Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i])),
    })
    const d = e.details!
    assert.equal(d.fields!.length, DETAIL_LIMITS.items)
    assert.equal((d.key as string).length, DETAIL_LIMITS.string + 1)
    assert.deepEqual(d.deep, { a: { b: { c: null } } })
    assert.equal(Object.keys(d.many as object).length, DETAIL_LIMITS.keys)
    assert.equal(d.truncated, true)
    assert.ok(JSON.stringify(e.toJSON()).length < 20_000, `${JSON.stringify(e.toJSON()).length} bytes`)
  })
  it('details within the limits are kept exactly, without `truncated`', () => {
    const d = {
      entity: 'User',
      fields: [{ field: 'a', error: 'x'.repeat(DETAIL_LIMITS.string) }],
      nested: { a: { b: 1 } },
    }
    assert.deepEqual(new DBALError('VALIDATION_ERROR', d).details, d)
  })
  it('validationError puts fields in details', () => {
    const e = validationError([{ field: 'a', error: 'x' }], { entity: 'User' })
    assert.equal(e.code, 'VALIDATION_ERROR')
    assert.deepEqual(e.details, { entity: 'User', fields: [{ field: 'a', error: 'x' }] })
  })
})

describe('JSON', () => {
  it('toJSON / fromJSON round trip every code', () => {
    for (const code of CODES) {
      const e = new DBALError(code, {
        entity: 'User',
        fields: [{ field: 'x', error: 'y' }],
        nested: { a: [1, null] },
      })
      const wire = JSON.parse(JSON.stringify(e)) as unknown
      assert.deepEqual(wire, {
        code,
        status: CONTRACT[code],
        message: yaml.errors[code]!.message,
        details: e.details,
      })
      const back = DBALError.fromJSON(wire)
      assert.ok(back instanceof DBALError)
      assert.deepEqual(back.toJSON(), e.toJSON())
    }
  })
  it('fromJSON trusts the code only: status and message are canonical again', () => {
    const e = DBALError.fromJSON({ code: 'NOT_FOUND', status: 200, message: 'SELECT * FROM users failed' })
    assert.equal(e.status, 404)
    assert.equal(e.message, 'Resource not found')
  })
  it('an unknown or missing code becomes INTERNAL_ERROR', () => {
    for (const j of [
      { code: 'TEAPOT' },
      { code: 'toString' },
      { code: 404 },
      {},
      null,
      undefined,
      'NOT_FOUND',
      [],
    ]) {
      assert.equal(DBALError.fromJSON(j).code, 'INTERNAL_ERROR', JSON.stringify(j))
      assert.equal(DBALError.fromJSON(j).status, 500)
    }
  })
  it('details that are not an object are dropped', () => {
    assert.equal(DBALError.fromJSON({ code: 'CONFLICT', details: 'x' }).details, undefined)
  })
  it('the cause is never serialized', () => {
    const cause = Object.assign(new Error('password authentication failed for user "postgres" at 10.0.0.5'), {
      code: '28P01',
    })
    const e = new DBALError('DATABASE_ERROR', { entity: 'User' }, { cause })
    assert.equal(e.cause, cause)
    const s = JSON.stringify(e)
    assert.ok(!s.includes('postgres') && !s.includes('28P01') && !s.includes('cause'), s)
    assert.ok(!JSON.stringify(asDBALError(new Error('secret-token-123'))).includes('secret-token-123'))
  })
})

describe('asDBALError', () => {
  it('passes a DBALError through unchanged', () => {
    const e = new DBALError('CONFLICT', { entity: 'User' })
    assert.equal(asDBALError(e), e)
  })
  it('wraps anything else as INTERNAL_ERROR, keeping it as the cause', () => {
    for (const thrown of [
      new Error('boom'),
      new TypeError('x is undefined'),
      'a string',
      42,
      null,
      undefined,
    ]) {
      const e = asDBALError(thrown)
      assert.equal(e.code, 'INTERNAL_ERROR')
      assert.equal(e.message, 'Internal server error')
      assert.equal(e.cause, thrown)
    }
  })
})
