/**
 * Collections and indexes derived from schema/: one collection per entity (its table name), a unique
 * index per unique constraint (named as the schema names it, so an error naming the index names the
 * fields), and the schema's other indexes. Unique indexes are sparse: a null is stored as a missing
 * field, and MongoDB's sparse index skips it, so nulls never collide (FerretDB's unique indexes skip
 * missing fields anyway). Adds what is missing; never drops or changes what exists.
 *
 * Where the server has them (MongoDB; FerretDB refuses them), each collection gets a `$jsonSchema`
 * validator of its fields' BSON types and required fields, derived from the schema: a second line of
 * defence behind core's validation, for writes that bypass the DBAL. A server that refuses the validator
 * gets the collection without it.
 *
 * Not created: a TTL index on sessions (FerretDB has none, and a background purge would race
 * `sessions.purgeExpired()`'s count: expired sessions are filtered out on read instead, CONTRACT §4).
 */
import type { Db } from 'mongodb'
import type { Entity, Field, Index, Schema } from '../../core/schema.ts'
import { keyOf } from './codec.ts'

const keysOf = (i: Index): Record<string, 1> =>
  Object.fromEntries(i.fields.map((f) => [keyOf(f), 1 as const]))

/** The BSON types a field's stored value may have (codec.ts); integers as the driver sends them. */
function bsonType(f: Field): string | string[] {
  switch (f.type) {
    case 'integer':
      return ['int', 'long', 'double']
    case 'boolean':
      return 'bool'
    case 'datetime':
      return 'date'
    case 'json':
      return f.jsonType === 'string_array' ? 'array' : 'object'
    default:
      return 'string'
  }
}

/** The `$jsonSchema` of an entity's documents: types of its fields, and those always present. */
export function validatorOf(e: Entity): Record<string, unknown> {
  const properties = Object.fromEntries(e.fields.map((f) => [keyOf(f), { bsonType: bsonType(f) }]))
  const required = e.fields.filter((f) => f.primary || f.required).map(keyOf)
  return { $jsonSchema: { bsonType: 'object', required, properties } }
}

export async function migrate(db: Db, schema: Schema, o: { validators: boolean }): Promise<string[]> {
  const changes: string[] = []
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name))
  for (const e of schema.creationOrder) {
    if (!existing.has(e.table)) {
      const validated =
        o.validators &&
        (await db.createCollection(e.table, { validator: validatorOf(e) }).then(
          () => true,
          () => false,
        ))
      if (!validated) await db.createCollection(e.table)
      changes.push(`create collection ${e.table}${validated ? ' with a $jsonSchema validator' : ''}`)
    }
    changes.push(...(await indexes(db, e)))
  }
  return changes
}

async function indexes(db: Db, e: Entity): Promise<string[]> {
  const c = db.collection(e.table)
  const have = new Set((await c.listIndexes().toArray()).map((i) => String(i.name)))
  const out: string[] = []
  for (const [i, unique] of [
    ...e.uniques.map((u) => [u, true] as const),
    ...e.indexes.map((x) => [x, false] as const),
  ]) {
    if (have.has(i.name) || (i.fields.length === 1 && i.fields[0]!.primary)) continue
    await c.createIndex(keysOf(i), { name: i.name, ...(unique ? { unique: true, sparse: true } : {}) })
    out.push(`create ${unique ? 'unique ' : ''}index ${i.name} on ${e.table}`)
  }
  return out
}

/** Empties every collection, internal ones included, referrers before what they reference. */
export async function emptyAll(db: Db, schema: Schema): Promise<void> {
  for (const e of schema.deletionOrder) await db.collection(e.table).deleteMany({})
}
