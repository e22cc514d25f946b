/**
 * CONTRACT §5 (Sort: strings by code point, whole strings). MariaDB compares only the first
 * `max_sort_length` bytes of each sort key; sessions set it to MARIADB_SORT_BYTES (mariadb-session.ts),
 * which holds every bounded column whole. A list sorted on an unbounded column first asks the longest
 * value of that column in the table and, when it is longer, its SELECT runs under
 * `SET STATEMENT max_sort_length = …, sort_buffer_size = … FOR` (Sequelize's MariaDB backend does the
 * same: sequelize/sort.ts). The prefix reaches the statement through an AsyncLocalStorage that the
 * driver reads (driver.ts `rewrite`), since the SELECT itself is the shared SQL code's.
 * Limit: values longer than MariaDB's largest max_sort_length (8 MiB) compare by their first 8 MiB.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { SortKey } from '../../core/query.ts'
import type { Entity } from '../../core/schema.ts'
import { MARIADB_SORT_BYTES, mariadbKeyBytes } from '../sequelize/dialect.ts'
import { quote } from '../sql/dialect.ts'
import type { Conn } from '../sql/driver.ts'

const MAX_SORT_LENGTH = 8 * 1024 * 1024
const UTF8_MAX = 4

const settings = new AsyncLocalStorage<string>()

/** The driver's hook: a SELECT inside `withSortSettings` gets the statement's settings. */
export function rewriteSelect(sql: string): string {
  const prefix = settings.getStore()
  return prefix !== undefined && sql.startsWith('SELECT ') ? `${prefix}${sql}` : sql
}

/** The settings a sort on `sort` needs on `e`'s current rows; undefined when the session's suffice. */
async function needed(conn: Conn, e: Entity, sort: readonly SortKey[]): Promise<string | undefined> {
  const fields = sort
    .map((k) => e.field.get(k.field))
    .filter((f) => f && mariadbKeyBytes(f) > MARIADB_SORT_BYTES)
  if (fields.length === 0) return undefined
  const list = fields.map((f, i) => `MAX(CHAR_LENGTH(${quote(f!.column)})) AS ${quote(`n${i}`)}`).join(', ')
  const row = await conn.get(`SELECT ${list} FROM ${quote(e.table)}`, [])
  const chars = Math.max(0, ...fields.map((_, i) => Number(row?.[`n${i}`] ?? 0)))
  const bytes = UTF8_MAX * chars
  if (bytes <= MARIADB_SORT_BYTES) return undefined
  const keyBytes = Math.min(bytes, MAX_SORT_LENGTH)
  // filesort wants room for many keys of the longest size in its buffer ("Out of sort memory").
  const buffer = 16 * keyBytes * sort.length + 2 * 1024 * 1024
  return `SET STATEMENT max_sort_length = ${keyBytes}, sort_buffer_size = ${buffer} FOR `
}

/** Runs `fn` (one list) with the sort settings its keys need. */
export async function withSortSettings<T>(
  conn: Conn,
  e: Entity | undefined,
  sort: readonly SortKey[],
  fn: () => Promise<T>,
): Promise<T> {
  const prefix = e ? await needed(conn, e, sort) : undefined
  return prefix === undefined ? fn() : settings.run(prefix, fn)
}
