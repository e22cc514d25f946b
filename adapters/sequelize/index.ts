/**
 * The Sequelize adapter: one class for PostgreSQL (pg), MariaDB (mariadb) and SQLite (sqlite3).
 *
 *   const adapter = createSequelizeAdapter({ dialect: 'postgres', url: 'postgres://...' })
 *   await migrateSequelize(adapter)          // creates or upgrades the schema; [] when up to date
 *   const client = new DBALClient({ adapter })
 *
 * sequelize is an optional peer dependency imported by most files here, so the implementation is
 * loaded through one dynamic import: without the package this module still loads, and each call
 * below fails with a sentence naming what to install (and the dialect's driver likewise, in connect.ts).
 */
import type { DBALError } from '../../core/errors.ts'
import { isMissing, MissingPeerError } from '../peer.ts'
import type { SequelizeAdapter } from './adapter.ts'
import type { ConnectOptions } from './connect.ts'
import type * as Impl from './create.ts'
import type { ErrorContext } from './errors.ts'

export type { SequelizeAdapter } from './adapter.ts'
export type { ConnectOptions } from './connect.ts'
export { DIALECTS, type DialectName } from './dialect.ts'

const impl: typeof Impl | { missing: unknown } = await import('./create.ts').catch((e: unknown) => {
  if (isMissing(e, 'sequelize')) return { missing: e }
  throw e
})

function need(): typeof Impl {
  if ('missing' in impl) throw new MissingPeerError('@metabuilder/dbal/sequelize', 'sequelize', impl.missing)
  return impl
}

export function createSequelizeAdapter(options: ConnectOptions): SequelizeAdapter {
  return need().createSequelizeAdapter(options)
}

/** Creates or upgrades the schema; returns what changed (empty when it was up to date). */
export function migrateSequelize(adapter: SequelizeAdapter): Promise<string[]> {
  return need().migrateSequelize(adapter)
}

/** Deletes every row of every table (test harnesses). */
export function emptySequelize(adapter: SequelizeAdapter): Promise<void> {
  return need().emptySequelize(adapter)
}

/** A Sequelize error as the DBALError the contract names (the native error kept as `cause`). */
export function toDBALError(e: unknown, ctx?: ErrorContext): DBALError {
  return need().toDBALError(e, ctx)
}
