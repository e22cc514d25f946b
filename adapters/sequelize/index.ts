/**
 * The Sequelize adapter: one class for PostgreSQL (pg), MariaDB (mariadb) and SQLite (sqlite3).
 *
 *   const adapter = createSequelizeAdapter({ dialect: 'postgres', url: 'postgres://...' })
 *   await adapter.migrate()                  // creates or upgrades the schema; [] when up to date
 *   const client = new DBALClient({ adapter })
 *
 * sequelize is an optional peer dependency imported by most files here, so the implementation is
 * loaded through one dynamic import: without the package this module still loads, and each call
 * below fails with a sentence naming what to install (and the dialect's driver likewise, in connect.ts).
 */
import type { DBALError } from '../../core/errors.ts'
import { isMissing, MissingPeerError } from '../peer.ts'
import type { SequelizeAdapter } from './adapter.ts'
import type * as Impl from './create.ts'
import type { SequelizeOptions } from './create.ts'
import type { ErrorContext } from './errors.ts'

export type { SequelizeAdapter } from './adapter.ts'
export type { ConnectOptions } from './connect.ts'
export type { SequelizeOptions } from './create.ts'
export { DIALECTS, type DialectName } from './dialect.ts'

const impl: typeof Impl | { missing: unknown } = await import('./create.ts').catch((e: unknown) => {
  if (isMissing(e, 'sequelize')) return { missing: e }
  throw e
})

function need(): typeof Impl {
  if ('missing' in impl) throw new MissingPeerError('@metabuilder/dbal/sequelize', 'sequelize', impl.missing)
  return impl
}

export function createSequelizeAdapter(options: SequelizeOptions): SequelizeAdapter {
  return need().createSequelizeAdapter(options)
}

/** A Sequelize error as the DBALError the contract names (the native error kept as `cause`). */
export function toDBALError(e: unknown, ctx?: ErrorContext): DBALError {
  return need().toDBALError(e, ctx)
}
