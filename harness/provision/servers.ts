/**
 * Finds a server for a backend: the URL from the environment, else the local server if it answers,
 * else a container through testcontainers if a container runtime exists, else *not run* with the
 * reasons. Each harness run then creates its own database and drops it afterwards, so parallel runs
 * never see each other.
 */
import { randomBytes } from 'node:crypto'
import { shownUrl } from '../../core/url.ts'

export interface ServerSpec {
  /** For messages: PostgreSQL, MariaDB. */
  readonly label: string
  /** DBAL_POSTGRES_URL, DBAL_MARIADB_URL. */
  readonly envVar: string
  /** The server on this machine, tried when the variable is unset. */
  readonly localUrl: string
  /** testcontainers image, port and environment, tried last. */
  readonly container: {
    image: string
    port: number
    env: Record<string, string>
    url: (host: string, port: number) => string
  }
  /** Runs one statement on the database of `url`; throws with the reason when it cannot connect. */
  admin(url: string, sql: string, connectTimeoutMs?: number): Promise<void>
  /** The DDL that creates and drops a database of this name (a name from databaseName: safe to splice). */
  createDatabase(name: string): string
  dropDatabase(name: string): string
}

export interface Server {
  /** The server URL (admin database), as found. */
  readonly url: string
  /** How it was found, for the report. */
  readonly source: string
  stop(): Promise<void>
}

const ping = (spec: ServerSpec, url: string) => spec.admin(url, 'select 1', 3000)

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!

async function tryContainer(spec: ServerSpec): Promise<Server | string> {
  try {
    const { GenericContainer } = await import('testcontainers')
    const c = await new GenericContainer(spec.container.image)
      .withEnvironment(spec.container.env)
      .withExposedPorts(spec.container.port)
      .start()
    const url = spec.container.url(c.getHost(), c.getMappedPort(spec.container.port))
    await ping(spec, url)
    return { url, source: `testcontainers ${spec.container.image}`, stop: async () => void (await c.stop()) }
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
      const c = await tryContainer(spec)
      if (typeof c !== 'string') return c
      reasons.push(c)
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
  await spec.admin(server.url, spec.createDatabase(name))
  const u = new URL(server.url)
  u.pathname = `/${name}`
  return {
    url: u.toString(),
    source: server.source,
    drop: () => spec.admin(server.url, spec.dropDatabase(name)),
  }
}
