/** What migrate reads back from PostgreSQL (information_schema and pg_catalog, current schema only). */
import type { Catalog } from '../sql/migrate.ts'
import { foldBody, foldFunction } from './fold.ts'

export const postgresCatalog: Catalog = {
  // Daemons starting together each migrate: the second waits, then finds nothing left to do.
  lock: 'SELECT pg_advisory_xact_lock(7261)',
  async read(conn) {
    const tables = new Map<string, Set<string>>()
    const columns = await conn.all(
      `SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = current_schema()`,
      [],
    )
    for (const { t, c } of columns) {
      const set = tables.get(String(t)) ?? new Set<string>()
      tables.set(String(t), set.add(String(c)))
    }
    const indexes = await conn.all(
      `SELECT indexname AS n FROM pg_indexes WHERE schemaname = current_schema()`,
      [],
    )
    const keys = await conn.all(
      `SELECT conname AS n FROM pg_constraint WHERE contype = 'f' AND connamespace = current_schema()::regnamespace`,
      [],
    )
    return {
      tables,
      indexes: new Set(indexes.map((r) => String(r.n))),
      foreignKeys: new Set(keys.map((r) => String(r.n))),
    }
  },
  async extras(conn) {
    const found = await conn.all(
      `SELECT prosrc FROM pg_proc WHERE proname = 'dbal_fold' AND pronamespace = current_schema()::regnamespace`,
      [],
    )
    return found.some((r) => r.prosrc === foldBody()) ? [] : [foldFunction()]
  },
}
