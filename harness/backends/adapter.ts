/**
 * A backend reached through the adapter seam, provisioned the same way for every adapter: open it on a
 * scratch database, migrate once, `reset()` between cases, close and drop at the end. Registered
 * adapters (adapters/registry.ts) and the factories given to runConformance / `dbal certify` both
 * run through here, so what the harness does to an adapter is the same for ours and an outsider's.
 */
import type { ManagedAdapter } from '../../core/adapter.ts'
import { migrated, type AdapterEntry } from '../../adapters/registry.ts'
import type { Backend, Provision } from '../backend.ts'
import { scratchDatabase, SERVERS, type ScratchDatabase } from '../provision/scratch.ts'

/** Provisioned adapters of `open` on `db`: migrated once, emptied by reset() before each case. */
export async function managed(open: () => Promise<ManagedAdapter>, db: ScratchDatabase): Promise<Provision> {
  let adapter = await open()
    .then(migrated)
    .catch(async (e: unknown) => {
      await db.drop()
      throw e
    })
  return {
    where: db.where,
    async fresh() {
      try {
        await adapter.reset()
      } catch {
        // A case (or a test) closed it: the next one gets a new adapter, migrated (memory starts empty).
        await adapter.close().catch(() => undefined)
        adapter = await migrated(await open())
        await adapter.reset()
      }
      return adapter
    },
    async cleanup() {
      await adapter.close()
      await db.drop()
    },
  }
}

const suffixOf = (name: string) => name.replace(/[^a-z0-9]/gi, '').slice(0, 12)

export function adapterBackend(entry: AdapterEntry): Backend {
  const server = entry.server
  return {
    name: entry.name,
    kind: server ? 'server' : 'embedded',
    description: `${entry.description}; ${server ? 'a database per run' : 'in memory'}, emptied between cases`,
    ...(server ? { server, env: [SERVERS[server].envVar] } : {}),
    async provision(runId) {
      const db = await scratchDatabase(entry, runId, suffixOf(entry.name))
      if ('notRun' in db) return db
      return managed(() => entry.open(db.url === undefined ? {} : { url: db.url }), db)
    },
  }
}
