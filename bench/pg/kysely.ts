/** Kysely on `pg`: the query builder a user would pick for typed SQL, the same queries as raw `pg`. */
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import { asUser, buildTree, type Subject } from '../lib/subject.ts'
import { containsPattern } from './raw.ts'

interface Users {
  id: string
  username: string
  email: string
  role: string
  created_at: string
  updated_at: string
}
interface Tables {
  users: Users
  page_views: { id: string; slug: string; title: string; level: number; is_active: boolean }
  component_hierarchy: { id: string; page_id: string; parent_id: string | null; order: number }
}

export function kyselySubject(url: string, pool: number): Subject {
  const db = new Kysely<Tables>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: pool }) }),
  })
  const active = db.selectFrom('page_views').where('is_active', '=', true).where('level', '<=', 3)
  return {
    name: 'Kysely',
    readById: (id) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst(),
    async list(offset) {
      const [rows, n] = await Promise.all([
        active.selectAll().orderBy('title').orderBy('id').limit(20).offset(offset).execute(),
        active.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      ])
      return { rows, total: n.n }
    },
    search(term) {
      const p = containsPattern(term)
      return db
        .selectFrom('users')
        .selectAll()
        .where((w) => w.or([w('username', 'ilike', p), w('email', 'ilike', p)]))
        .limit(20)
        .execute()
    },
    insertOne: (r) => db.insertInto('users').values(user(r)).returningAll().execute(),
    createMany: (rows) => db.insertInto('users').values(rows.map(user)).execute(),
    updateOne: (id, email) =>
      db
        .updateTable('users')
        .set({ email, updated_at: sql<string>`now()` })
        .where('id', '=', id)
        .returningAll()
        .execute(),
    async count() {
      const r = await db
        .selectFrom('users')
        .select(sql<number>`count(*)::int`.as('n'))
        .where('role', '=', 'admin')
        .executeTakeFirstOrThrow()
      return r.n
    },
    async getTree(pageId) {
      const rows = await db
        .selectFrom('component_hierarchy')
        .selectAll()
        .where('page_id', '=', pageId)
        .orderBy('order')
        .orderBy('id')
        .execute()
      return buildTree(rows, (r) => r.parent_id)
    },
    close: () => db.destroy(),
  }
}

const user = (r: Record<string, unknown>): Users => {
  const { createdAt, updatedAt, ...rest } = asUser(r)
  return { ...rest, created_at: createdAt, updated_at: updatedAt }
}
