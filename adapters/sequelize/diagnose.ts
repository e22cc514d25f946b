/**
 * The lookups the constraint explanation (core/constraints.ts) asks of the database after a write
 * failed: SQLite names no foreign key and, of a row that breaks several unique keys, the last one
 * created; MariaDB's 1022 names no key; of a delete that several references block, every engine names
 * the one it met first. Each lookup is one query in the write's transaction (the failed statement is
 * undone by then, or on PostgreSQL rolled back to its savepoint).
 */
import type { Transaction } from 'sequelize'
import type { ConstraintLookup } from '../../core/constraints.ts'
import type { Row } from '../../core/validate.ts'
import { rowFromStorage } from './codec.ts'
import type { Db } from './db.ts'
import { fieldAttributes } from './models.ts'

export function sequelizeLookup(db: Db, t: Transaction | undefined): ConstraintLookup {
  return {
    rows: async (e, filter, limit) => {
      const order = [e.createdField, e.primary]
        .filter((f) => f !== undefined)
        .map((f) => [f.name, 'ASC'] as [string, string])
      const raw = await db.model(e).findAll({
        where: db.where(e, filter),
        order,
        limit,
        attributes: fieldAttributes(e),
        raw: true,
        transaction: t,
      })
      return (raw as unknown as Row[]).map((r) => rowFromStorage(e, r))
    },
    exists: async (e, filter) =>
      (await db.model(e).findOne({
        where: db.where(e, filter),
        attributes: [e.primary.name],
        raw: true,
        transaction: t,
      })) !== null,
  }
}
