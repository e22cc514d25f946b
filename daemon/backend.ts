/**
 * The database behind the daemon, from the config: any registered backend (adapters/registry.ts) by
 * name. Its driver is imported only when it is the one in use. With `migrate` (the default) missing
 * tables are created at start-up, as `dbal migrate` would.
 */
import type { ManagedAdapter } from '../core/adapter.ts'
import { migrated, registryEntry } from '../adapters/registry.ts'
import type { DaemonConfig } from './config.ts'

export async function openBackend(
  c: DaemonConfig['backend'],
  statementTimeoutMs: number,
): Promise<ManagedAdapter> {
  const entry = registryEntry(c.name)!
  const a = await entry.open({
    ...(c.url ? { url: c.url } : {}),
    poolSize: c.pool,
    statementTimeoutMs,
  })
  return c.migrate ? migrated(a) : a
}
