/** The PGlite adapter: embedded PostgreSQL, running the PostgreSQL adapter's dialect, errors and catalog. */
import type { FactoryOptions } from '../../core/adapter.ts'
import { ConfigError } from '../../core/config-error.ts'
import { importPeer } from '../peer.ts'
import { postgresCatalog } from '../postgres/catalog.ts'
import { postgresDialect } from '../postgres/dialect.ts'
import { classify } from '../postgres/errors.ts'
import { SQL_CAPABILITIES, SqlAdapter } from '../sql/adapter.ts'
import { pgliteDriver, type PGliteLike } from './driver.ts'

export interface PgliteAdapterOptions extends FactoryOptions {
  /**
   * The application's open PGlite (the Kysely way; declared as the part called, driver.ts); otherwise
   * one is started. A given PGlite is not closed by the adapter's close() unless `closeDb` is true: its
   * owner closes it.
   */
  readonly db?: PGliteLike
  /** Close a given PGlite on close() (default false). One the adapter started is always closed. */
  readonly closeDb?: boolean
  /** Where a new PGlite keeps its data (default: in memory); not with `db`. */
  readonly dataDir?: string
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
  if (o.db && o.dataDir !== undefined)
    throw new ConfigError('options', 'dataDir', 'give a dataDir or a db, not both')
  const db: PGliteLike = o.db ?? (await startPglite(o.dataDir))
  const owned = o.db === undefined || o.closeDb === true
  return new SqlAdapter({
    name: 'pglite',
    dialect: postgresDialect,
    driver: pgliteDriver(
      db,
      async () => {
        if (owned) await db.close()
      },
      !owned,
    ),
    classify,
    capabilities: SQL_CAPABILITIES,
    catalog: postgresCatalog,
    schema: o.schema,
  })
}
