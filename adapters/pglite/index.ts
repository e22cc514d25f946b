/** The PGlite adapter: embedded PostgreSQL, running the PostgreSQL adapter's dialect, errors and catalog. */
import type { Schema } from '../../core/schema.ts'
import { importPeer } from '../peer.ts'
import { postgresCatalog } from '../postgres/catalog.ts'
import { postgresDialect } from '../postgres/dialect.ts'
import { classify } from '../postgres/errors.ts'
import { SQL_CAPABILITIES, SqlAdapter } from '../sql/adapter.ts'
import { pgliteDriver, type PGliteLike } from './driver.ts'

export interface PgliteAdapterOptions {
  /** An open PGlite to use (not closed by the adapter); otherwise one is started. */
  readonly db?: PGliteLike
  /** Where a new PGlite keeps its data (default: in memory). */
  readonly dataDir?: string
  readonly schema?: Schema
}

/** The package is loaded only when no PGlite is given: an application passing its own needs none here. */
async function startPglite(dataDir: string | undefined): Promise<PGliteLike> {
  const { PGlite } = await importPeer(
    '@metabuilder/dbal/pglite',
    '@electric-sql/pglite',
    () => import('@electric-sql/pglite'),
  )
  return PGlite.create(dataDir)
}

export async function pgliteAdapter(o: PgliteAdapterOptions = {}): Promise<SqlAdapter> {
  const db: PGliteLike = o.db ?? (await startPglite(o.dataDir))
  const owned = o.db === undefined
  return new SqlAdapter({
    name: 'pglite',
    dialect: postgresDialect,
    driver: pgliteDriver(db, async () => {
      if (owned) await db.close()
    }),
    classify,
    capabilities: SQL_CAPABILITIES,
    catalog: postgresCatalog,
    schema: o.schema,
  })
}
