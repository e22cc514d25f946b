/**
 * The engines' error tables (postgres/sqlstate.ts, sqlite/codes.ts, mariadb/codes.ts) code by code, and
 * the two families reading them: for each code, the native adapters' errors.ts and Sequelize's
 * errors.ts give the same DBALError. Provoked on the real servers in engine-errors-*.test.ts.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DatabaseError } from 'sequelize'
import { mariadbMeaning } from '../adapters/mariadb/codes.ts'
import { ERROR_OF, type Meaning } from '../adapters/meaning.ts'
import { classify as postgresClassify } from '../adapters/postgres/errors.ts'
import { sqlstateMeaning } from '../adapters/postgres/sqlstate.ts'
import { toDBALError } from '../adapters/sequelize/index.ts'
import { sqliteMeaning } from '../adapters/sqlite/codes.ts'
import { classify as sqliteClassify } from '../adapters/sqlite/errors.ts'
import type { Fault } from '../core/constraints.ts'
import { DBALError } from '../core/errors.ts'
import { MARIADB_CASES, nativeCode, POSTGRES_CASES, SQLITE_CASES } from './engine-errors-common.ts'

const RETRYABLE: readonly Meaning[] = ['timeout', 'contention', 'unavailable']

/** A driver error under Sequelize's generic wrapper, as its query.js throws what it does not know. */
const wrapped = (parent: object) =>
  new DatabaseError(Object.assign(new Error('native message'), { sql: 'SELECT 1' }, parent))

/** The native family's fault and Sequelize's DBALError say the same; the native error, if not a constraint. */
function agree(meaning: Meaning, fault: Fault, viaSequelize: DBALError): DBALError | undefined {
  if (meaning === 'unique' || meaning === 'reference') {
    assert.equal(fault.kind, meaning)
    assert.equal(viaSequelize.code, meaning === 'unique' ? 'CONFLICT' : 'VALIDATION_ERROR')
    return undefined
  }
  assert.equal(fault.kind, 'error')
  const e = (fault as { error: DBALError }).error
  assert.equal(e.code, ERROR_OF[meaning])
  assert.equal(viaSequelize.code, e.code)
  return e
}

describe('each meaning has one DBALError code; the retryable ones are retryable', () => {
  it('ERROR_OF', () => {
    for (const [meaning, code] of Object.entries(ERROR_OF) as [Meaning, DBALError['code']][]) {
      assert.equal(new DBALError(code).retryable, RETRYABLE.includes(meaning), meaning)
    }
    assert.equal(ERROR_OF.contention, 'DATABASE_ERROR')
    assert.equal(ERROR_OF.timeout, 'TIMEOUT')
  })
})

describe('PostgreSQL: SQLSTATE → meaning, the same through pg/PGlite and Sequelize', () => {
  for (const [sqlstate, meaning] of POSTGRES_CASES)
    it(`${sqlstate} is ${meaning}`, () => {
      assert.equal(sqlstateMeaning(sqlstate), meaning)
      const native = { code: sqlstate, severity: 'ERROR', message: 'native message' }
      const fault = postgresClassify(native)
      const viaSequelize = toDBALError(wrapped(native))
      const e = agree(meaning, fault, viaSequelize)
      if (!e) return
      assert.deepEqual(nativeCode(viaSequelize), { sqlstate })
      assert.deepEqual(nativeCode(e), { sqlstate })
      assert.ok(viaSequelize.cause !== undefined && e.cause === native)
    })
})

describe('SQLite: result code → meaning, the same through better-sqlite3 and sqlite3', () => {
  for (const [code, message, meaning] of SQLITE_CASES)
    it(`${code || '(no code)'} "${message}" is ${meaning}`, () => {
      assert.equal(sqliteMeaning(code, message), meaning)
      const native = Object.assign(code ? new Error(message) : new TypeError(message), code ? { code } : {})
      const fault = sqliteClassify(native)
      // sqlite3 knows only the primary code and puts it before the message.
      const primary = /^SQLITE_[A-Z]+/.exec(code)?.[0]
      const viaSequelize = toDBALError(
        wrapped(primary ? { code: primary, errno: 1, message: `${primary}: ${message}` } : { message }),
      )
      const e = agree(meaning, fault, viaSequelize)
      if (e && code) assert.equal(e.details?.errno, code)
    })
})

describe('MariaDB: errno → meaning, through Sequelize', () => {
  for (const [errno, meaning] of MARIADB_CASES)
    it(`${errno} is ${meaning}`, () => {
      assert.equal(mariadbMeaning(errno), meaning)
      const e = toDBALError(wrapped({ errno, sqlState: 'HY000' }))
      if (meaning === 'unique') return assert.equal(e.code, 'CONFLICT')
      if (meaning === 'reference') return assert.equal(e.code, 'VALIDATION_ERROR')
      assert.equal(e.code, ERROR_OF[meaning])
      assert.deepEqual(nativeCode(e), { errno })
    })

  it('socket errors are unavailable, whatever the engine', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'PROTOCOL_CONNECTION_LOST'])
      assert.equal(toDBALError(wrapped({ code, errno: -111 })).code, 'DATABASE_ERROR', code)
    assert.equal(postgresClassify({ code: 'ECONNREFUSED' }).kind, 'error')
  })
})
