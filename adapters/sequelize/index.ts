/**
 * The Sequelize adapter: one class for PostgreSQL (pg), MariaDB (mariadb) and SQLite (sqlite3).
 *
 *   const adapter = createSequelizeAdapter({ dialect: 'postgres', url: 'postgres://...' })
 *   await migrateSequelize(adapter)          // creates or upgrades the schema; [] when up to date
 *   const client = new DBALClient({ adapter })
 */
import { SequelizeAdapter } from './adapter.ts'
import { connect, type ConnectOptions } from './connect.ts'
import { Db } from './db.ts'
import { SPECS } from './dialect.ts'
import { migrate } from './migrate.ts'
import { emptyAll } from './reset.ts'

export { SequelizeAdapter } from './adapter.ts'
export type { ConnectOptions } from './connect.ts'
export { DIALECTS, type DialectName } from './dialect.ts'
export { toDBALError } from './errors.ts'

export function createSequelizeAdapter(options: ConnectOptions): SequelizeAdapter {
  return new SequelizeAdapter(new Db(connect(options), SPECS[options.dialect]))
}

/** Creates or upgrades the schema; returns what changed (empty when it was up to date). */
export function migrateSequelize(adapter: SequelizeAdapter): Promise<string[]> {
  return adapter.db.exclusive(() => migrate(adapter.db))
}

/** Deletes every row of every table (test harnesses). */
export function emptySequelize(adapter: SequelizeAdapter): Promise<void> {
  return emptyAll(adapter.db)
}
