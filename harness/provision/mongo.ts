/**
 * Mongo servers for the harness. `ferretdb`: DBAL_FERRETDB_URL, else a FerretDB started for the run
 * (ferretdb.ts), stopped once its last database is dropped. `mongo`: DBAL_MONGO_URL, else a mongo:7
 * container (testcontainers) initiated as a single-node replica set, so that transactions are there,
 * else *not run* with the reasons. Each run gets a database of its own, dropped afterwards (Mongo
 * creates a database on first write, so creating one is only naming it).
 */
import type * as Mongo from 'mongodb'
import { requirePeer } from '../../adapters/peer.ts'
import { ferretdbBinary, findGo, startFerretDB } from './ferretdb.ts'
import { provisionDatabase, type ServerSpec } from './servers.ts'

const driver = () => requirePeer<typeof Mongo>('dbal test (Mongo)', 'mongodb')

async function withClient<T>(
  url: string,
  timeoutMs: number,
  fn: (c: Mongo.MongoClient) => Promise<T>,
): Promise<T> {
  const client = new (driver().MongoClient)(url, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
  })
  try {
    return await fn(client)
  } finally {
    await client.close()
  }
}

/**
 * `url` naming the database `name` instead of its own (query options kept; several hosts allowed). With
 * credentials, the database they belong to stays the one they authenticate against (`authSource`): the
 * URL's own database, else admin, as the driver would have used.
 */
export function withDatabase(url: string, name: string): string {
  const m = /^(mongodb(?:\+srv)?:\/\/([^/?]*))(\/[^?]*)?(\?.*)?$/.exec(url)
  if (!m) throw new TypeError(`not a mongodb:// URL: ${url}`)
  let query = m[4] ?? ''
  if (m[2]!.includes('@') && !/[?&]authSource=/i.test(query)) {
    const source = encodeURIComponent(decodeURIComponent((m[3] ?? '').slice(1)) || 'admin')
    query = `${query ? `${query}&` : '?'}authSource=${source}`
  }
  return `${m[1]}/${name}${query}`
}

const mongoCommon = {
  ping: (url: string, timeoutMs: number) =>
    withClient(url, timeoutMs, async (c) => void (await c.db('admin').command({ ping: 1 }))),
  createDatabase: async (serverUrl: string, name: string) => withDatabase(serverUrl, name),
  dropDatabase: (serverUrl: string, name: string) =>
    withClient(serverUrl, 10_000, async (c) => void (await c.db(name).dropDatabase())),
}

export const FERRETDB: ServerSpec = {
  label: 'FerretDB',
  envVar: 'DBAL_FERRETDB_URL',
  ...mongoCommon,
  async start() {
    const s = await startFerretDB()
    return { url: s.url, source: `FerretDB started for this run at ${s.url}`, stop: s.stop }
  },
  stopWhenUnused: true,
}

/** Initiates the container's replica set of one member and waits until it is primary. */
async function initiate(url: string): Promise<void> {
  await withClient(url, 30_000, async (c) => {
    const admin = c.db('admin')
    await admin.command({ replSetInitiate: { _id: 'rs0', members: [{ _id: 0, host: 'localhost:27017' }] } })
    const deadline = Date.now() + 30_000
    while (!(await admin.command({ hello: 1 })).isWritablePrimary) {
      if (Date.now() > deadline) throw new Error('the replica set has no primary after 30 s')
      await new Promise((r) => setTimeout(r, 200))
    }
  })
}

export const MONGO: ServerSpec = {
  label: 'MongoDB',
  envVar: 'DBAL_MONGO_URL',
  ...mongoCommon,
  container: {
    image: 'mongo:7',
    port: 27017,
    env: {},
    command: ['--replSet', 'rs0', '--bind_ip_all'],
    // One member, reached directly: the driver need not resolve the member's own name (localhost).
    url: (h, p) => `mongodb://${h}:${p}/?directConnection=true`,
    ready: initiate,
  },
}

/**
 * Whether FerretDB can be had here without starting it: its URL is given, or it is built, or Go is
 * there to build it. The reason when not.
 */
export async function ferretdbUnavailable(): Promise<string | undefined> {
  if (process.env.DBAL_FERRETDB_URL) return undefined
  try {
    findGo()
    return undefined
  } catch (e) {
    return ferretdbBinary()
      .then(() => undefined)
      .catch(() => (e instanceof Error ? e.message : String(e)))
  }
}

export const provisionFerretDB = (runId: string, suffix: string) => provisionDatabase(FERRETDB, runId, suffix)
export const provisionMongo = (runId: string, suffix: string) => provisionDatabase(MONGO, runId, suffix)
