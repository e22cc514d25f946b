/**
 * What migrate reads back from MariaDB (information_schema, current database only), and the one extra
 * object the dialect needs: `dbal_fold`, replaced when its fingerprint (the function's comment) differs
 * from this build's (sequelize/fold-sql.ts owns the function's text for every MariaDB backend).
 */
import {
  FOLD_FINGERPRINT,
  FOLD_FUNCTION,
  foldFingerprintQuery,
  foldFunctionDdl,
} from '../sequelize/fold-sql.ts'
import type { Catalog } from '../sql/migrate.ts'

export const mariadbCatalog: Catalog = {
  async read(conn) {
    const tables = new Map<string, Set<string>>()
    const columns = await conn.all(
      `SELECT TABLE_NAME AS t, COLUMN_NAME AS c FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()`,
      [],
    )
    for (const { t, c } of columns) {
      const set = tables.get(String(t)) ?? new Set<string>()
      tables.set(String(t), set.add(String(c)))
    }
    const indexes = await conn.all(
      `SELECT DISTINCT INDEX_NAME AS n FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE()`,
      [],
    )
    const keys = await conn.all(
      `SELECT CONSTRAINT_NAME AS n FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE()`,
      [],
    )
    return {
      tables,
      indexes: new Set(indexes.map((r) => String(r.n))),
      foreignKeys: new Set(keys.map((r) => String(r.n))),
    }
  },
  async extras(conn) {
    const found = await conn.all(foldFingerprintQuery('mariadb')!, [])
    if (found.some((r) => r.fp === FOLD_FINGERPRINT)) return []
    return foldFunctionDdl('mariadb').map((sql) => ({ kind: 'function' as const, name: FOLD_FUNCTION, sql }))
  },
}
