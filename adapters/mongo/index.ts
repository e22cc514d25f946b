/**
 * The MongoDB adapter, on the official `mongodb` driver (an optional peer dependency), for MongoDB and
 * for FerretDB (the MongoDB wire protocol over SQLite or PostgreSQL).
 *
 *   const adapter = await mongoAdapter({ url: 'mongodb://127.0.0.1:27017/app' })
 *   // or: await mongoAdapter({ client: myMongoClient, database: 'app' })
 *   await adapter.migrate()                  // collections and indexes; [] when up to date
 *   const client = new DBALClient({ adapter })
 *
 * Transactions are detected at connect: a replica set has them, a standalone server and FerretDB do not
 * (writes stay atomic through an undo log there; docs/mongo.md).
 */
import type { FactoryOptions } from '../../core/adapter.ts'
import { schema as projectSchema } from '../../core/schema.ts'
import { MissingPeerError } from '../peer.ts'
import { MongoAdapter } from './adapter.ts'
import { connect, type MongoClientLike } from './driver.ts'
import { toDBALError } from './errors.ts'

export type { MongoAdapter } from './adapter.ts'
export type { MongoClientLike } from './driver.ts'
export { toDBALError } from './errors.ts'

export interface MongoOptions extends FactoryOptions {
  /** `mongodb://user:password@host:port/database`; or pass `client`. */
  readonly url?: string
  /** A connected (or connectable) MongoClient; the application keeps it and closes it. */
  readonly client?: MongoClientLike
  /** The database; default: the URL's path, else `dbal`. */
  readonly database?: string
  /** maxTimeMS of every read (find, count): past it, TIMEOUT. 0 or absent: none. */
  readonly maxTimeMS?: number
  readonly poolSize?: number
  readonly connectTimeoutMs?: number
}

export async function mongoAdapter(o: MongoOptions): Promise<MongoAdapter> {
  try {
    const conn = await connect(o)
    return MongoAdapter.create(conn, o.schema ?? projectSchema, o.maxTimeMS ?? 0)
  } catch (e) {
    // Bad options and a missing driver are the caller's to fix, as they are: not database errors.
    throw e instanceof TypeError || e instanceof MissingPeerError ? e : toDBALError(e)
  }
}
