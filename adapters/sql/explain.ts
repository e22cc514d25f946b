/**
 * The lookups the constraint explanation (core/constraints.ts) asks of a SQL database, each one
 * statement on the connection whose write failed (after that statement was rolled back).
 */
import type { ConstraintLookup } from '../../core/constraints.ts'
import type { Entity } from '../../core/schema.ts'
import type { Conn } from './driver.ts'
import type { EntitySql } from './statements.ts'

export type { Fault, Write } from '../../core/constraints.ts'

export function sqlLookup(conn: Conn, sql: (e: Entity) => EntitySql): ConstraintLookup {
  return {
    exists: async (e, filter) => {
      const st = sql(e).exists(filter)
      return (await conn.get(st.sql, st.params)) !== undefined
    },
    rows: async (e, filter, limit) => {
      const s = sql(e)
      const st = s.select(filter, limit)
      return (await conn.all(st.sql, st.params)).map((r) => s.codec.decode(r))
    },
  }
}
