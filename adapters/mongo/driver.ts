/**
 * The connection: a MongoClient made from a URL (the `mongodb` peer dependency, loaded only then) or one
 * the application passes in, declared as the small part of the driver this adapter calls. What the
 * deployment can do is asked once at connect (CONTRACT §6): `hello` names a replica set (multi-document
 * transactions), `buildInfo` names FerretDB (whose regular expressions are Go's).
 */
import type { ClientSession, Db, MongoClientOptions } from 'mongodb'
import type * as Mongo from 'mongodb'
import { requirePeer } from '../peer.ts'
import type { FilterDialect } from './filter.ts'

/** What the adapter calls on a client: a MongoClient fits. */
export interface MongoClientLike {
  db(name?: string): Db
  startSession(): ClientSession
  close(): Promise<void>
}

export interface Deployment {
  /** A replica set (or sharded cluster): sessions with multi-document transactions. */
  readonly transactions: boolean
  /** FerretDB's version when the server is FerretDB. */
  readonly ferretdb?: string
  readonly dialect: FilterDialect
}

export interface Connection {
  readonly client: MongoClientLike
  readonly db: Db
  readonly owned: boolean
  readonly deployment: Deployment
}

export interface ConnectOptions {
  readonly url?: string
  readonly client?: MongoClientLike
  /** The database; default: the URL's path, else `dbal`. */
  readonly database?: string
  readonly poolSize?: number
  readonly connectTimeoutMs?: number
}

/** The database a URL names (`mongodb://host/name`), if any. */
export function databaseOf(url: string | undefined): string | undefined {
  if (!url) return undefined
  const m = /^mongodb(?:\+srv)?:\/\/[^/]*\/([^?]*)/.exec(url)
  const name = m?.[1] ? decodeURIComponent(m[1]) : ''
  return name || undefined
}

async function detect(db: Db): Promise<Deployment> {
  const admin = db.admin()
  const hello = await admin.command({ hello: 1 })
  const build = await admin.command({ buildInfo: 1 }).catch(() => ({}) as Record<string, unknown>)
  const ferretdb = typeof build.ferretdbVersion === 'string' ? build.ferretdbVersion : undefined
  const replicated = typeof hello.setName === 'string' || hello.msg === 'isdbgrid'
  return {
    transactions: replicated && !ferretdb,
    ...(ferretdb ? { ferretdb } : {}),
    dialect: { textEnd: ferretdb ? '$' : '\\z' },
  }
}

export async function connect(o: ConnectOptions): Promise<Connection> {
  const name = o.database ?? databaseOf(o.url) ?? 'dbal'
  if (o.client) {
    const db = o.client.db(name)
    return { client: o.client, db, owned: false, deployment: await detect(db) }
  }
  if (!o.url) throw new TypeError('mongoAdapter needs a url or a client')
  const { MongoClient } = requirePeer<typeof Mongo>('@metabuilder/dbal/mongo', 'mongodb')
  const options: MongoClientOptions = {
    serverSelectionTimeoutMS: o.connectTimeoutMs ?? 10_000,
    connectTimeoutMS: o.connectTimeoutMs ?? 10_000,
    ...(o.poolSize ? { maxPoolSize: o.poolSize } : {}),
    // A write is retried by the adapter's caller, with an idempotency key where it matters (CONTRACT §8).
    retryWrites: false,
  }
  const client = new MongoClient(o.url, options)
  try {
    await client.connect()
    const db = client.db(name)
    return { client, db, owned: true, deployment: await detect(db) }
  } catch (e) {
    await client.close().catch(() => undefined)
    throw e
  }
}
