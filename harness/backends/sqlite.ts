/** SQLite for the harness: a new in-memory database per case (creating the schema takes a few ms). */
import { sqliteAdapter, sqliteFilename } from '../../adapters/sqlite/index.ts'
import type { SqlAdapter } from '../../adapters/sql/adapter.ts'
import type { Backend } from '../backend.ts'

export const sqliteBackend: Backend = {
  name: 'sqlite',
  kind: 'embedded',
  description: 'SQLite through better-sqlite3; a fresh in-memory database per case',
  async provision() {
    let current: SqlAdapter | undefined
    return {
      where: 'in memory',
      async fresh() {
        await current?.close()
        current = sqliteAdapter()
        await current.migrate()
        return current
      },
      async cleanup() {
        await current?.close()
      },
    }
  },
  /** `url`: a file path or `sqlite:path`. */
  async migrate(url) {
    const a = sqliteAdapter({ filename: sqliteFilename(url) })
    try {
      return await a.migrate()
    } finally {
      await a.close()
    }
  },
}
