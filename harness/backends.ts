/** Every backend the harness knows. Each adapter's harness entry lives next to its provisioning. */
import type { Backend } from './backend.ts'
import { throughAcl } from './backends/acl.ts'
import { pgliteBackend } from './backends/pglite.ts'
import { postgresBackend } from './backends/postgres.ts'
import { referenceBackend } from './backends/reference.ts'
import {
  sequelizeMariadbBackend,
  sequelizePostgresBackend,
  sequelizeSqliteBackend,
} from './backends/sequelize.ts'
import { remoteBackend, remotePostgresBackend } from './backends/remote.ts'
import { sqliteBackend } from './backends/sqlite.ts'

export const BACKENDS: readonly Backend[] = [
  referenceBackend,
  remoteBackend,
  remotePostgresBackend,
  sqliteBackend,
  postgresBackend,
  pgliteBackend,
  sequelizeSqliteBackend,
  sequelizePostgresBackend,
  sequelizeMariadbBackend,
  // The whole suite again through the ACL decorator as the system caller (CONTRACT §7): the decorator
  // works above the seam, the same for every backend, so two backends of different kinds suffice.
  throughAcl(referenceBackend),
  throughAcl(sqliteBackend),
]

/** Named groups for --backends: `embedded` needs no server, `all` is every backend. */
export const GROUPS: Record<string, (b: Backend) => boolean> = {
  embedded: (b) => b.kind === 'embedded',
  all: () => true,
}

/**
 * What `dbal backends` lists: every backend above, and `endpoint`, the daemon `dbal test --endpoint URL`
 * certifies (it exists only with a URL, so it is not in BACKENDS and no --backends group selects it).
 */
export const LISTED: readonly Pick<Backend, 'name' | 'kind' | 'description' | 'env'>[] = [
  ...BACKENDS,
  {
    name: 'endpoint',
    kind: 'server',
    description: 'A daemon started elsewhere: dbal test --endpoint ws://host:port --token T',
    env: ['DBAL_ENDPOINT_TOKEN'],
  },
]
