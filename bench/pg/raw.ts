/**
 * Raw `pg`, the baseline: hand-written parameterized SQL on a pool, once as unnamed statements and once
 * as named prepared statements (parsed once per connection, the fastest way `pg` offers).
 */
import pg from 'pg'
import type { Row } from '../../core/adapter.ts'
import { buildTree, type Subject } from '../lib/subject.ts'

const USER = 'id, username, email, role, created_at, updated_at'
const PAGE = 'id, slug, title, description, level, layout, is_active, created_at, updated_at'
const ACTIVE = 'is_active AND level <= 3'

/** `%term%` for ILIKE with its wildcards taken literally. */
export const containsPattern = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

export function rawPg(url: string, pool: number, named: boolean): Subject {
  const db = new pg.Pool({ connectionString: url, max: pool })
  const q = async (name: string, text: string, values: unknown[]) =>
    (await db.query(named ? { name, text, values } : { text, values })).rows
  return {
    name: named ? 'pg (named prepared)' : 'pg',
    async readById(id) {
      return (await q('read', `SELECT ${USER} FROM users WHERE id = $1`, [id]))[0]
    },
    async list(offset) {
      const [rows, [n]] = await Promise.all([
        q('list', `SELECT ${PAGE} FROM page_views WHERE ${ACTIVE} ORDER BY title, id LIMIT 20 OFFSET $1`, [
          offset,
        ]),
        q('list-count', `SELECT count(*)::int AS n FROM page_views WHERE ${ACTIVE}`, []),
      ])
      return { rows, total: (n as { n: number }).n }
    },
    search(term) {
      return q('search', `SELECT ${USER} FROM users WHERE username ILIKE $1 OR email ILIKE $1 LIMIT 20`, [
        containsPattern(term),
      ])
    },
    insertOne(r) {
      return q(
        'insert',
        `INSERT INTO users (${USER}) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${USER}`,
        values(r),
      )
    },
    createMany(rows) {
      // One multi-row INSERT: its text depends on the count, so it is never a named statement.
      const tuples = rows.map((_, k) => `(${[1, 2, 3, 4, 5, 6].map((c) => `$${k * 6 + c}`).join(', ')})`)
      return db.query(`INSERT INTO users (${USER}) VALUES ${tuples.join(', ')}`, rows.flatMap(values))
    },
    updateOne(id, email) {
      return q('update', `UPDATE users SET email = $2, updated_at = now() WHERE id = $1 RETURNING ${USER}`, [
        id,
        email,
      ])
    },
    async count() {
      return (
        (await q('count', 'SELECT count(*)::int AS n FROM users WHERE role = $1', ['admin']))[0] as {
          n: number
        }
      ).n
    },
    async getTree(pageId) {
      const rows = (await q(
        'tree',
        'SELECT * FROM component_hierarchy WHERE page_id = $1 ORDER BY "order", id',
        [pageId],
      )) as { id: string; parent_id: string | null }[]
      return buildTree(rows, (r) => r.parent_id)
    },
    close: () => db.end(),
  }
}

const values = (r: Row) => [r.id, r.username, r.email, r.role, r.createdAt, r.updatedAt]
