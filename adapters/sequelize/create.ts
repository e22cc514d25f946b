/**
 * The Sequelize adapter's entry points, loaded by index.ts once it knows the sequelize package is
 * there (everything imported from here imports sequelize).
 */
import type { FactoryOptions } from '../../core/adapter.ts'
import { schema as projectSchema } from '../../core/schema.ts'
import { SequelizeAdapter } from './adapter.ts'
import { connect, type ConnectOptions } from './connect.ts'
import { Db } from './db.ts'
import { SPECS } from './dialect.ts'

export { toDBALError } from './errors.ts'

/** The adapter's options: where to connect, and the schema to serve (default: the project's). */
export type SequelizeOptions = ConnectOptions & FactoryOptions

export function createSequelizeAdapter(options: SequelizeOptions): SequelizeAdapter {
  return new SequelizeAdapter(
    new Db(
      connect(options),
      SPECS[options.dialect],
      options.schema ?? projectSchema,
      // A given instance is its owner's to close (as pg pools and SQLite databases given to theirs).
      options.sequelize === undefined || options.closeSequelize === true,
    ),
  )
}
