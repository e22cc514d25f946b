/**
 * Tests against real servers. A server that does not answer makes its tests *not run* (skipped, with
 * the reason) on a developer machine, but a failure when a backend that needs it is required
 * ($DBAL_REQUIRE, as CI sets it): never a pass by skipping where the server is expected.
 */
import assert from 'node:assert/strict'
import { after, before, describe } from 'node:test'
import type { Backend, Provisioned } from '../harness/backend.ts'
import { MARIADB } from '../harness/provision/mariadb.ts'
import { POSTGRES } from '../harness/provision/postgres.ts'
import { findServer, type ServerSpec } from '../harness/provision/servers.ts'

const NEEDED_BY: Record<string, readonly string[]> = {
  PostgreSQL: ['postgres', 'sequelize-postgres', 'remote-postgres'],
  MariaDB: ['sequelize-mariadb'],
}

/** false when the server's tests must run; otherwise the reason to skip them. */
export async function skipUnless(spec: ServerSpec): Promise<string | false> {
  const found = await findServer(spec)
  if (!('notRun' in found)) return false
  const required = (process.env.DBAL_REQUIRE ?? '').split(',').map((s) => s.trim())
  if (required.some((n) => n === 'all' || NEEDED_BY[spec.label]?.includes(n))) return false
  return `not run: ${found.notRun}`
}

export const skipPostgres = await skipUnless(POSTGRES)
export const skipMariadb = await skipUnless(MARIADB)

/** Why a backend's tests are not run here: never for an embedded one; a server's when it is absent. */
export function skipFor(b: Backend): string | false {
  if (b.kind !== 'server') return false
  return b.name.endsWith('mariadb') ? skipMariadb : skipPostgres
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
