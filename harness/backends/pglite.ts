/** PGlite (embedded PostgreSQL) for the harness: one instance per run (it takes seconds to start), truncated between cases. */
import { pgliteAdapter } from '../../adapters/pglite/index.ts'
import type { Backend } from '../backend.ts'

export const pgliteBackend: Backend = {
  name: 'pglite',
  kind: 'embedded',
  description:
    'PGlite (PostgreSQL in WebAssembly); one in-memory instance per run, tables truncated between cases',
  async provision() {
    const adapter = await pgliteAdapter()
    await adapter.migrate()
    return {
      where: 'in memory',
      async fresh() {
        await adapter.clear()
        return adapter
      },
      cleanup: () => adapter.close(),
    }
  },
  /** `url`: a data directory, or `pglite:dir`. */
  async migrate(url) {
    const a = await pgliteAdapter({ dataDir: url.replace(/^pglite:(\/\/)?/, '') })
    try {
      return await a.migrate()
    } finally {
      await a.close()
    }
  },
}
