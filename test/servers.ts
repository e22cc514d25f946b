/**
 * Tests against real servers. A server that does not answer makes its tests *not run* (skipped, with
 * the reason) on a developer machine, but a failure when a backend that needs it is required
 * ($DBAL_REQUIRE, as CI sets it): never a pass by skipping where the server is expected.
 */
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
