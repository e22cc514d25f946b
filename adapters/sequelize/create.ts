/**
 * The Sequelize adapter's entry points, loaded by index.ts once it knows the sequelize package is
 * there (everything imported from here imports sequelize).
 */
import { SequelizeAdapter } from './adapter.ts'
import { connect, type ConnectOptions } from './connect.ts'
import { Db } from './db.ts'
import { SPECS } from './dialect.ts'
import { migrate } from './migrate.ts'
import { emptyAll } from './reset.ts'

export { toDBALError } from './errors.ts'

export function createSequelizeAdapter(options: ConnectOptions): SequelizeAdapter {
  return new SequelizeAdapter(new Db(connect(options), SPECS[options.dialect]))
}

export function migrateSequelize(adapter: SequelizeAdapter): Promise<string[]> {
  return adapter.db.exclusive(() => migrate(adapter.db))
}

export function emptySequelize(adapter: SequelizeAdapter): Promise<void> {
  return emptyAll(adapter.db)
}
