/** Raw better-sqlite3, the SQLite baseline: prepared statements, called synchronously as its users do. */
import Database from 'better-sqlite3'
import type { Row } from '../../core/adapter.ts'
import { buildTree, type Subject } from '../lib/subject.ts'

const USER = 'id, username, email, role, created_at, updated_at'
const PAGE = 'id, slug, title, description, level, layout, is_active, created_at, updated_at'
const ACTIVE = 'is_active = 1 AND level <= 3'

/** `%term%` for LIKE (which ignores ASCII case) with its wildcards taken literally. */
const pattern = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

export function rawSqlite(file: string): Subject {
  const db = new Database(file)
  db.pragma('journal_mode = WAL')
  const read = db.prepare(`SELECT ${USER} FROM users WHERE id = ?`)
  const list = db.prepare(
    `SELECT ${PAGE} FROM page_views WHERE ${ACTIVE} ORDER BY title, id LIMIT 20 OFFSET ?`,
  )
  const listCount = db.prepare(`SELECT count(*) AS n FROM page_views WHERE ${ACTIVE}`).pluck()
  const search = db.prepare(
    `SELECT ${USER} FROM users WHERE username LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\' LIMIT 20`,
  )
  const insert = db.prepare(`INSERT INTO users (${USER}) VALUES (?, ?, ?, ?, ?, ?)`)
  const update = db.prepare(`UPDATE users SET email = ?, updated_at = ? WHERE id = ? RETURNING ${USER}`)
  const count = db.prepare('SELECT count(*) FROM users WHERE role = ?').pluck()
  const tree = db.prepare('SELECT * FROM component_hierarchy WHERE page_id = ? ORDER BY "order", id')
  const values = (r: Row) => [r.id, r.username, r.email, r.role, r.createdAt, r.updatedAt]
  const many = db.transaction((rows: readonly Row[]) => {
    for (const r of rows) insert.run(values(r))
  })
  return {
    name: 'better-sqlite3',
    readById: async (id) => read.get(id),
    list: async (offset) => ({ rows: list.all(offset), total: listCount.get() as number }),
    search: async (term) => search.all(pattern(term), pattern(term)),
    insertOne: async (r) => insert.run(values(r)),
    createMany: async (rows) => many(rows),
    updateOne: async (id, email) => update.get(email, new Date().toISOString(), id),
    count: async () => count.get('admin') as number,
    getTree: async (pageId) =>
      buildTree(tree.all(pageId) as { id: string; parent_id: string | null }[], (r) => r.parent_id),
    close: async () => void db.close(),
  }
}
