/**
 * What migrate reads back from SQLite: tables with their columns (pragma table_info) and index names. No
 * lock is needed: the migration's BEGIN IMMEDIATE already makes two processes take turns.
 */
import type { Catalog } from '../sql/migrate.ts'

export const sqliteCatalog: Catalog = {
  async read(conn) {
    const tables = new Map<string, Set<string>>()
    const names = await conn.all(
      `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'`,
      [],
    )
    for (const { name } of names) {
      const columns = await conn.all('SELECT name FROM pragma_table_info(?)', [name])
      tables.set(String(name), new Set(columns.map((c) => String(c.name))))
    }
    const indexes = await conn.all(`SELECT name FROM sqlite_master WHERE type = 'index'`, [])
    // Foreign keys are part of CREATE TABLE here, so there are none to add separately.
    return { tables, indexes: new Set(indexes.map((i) => String(i.name))), foreignKeys: new Set() }
  },
  extras: async () => [],
}
