/**
 * Finds a server for a backend: the URL from the environment, else the local server if it answers,
 * else one started for this process (FerretDB), else a container through testcontainers if a container
 * runtime exists, else *not run* with the reasons. Each harness run then creates its own database and
 * drops it afterwards, so parallel runs never see each other; a server started for the run stops with
 * its last database.
 */
import { randomBytes } from 'node:crypto'
import { shownUrl } from '../../core/url.ts'

export interface ServerSpec {
  /** For messages: PostgreSQL, MariaDB, FerretDB, MongoDB. */
  readonly label: string
  /** DBAL_POSTGRES_URL, DBAL_MARIADB_URL, DBAL_FERRETDB_URL, DBAL_MONGO_URL. */
  readonly envVar: string
  /** The server on this machine, tried when the variable is unset. */
  readonly localUrl?: string
  /** Starts a server for this process when the variable is unset (FerretDB); throws with the reason. */
  start?(): Promise<Omit<Server, 'source'> & { source?: string }>
  /** testcontainers image, port and environment, tried last. */
  readonly container?: {
    image: string
    port: number
    env: Record<string, string>
    /** The container's command line, where the image's default is not enough (a replica set). */
    command?: readonly string[]
    url: (host: string, port: number) => string
    /** Runs once the port answers, before the server is used (initiating a replica set). */
    ready?: (url: string) => Promise<void>
  }
  /** Throws with the reason when the server at `url` does not answer. */
  ping(url: string, timeoutMs: number): Promise<void>
  /** Creates the database `name` (from databaseName: safe to splice) on the server; returns its URL. */
  createDatabase(serverUrl: string, name: string): Promise<string>
  dropDatabase(serverUrl: string, name: string): Promise<void>
  /** Stop a server found by `start` or a container once the run's last database on it is dropped. */
  readonly stopWhenUnused?: boolean
}

/**
 * A server spoken to in SQL: `admin` runs one statement; databases are created and dropped with DDL,
 * and a database's URL is the server's with the database as its path.
 */
export function sqlServer(o: {
  label: string
  envVar: string
  localUrl: string
  container: NonNullable<ServerSpec['container']>
  admin(url: string, sql: string, connectTimeoutMs?: number): Promise<void>
  createDatabase(name: string): string
  dropDatabase(name: string): string
}): ServerSpec & { admin: typeof o.admin } {
  return {
    label: o.label,
    envVar: o.envVar,
    localUrl: o.localUrl,
    container: o.container,
    admin: o.admin,
    ping: (url, timeoutMs) => o.admin(url, 'select 1', timeoutMs),
    async createDatabase(serverUrl, name) {
      await o.admin(serverUrl, o.createDatabase(name))
      const u = new URL(serverUrl)
      u.pathname = `/${name}`
      return u.toString()
    },
    dropDatabase: (serverUrl, name) => o.admin(serverUrl, o.dropDatabase(name)),
  }
}

export interface Server {
  /** The server URL (admin database), as found. */
  readonly url: string
  /** How it was found, for the report. */
  readonly source: string
  stop(): Promise<void>
}

const ping = (spec: ServerSpec, url: string) => spec.ping(url, 3000)

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!

async function tryContainer(spec: ServerSpec): Promise<Server | string> {
  const box = spec.container
  if (!box) return 'no container image for it'
  try {
    const { GenericContainer } = await import('testcontainers')
    let g = new GenericContainer(box.image).withEnvironment(box.env).withExposedPorts(box.port)
    if (box.command) g = g.withCommand([...box.command])
    const c = await g.start()
    const url = box.url(c.getHost(), c.getMappedPort(box.port))
    await box.ready?.(url)
    await ping(spec, url)
    return { url, source: `testcontainers ${box.image}`, stop: async () => void (await c.stop()) }
  } catch (e) {
    return `testcontainers: ${message(e)}`
  }
}

/** Servers found once per process and shared by the backends that use them (postgres, sequelize-postgres). */
const found = new Map<string, Promise<Server | { notRun: string }>>()

export function findServer(spec: ServerSpec): Promise<Server | { notRun: string }> {
  let p = found.get(spec.label)
  if (!p) {
    p = (async () => {
      const fromEnv = process.env[spec.envVar]
      if (fromEnv) {
        try {
          await ping(spec, fromEnv)
          return { url: fromEnv, source: `$${spec.envVar}`, stop: async () => {} }
        } catch (e) {
          return { notRun: `${spec.envVar}=${shownUrl(fromEnv)} does not answer: ${message(e)}` }
        }
      }
      const reasons: string[] = []
      if (spec.localUrl) {
        try {
          await ping(spec, spec.localUrl)
          return {
            url: spec.localUrl,
            source: `local server ${shownUrl(spec.localUrl)}`,
            stop: async () => {},
          }
        } catch (e) {
          reasons.push(`no local ${spec.label} at ${shownUrl(spec.localUrl)} (${message(e)})`)
        }
      }
      if (spec.start) {
        try {
          const s = await spec.start()
          return { source: `${spec.label} started for this run`, ...s }
        } catch (e) {
          reasons.push(`could not start ${spec.label} (${message(e)})`)
        }
      }
      if (spec.container) {
        const c = await tryContainer(spec)
        if (typeof c !== 'string') return c
        reasons.push(c)
      }
      return { notRun: `${spec.label} unavailable: ${reasons.join('; ')}; set ${spec.envVar}` }
    })()
    found.set(spec.label, p)
  }
  return p
}

/** A database name unique to this run and backend: `dbal_<run>_<suffix>`, safe to splice into DDL. */
export function databaseName(runId: string, suffix: string): string {
  const name = `dbal_${runId}_${suffix}_${randomBytes(3).toString('hex')}`
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
  return name.slice(0, 63)
}

export interface ProvisionedDatabase {
  /** URL of the new, empty database. */
  readonly url: string
  /** How the server was found. */
  readonly source: string
  drop(): Promise<void>
}

/** Creates `dbal_<runId>_<suffix>_xxxxxx` on the server found for `spec`, or says why it cannot. */
export async function provisionDatabase(
  spec: ServerSpec,
  runId: string,
  suffix: string,
): Promise<ProvisionedDatabase | { notRun: string }> {
  const server = await findServer(spec)
  if ('notRun' in server) return server
  const name = databaseName(runId, suffix)
  // Counted before the database exists, so that a drop elsewhere meanwhile does not stop the server.
  users.set(spec.label, (users.get(spec.label) ?? 0) + 1)
  let url: string
  try {
    url = await spec.createDatabase(server.url, name)
  } catch (e) {
    await release(spec, server)
    throw e
  }
  let dropped = false
  return {
    url,
    source: server.source,
    async drop() {
      if (dropped) return
      dropped = true
      try {
        await spec.dropDatabase(server.url, name)
      } finally {
        await release(spec, server)
      }
    },
  }
}

/** Databases in use per server, for `stopWhenUnused`. */
const users = new Map<string, number>()

/** A server the run started is stopped once its last database is dropped; a later run finds a new one. */
async function release(spec: ServerSpec, server: Server): Promise<void> {
  const n = (users.get(spec.label) ?? 1) - 1
  users.set(spec.label, n)
  if (n > 0 || !spec.stopWhenUnused) return
  found.delete(spec.label)
  await server.stop()
}
