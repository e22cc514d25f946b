/**
 * What FerretDB 1.24 (the server of the `ferretdb` backend) really does with the official driver: the facts
 * the Mongo adapter is written against, each asserted as observed, so this file documents the server and
 * fails when an upgrade changes one. It starts FerretDB with startFerretDB (building it the first time).
 */
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { MongoClient, MongoServerError, type Collection, type Db, type Document } from 'mongodb'
import { compareCodePoints, foldCase } from '../core/text.ts'
import { startFerretDB, type FerretDB } from '../harness/provision/ferretdb.ts'

let server: FerretDB
let client: MongoClient
let db: Db

before(async () => {
  server = await startFerretDB({ log: (line) => process.stderr.write(`${line}\n`) })
  client = new MongoClient(server.url, { serverSelectionTimeoutMS: 10_000 })
  // A database of its own, so a server shared through DBAL_FERRETDB_URL starts empty for this run.
  db = client.db(`facts_${process.pid}_${Date.now()}`)
})

after(async () => {
  await db?.dropDatabase()
  await client?.close()
  await server?.stop()
})

/** The server error that `p` rejects with. */
async function failure(p: Promise<unknown>): Promise<MongoServerError> {
  const e: unknown = await p.then(
    () => assert.fail('expected the server to refuse'),
    (e: unknown) => e,
  )
  assert.ok(e instanceof MongoServerError, `not a server error: ${String(e)}`)
  return e
}

/** Asserts the error's code and code name. */
function hasCode(e: MongoServerError, expected: { code: number; codeName: string }): void {
  assert.deepEqual({ code: e.code, codeName: e.codeName }, expected, e.message)
}

const NOT_IMPLEMENTED = { code: 238, codeName: 'NotImplemented' }
const coll = (name: string) => db.collection<Document & { _id: string | number }>(name)
const ids = async (c: Collection<Document & { _id: string | number }>) =>
  (await c.find({}).sort({ _id: 1 }).toArray()).map((d) => d._id)

describe('the deployment', () => {
  test('hello: wire version 21 (MongoDB 7.0.42), standalone: no replica set', async () => {
    const hello = await db.admin().command({ hello: 1 })
    assert.equal(hello.maxWireVersion, 21)
    assert.equal(hello.isWritablePrimary, true)
    assert.equal(hello.setName, undefined)
    assert.equal((await db.admin().command({ buildInfo: 1 })).version, '7.0.42')
  })
})

describe('ids and unique indexes', () => {
  test('a UUID string is an _id like any other, and a second insert of it is E11000', async () => {
    const id = crypto.randomUUID()
    const users = coll('ids')
    assert.equal((await users.insertOne({ _id: id, name: 'A' })).insertedId, id)
    assert.deepEqual(await users.findOne({ _id: id }), { _id: id, name: 'A' })
    const e = await failure(users.insertOne({ _id: id, name: 'B' }))
    assert.equal(e.code, 11000)
  })

  test('E11000 on insert names only the collection: no index, field, keyPattern or keyValue', async () => {
    const users = coll('users')
    assert.equal(
      await users.createIndex({ email: 1 }, { unique: true, name: 'users_email_unique' }),
      'users_email_unique',
    )
    const index = (await users.listIndexes().toArray()).find((i) => i.name === 'users_email_unique')
    assert.equal(index?.unique, true)
    await users.insertOne({ _id: 'u1', email: 'a@x' })
    const e = await failure(users.insertOne({ _id: 'u2', email: 'a@x' }))
    assert.equal(e.code, 11000)
    assert.equal(e.message, `E11000 duplicate key error collection: ${db.databaseName}.users`)
    assert.equal(e.keyPattern, undefined)
    assert.equal(e.keyValue, undefined)
    const upsert = await failure(users.updateOne({ _id: 'u3' }, { $set: { email: 'a@x' } }, { upsert: true }))
    assert.equal(upsert.code, 11000)
  })

  test('a duplicate made by an update is InternalError (code 1) quoting SQLite, which names the index', async () => {
    const users = coll('users')
    await users.insertOne({ _id: 'u4', email: 'b@x' })
    const attempts = [
      () => users.updateOne({ _id: 'u4' }, { $set: { email: 'a@x' } }),
      () => users.replaceOne({ _id: 'u4' }, { email: 'a@x' }),
      () => users.findOneAndUpdate({ _id: 'u4' }, { $set: { email: 'a@x' } }),
    ]
    for (const attempt of attempts) {
      const e = await failure(attempt())
      assert.equal(e.code, 1)
      assert.equal(e.codeName, 'InternalError')
      assert.match(
        e.message,
        /UNIQUE constraint failed: index 'users_[0-9a-f]{8}_users_email_unique' \(2067\)/,
      )
    }
  })

  // MongoDB indexes a missing field as null: a plain unique index takes one document without the field,
  // a sparse one skips them but still takes a single null. FerretDB behaves like sparse in both cases.
  test('unique indexes skip missing fields but take one null, sparse or not; partial ones are NotImplemented', async () => {
    for (const [name, options] of [
      ['plain', { unique: true }],
      ['sparse', { unique: true, sparse: true }],
    ] as const) {
      const c = coll(name)
      await c.createIndex({ e: 1 }, options)
      await c.insertMany([{ _id: 'm1' }, { _id: 'm2' }, { _id: 'n1', e: null }])
      assert.equal((await failure(c.insertOne({ _id: 'n2', e: null }))).code, 11000, name)
      assert.deepEqual(await ids(c), ['m1', 'm2', 'n1'], name)
    }
    const partial = { unique: true, partialFilterExpression: { e: { $type: 'string' } } }
    hasCode(await failure(coll('partial').createIndex({ e: 1 }, partial)), NOT_IMPLEMENTED)
  })

  test('a compound unique index is enforced with E11000', async () => {
    const c = coll('compound')
    await c.createIndex({ a: 1, b: 1 }, { unique: true })
    await c.insertOne({ _id: 1, a: 1, b: 2 })
    assert.equal((await failure(c.insertOne({ _id: 2, a: 1, b: 2 }))).code, 11000)
  })

  test('writes of several documents stop at the first duplicate, keeping what came before', async () => {
    const c = coll('many')
    await c.createIndex({ e: 1 }, { unique: true })
    const e = await failure(
      c.insertMany([
        { _id: 'a', e: 'x' },
        { _id: 'b', e: 'x' },
        { _id: 'c', e: 'y' },
      ]),
    )
    assert.equal(e.code, 11000)
    assert.deepEqual(await ids(c), ['a'])
    await c.insertMany([
      { _id: 'p', e: 'p', g: 1 },
      { _id: 'q', e: 'q', g: 1 },
    ])
    assert.equal((await failure(c.updateMany({ g: 1 }, { $set: { e: 'same' } }))).code, 1)
    assert.deepEqual(
      (await c.find({ g: 1 }).sort({ _id: 1 }).toArray()).map((d) => d.e),
      ['same', 'q'],
    )
  })
})

describe('what FerretDB 1.24 does not have', () => {
  test('multi-document transactions fail with FailedToParse (code 9) and write nothing', async () => {
    const session = client.startSession()
    try {
      const work = session.withTransaction(() => coll('txn').insertOne({ _id: 't1' }, { session }))
      const e = await failure(work)
      hasCode(e, { code: 9, codeName: 'FailedToParse' })
      assert.match(e.message, /unknown field "autocommit"/)
    } finally {
      await session.endSession()
    }
    assert.equal(await coll('txn').findOne({ _id: 't1' }), null)
  })

  test('collection validators ($jsonSchema or a query) and collMod are NotImplemented', async () => {
    const schema = { $jsonSchema: { bsonType: 'object', required: ['a'] } }
    hasCode(await failure(db.createCollection('v1', { validator: schema })), NOT_IMPLEMENTED)
    const query = { a: { $exists: true } }
    hasCode(await failure(db.createCollection('v2', { validator: query })), NOT_IMPLEMENTED)
    await db.createCollection('v3')
    const collMod = db.command({ collMod: 'v3', validator: schema })
    hasCode(await failure(collMod), NOT_IMPLEMENTED)
  })

  test('TTL indexes (expireAfterSeconds) are NotImplemented', async () => {
    const e = await failure(coll('sessions').createIndex({ expiresAt: 1 }, { expireAfterSeconds: 60 }))
    hasCode(e, NOT_IMPLEMENTED)
  })

  test('collation is NotImplemented on find, createIndex and createCollection', async () => {
    const collation = { locale: 'en', strength: 2 }
    await coll('collation').insertOne({ _id: 1, s: 'a' })
    const find = coll('collation').find({ s: 'A' }, { collation }).toArray()
    hasCode(await failure(find), NOT_IMPLEMENTED)
    const index = coll('collation').createIndex({ s: 1 }, { collation })
    hasCode(await failure(index), NOT_IMPLEMENTED)
    hasCode(await failure(db.createCollection('c2', { collation })), NOT_IMPLEMENTED)
  })

  test('$where is BadValue (code 2); $expr is NotImplemented even for $eq, and so is $function', async () => {
    const c = coll('ops')
    await c.insertOne({ _id: 1, v: 'a' })
    const where = await failure(c.find({ $where: 'true' }).toArray())
    assert.equal(where.code, 2)
    assert.match(where.message, /unknown top level operator: \$where/)
    const fn = { $function: { body: 'function () { return true }', args: [], lang: 'js' } }
    hasCode(await failure(c.find({ $expr: fn }).toArray()), NOT_IMPLEMENTED)
    const eq = c.find({ $expr: { $eq: ['$v', 'a'] } }).toArray()
    hasCode(await failure(eq), NOT_IMPLEMENTED)
  })
})

describe('case-insensitive regular expressions', () => {
  // [stored, searched, matched by ^searched$ with the i flag]. The flag folds by Go's case orbits (close to
  // Unicode simple case *folding*); CONTRACT §5 asks for the simple *lowercase* mapping (core/text.ts foldCase).
  const PAIRS: readonly [string, string, boolean][] = [
    ['σας', 'ΣΑΣ', true], // ς folds to σ; lowercase keeps ς: the contract says no match
    ['straße', 'STRASSE', false],
    ['i\u0307', 'İ', false],
    ['i', 'İ', false], // lowercase of İ is i: the contract says match
    ['I', 'ı', false],
    ['привет', 'ПРИВЕТ', true],
    ['s', 'ſ', true], // the contract says no match
    ['k', '\u212a', true], // KELVIN SIGN
    ['μ', 'µ', true], // MICRO SIGN: the contract says no match
    ['ß', 'ẞ', true],
    ['ǆ', 'ǅ', true],
    ['ff', 'ﬀ', false],
    ['é', 'É', true],
  ]
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

  test('the i flag, as a RegExp or in $options, folds more than the contract in some places', async () => {
    const c = coll('text')
    await c.insertMany(PAIRS.map(([stored], i) => ({ _id: i, w: stored })))
    const differ: string[] = []
    for (const [i, [stored, searched, expected]] of PAIRS.entries()) {
      const pattern = `^${escape(searched)}$`
      for (const filter of [{ $regex: new RegExp(pattern, 'i') }, { $regex: pattern, $options: 'i' }]) {
        const found = (await c.find({ _id: i, w: filter }).toArray()).length === 1
        assert.equal(found, expected, `${stored} ~ /${pattern}/i`)
      }
      if (expected !== (foldCase(stored) === foldCase(searched))) differ.push(`${stored}/${searched}`)
    }
    assert.deepEqual(differ, ['σας/ΣΑΣ', 'i/İ', 's/ſ', 'μ/µ'])
  })

  test('escaped metacharacters match literally; the u option and lookaheads are refused', async () => {
    const c = coll('meta')
    await c.insertOne({ _id: 1, w: 'a.b*C(d)' })
    assert.equal((await c.find({ w: { $regex: escape('b*c('), $options: 'i' } }).toArray()).length, 1)
    assert.equal((await c.find({ w: { $regex: escape('b.c'), $options: 'i' } }).toArray()).length, 0)
    assert.equal((await failure(c.find({ w: { $regex: 'a', $options: 'iu' } }).toArray())).code, 51108)
    assert.equal((await failure(c.find({ w: { $regex: 'a(?=\\.)' } }).toArray())).code, 51091)
  })
})

describe('sorting', () => {
  const VALUES: readonly (string | number | null | undefined)[] = ['é', 'B', 'a', 'É', null, undefined, 'b']
  const MORE = ['A', '😀', '\uffff', 'Z', 5]
  const docs = () => [...VALUES, ...MORE].map((v, i) => (v === undefined ? { _id: i } : { _id: i, v }))

  test('ascending: null and missing (equal) first, then numbers, then strings by code point', async () => {
    const c = coll('sort')
    await c.insertMany(docs())
    const asc = (await c.find({}).sort({ v: 1, _id: 1 }).toArray()).map((d) => d.v)
    const strings = ['é', 'B', 'a', 'É', 'b', 'A', '😀', '\uffff', 'Z'].sort(compareCodePoints)
    assert.deepEqual(asc, [null, undefined, 5, ...strings])
    assert.deepEqual(strings, ['A', 'B', 'Z', 'a', 'b', 'É', 'é', '\uffff', '😀']) // not UTF-16 order
    const desc = (await c.find({}).sort({ v: -1, _id: -1 }).toArray()).map((d) => d.v)
    assert.deepEqual(desc, [...asc].reverse())
    const page = (await c.find({}).sort({ v: 1, _id: 1 }).skip(3).limit(4).toArray()).map((d) => d.v)
    assert.deepEqual(page, asc.slice(3, 7))
  })
})

describe('maxTimeMS', () => {
  test('a find, aggregate or count over its limit fails with MaxTimeMSExpired (code 50); updateMany ignores it', async () => {
    const c = coll('big')
    const filler = 'x'.repeat(50)
    for (let n = 0; n < 20_000; n += 5_000) {
      await c.insertMany(Array.from({ length: 5_000 }, (_, i) => ({ _id: n + i, s: `v-${n + i}-${filler}` })))
    }
    assert.equal((await c.find({ _id: 1 }).maxTimeMS(10_000).toArray()).length, 1)
    // Scanning 20,000 documents with a regular expression takes far longer than 1 ms.
    const slow = { s: { $regex: 'zz', $options: 'i' } }
    const expired = { code: 50, codeName: 'MaxTimeMSExpired' }
    hasCode(await failure(c.find(slow).sort({ s: 1 }).maxTimeMS(1).toArray()), expired)
    const pipeline = [{ $match: slow }, { $sort: { s: 1 } }]
    hasCode(await failure(c.aggregate(pipeline, { maxTimeMS: 1 }).toArray()), expired)
    hasCode(await failure(c.countDocuments(slow, { maxTimeMS: 1 })), expired)
    assert.equal((await c.updateMany(slow, { $set: { q: 1 } }, { maxTimeMS: 1 })).matchedCount, 0)
  })
})

describe('keys', () => {
  test('a key with a dot or a leading $ is refused (code 2) at any depth; an empty key is stored', async () => {
    const c = coll('keys')
    const refused: [Document & { _id: string }, RegExp][] = [
      [{ _id: 'a', j: { 'a.b': 1 } }, /invalid key: "a\.b" \(key must not contain '\.' sign\)/],
      [{ _id: 'b', j: { x: [{ $y: 1 }] } }, /invalid key: "\$y" \(key must not start with '\$' sign\)/],
      [{ _id: 'c', 'a.b': 1 }, /must not contain '\.'/],
      [{ _id: 'd', j: { $x: 1 } }, /must not start with '\$'/],
    ]
    for (const [doc, message] of refused) {
      const e = await failure(c.insertOne(doc))
      assert.equal(e.code, 2)
      assert.match(e.message, message)
    }
    await c.insertOne({ _id: 'e', j: { '': 1 } })
    assert.deepEqual(await c.find({}).toArray(), [{ _id: 'e', j: { '': 1 } }])
  })
})
