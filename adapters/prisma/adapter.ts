/**
 * The seam on a Prisma client: the shared SQL adapter (adapters/sql/adapter.ts) with the client as its
 * driver (driver.ts), the provider's dialect and catalog (providers.ts) and Prisma's errors
 * (errors.ts). Migrations and reset are the DBAL's own DDL for the provider, sent through the client.
 */
import type { FactoryOptions, ManagedAdapter } from '../../core/adapter.ts'
import { schema as projectSchema } from '../../core/schema.ts'
import { SqlAdapter } from '../sql/adapter.ts'
import type { PrismaClientLike, PrismaProviderName } from './client-like.ts'
import { prismaDriver } from './driver.ts'
import { classifyPrisma } from './errors.ts'
import { ManagedMariaDbPrisma } from './mariadb-adapter.ts'
import { rewriteSelect } from './mariadb-sort.ts'
import { PrismaReads } from './model-reads.ts'
import { providerSpec } from './providers.ts'

export interface PrismaAdapterOptions extends FactoryOptions {
  /** A PrismaClient (the application's own, or one openPrisma made) on the DBAL's tables. */
  readonly client: PrismaClientLike
  readonly provider: PrismaProviderName
  /** Disconnect the client on close() (default false: the application owns its client). */
  readonly disconnect?: boolean
  /** How long a transaction waits for a connection (Prisma's maxWait; default 10000). */
  readonly maxWaitMs?: number
  /** How long a transaction may stay open before Prisma rolls it back (default 600000). */
  readonly transactionTimeoutMs?: number
}

export function prismaAdapter(o: PrismaAdapterOptions): ManagedAdapter {
  const spec = providerSpec(o.provider)
  const mariadb = o.provider === 'mysql'
  const driver = prismaDriver(o.client, {
    singleConnection: spec.singleConnection,
    disconnect: o.disconnect ?? false,
    ...(mariadb ? { rewrite: rewriteSelect } : {}),
    ...(o.maxWaitMs !== undefined ? { maxWaitMs: o.maxWaitMs } : {}),
    ...(o.transactionTimeoutMs !== undefined ? { transactionTimeoutMs: o.transactionTimeoutMs } : {}),
  })
  const sql = new SqlAdapter({
    name: `prisma-${o.provider === 'postgresql' ? 'postgres' : mariadb ? 'mariadb' : 'sqlite'}`,
    dialect: spec.dialect,
    driver,
    classify: (err, e) => classifyPrisma(o.provider, err, e),
    capabilities: spec.capabilities,
    catalog: spec.catalog,
    schema: o.schema,
  })
  const schema = o.schema ?? projectSchema
  // MariaDB: no UPDATE ... RETURNING, and long sort keys (mariadb-adapter.ts).
  const base = mariadb ? new ManagedMariaDbPrisma(sql, schema, driver) : sql
  return new PrismaReads(base, driver, o.provider, schema)
}
