/**
 * Tests against real servers. A server that does not answer makes its tests *not run* (skipped, with
 * the reason) on a developer machine, but a failure when a backend that needs it is required
 * ($DBAL_REQUIRE, as CI sets it): never a pass by skipping where the server is expected.
 */
import assert from 'node:assert/strict'
import { after, before, describe } from 'node:test'
import type { Backend, Provisioned } from '../harness/backend.ts'
import { BACKENDS } from '../harness/backends.ts'
import { selectBackends } from '../harness/select.ts'
import { registryEntry, type ServerName } from '../adapters/registry.ts'
import { scratchDatabase as scratchFor, SERVERS } from '../harness/provision/scratch.ts'
import { findServer, type ServerSpec } from '../harness/provision/servers.ts'
import { ferretdbUnavailable } from '../harness/provision/mongo.ts'

/** Server label → the backends that need it, from the registry. */
const NEEDED_BY: Record<string, readonly string[]> = Object.fromEntries(
  Object.entries(SERVERS).map(([name, spec]) => [
    spec.label,
    BACKENDS.filter((b) => b.server === name).map((b) => b.name),
  ]),
)

/** The backends $DBAL_REQUIRE names (CI: `all,-mongo`), read as `dbal test` reads it. */
const REQUIRED = new Set(
  process.env.DBAL_REQUIRE?.trim()
    ? selectBackends(process.env.DBAL_REQUIRE, '$DBAL_REQUIRE').map((b) => b.name)
    : [],
)

/** Whether a backend that needs the server is required here. */
const required = (spec: ServerSpec): boolean => NEEDED_BY[spec.label]?.some((n) => REQUIRED.has(n)) ?? false

/** false when the server's tests must run; otherwise the reason to skip them. */
export async function skipUnless(spec: ServerSpec): Promise<string | false> {
  const found = await findServer(spec)
  if (!('notRun' in found)) return false
  if (required(spec)) return false
  return `not run: ${found.notRun}`
}

export const skipPostgres = await skipUnless(SERVERS.postgres)
export const skipMariadb = await skipUnless(SERVERS.mariadb)

// The Mongo servers are not looked for at import, which would start FerretDB (or a MongoDB container)
// for every test file: FerretDB runs wherever it is given or can be built, MongoDB where it is given.
const ferretdbMissing = await ferretdbUnavailable()
export const skipFerretDB: string | false =
  ferretdbMissing === undefined || required(SERVERS.ferretdb) ? false : `not run: ${ferretdbMissing}`
export const skipMongo: string | false =
  process.env.DBAL_MONGO_URL || required(SERVERS.mongo)
    ? false
    : 'not run: DBAL_MONGO_URL is not set (tests start no MongoDB container; `dbal test --backends mongo` tries testcontainers)'

const SKIPS: Readonly<Record<ServerName, string | false>> = {
  postgres: skipPostgres,
  mariadb: skipMariadb,
  ferretdb: skipFerretDB,
  mongo: skipMongo,
}

/** Why a backend's tests are not run here: never for an embedded one; a server's when it is absent. */
export function skipFor(b: Backend): string | false {
  return b.server ? SKIPS[b.server] : false
}

/**
 * One suite per backend, provisioned before it and cleaned up after; `body` gets the provisioned
 * backend. A backend that cannot be provisioned fails its suite (skipped only as skipFor says).
 */
export function describeOn(
  backends: readonly Backend[],
  title: string,
  body: (provisioned: () => Provisioned, backend: Backend) => void,
): void {
  for (const backend of backends)
    describe(`${backend.name}${title}`, { skip: skipFor(backend) }, () => {
      let p: Provisioned | undefined
      before(async () => {
        const provision = await backend.provision(`t${process.pid}`)
        if ('notRun' in provision) assert.fail(`${backend.name} cannot run: ${provision.notRun}`)
        p = provision
      })
      after(() => p?.cleanup())
      body(() => p ?? assert.fail(`${backend.name} was not provisioned`), backend)
    })
}

/** A scratch database with a URL (a file for an embedded backend), as tests use one. */
export interface TestDatabase {
  readonly url: string
  readonly where: string
  drop(): Promise<void>
}

/** A scratch database for the registered backend `name`, or why it cannot be made here. */
export async function scratchDatabase(
  name: string,
  runId: string,
  suffix: string,
): Promise<TestDatabase | { notRun: string }> {
  const entry = registryEntry(name)
  if (!entry) throw new Error(`no registered backend named ${name}`)
  const db = await scratchFor(entry, runId, suffix, 'file')
  if ('notRun' in db) return db
  return { ...db, url: db.url ?? ':memory:' }
}
