/**
 * Finds a server for a backend: the URL from the environment, else the local server if it answers,
 * else a container through testcontainers if a container runtime exists, else *not run* with the
 * reasons. Each harness run then creates its own database and drops it afterwards, so parallel runs
 * never see each other.
 */
import { randomBytes } from 'node:crypto'
import { redactUrl } from './redact.ts'

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
  /** Answers when a connection to `url` works; throws with the reason otherwise. */
  ping(url: string): Promise<void>
}

export interface Server {
  /** The server URL (admin database), as found. */
  readonly url: string
  /** How it was found, for the report. */
  readonly source: string
  stop(): Promise<void>
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!

async function tryContainer(spec: ServerSpec): Promise<Server | string> {
  try {
    const { GenericContainer } = await import('testcontainers')
    const c = await new GenericContainer(spec.container.image)
      .withEnvironment(spec.container.env)
      .withExposedPorts(spec.container.port)
      .start()
    const url = spec.container.url(c.getHost(), c.getMappedPort(spec.container.port))
    await spec.ping(url)
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
          await spec.ping(fromEnv)
          return { url: fromEnv, source: `$${spec.envVar}`, stop: async () => {} }
        } catch (e) {
          return { notRun: `${spec.envVar}=${redactUrl(fromEnv)} does not answer: ${message(e)}` }
        }
      }
      const reasons: string[] = []
      try {
        await spec.ping(spec.localUrl)
        return {
          url: spec.localUrl,
          source: `local server ${redactUrl(spec.localUrl)}`,
          stop: async () => {},
        }
      } catch (e) {
        reasons.push(`no local ${spec.label} at ${redactUrl(spec.localUrl)} (${message(e)})`)
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
