/** Drizzle ORM on better-sqlite3 with prepared statements, over the DBAL's SQLite tables. */
import Database from 'better-sqlite3'
import { and, asc, count, eq, like, lte, or, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { asUser, buildTree, type Subject } from '../lib/subject.ts'

const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  username: text('username').notNull(),
  email: text('email').notNull(),
  role: text('role').notNull(),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
})
const pages = sqliteTable('page_views', {
  id: text('id').primaryKey(),
  slug: text('slug').notNull(),
  title: text('title').notNull(),
  description: text('description'),
  level: integer('level').notNull(),
  layout: text('layout', { mode: 'json' }).notNull(),
  isActive: integer('is_active', { mode: 'boolean' }).notNull(),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
})
const components = sqliteTable('component_hierarchy', {
  id: text('id').primaryKey(),
  pageId: text('page_id').notNull(),
  parentId: text('parent_id'),
  order: integer('order').notNull(),
  props: text('props', { mode: 'json' }).notNull(),
})

export function drizzleSqlite(file: string): Subject {
  const client = new Database(file)
  const db = drizzle({ client })
  const p = sql.placeholder
  const active = and(eq(pages.isActive, true), lte(pages.level, 3))
  const read = db
    .select()
    .from(users)
    .where(eq(users.id, p('id')))
    .prepare()
  const list = db
    .select()
    .from(pages)
    .where(active)
    .orderBy(asc(pages.title), asc(pages.id))
    .limit(20)
    .offset(p('offset'))
    .prepare()
  const listCount = db.select({ n: count() }).from(pages).where(active).prepare()
  const search = db
    .select()
    .from(users)
    .where(or(like(users.username, p('p')), like(users.email, p('p'))))
    .limit(20)
    .prepare()
  const admins = db.select({ n: count() }).from(users).where(eq(users.role, 'admin')).prepare()
  const tree = db
    .select()
    .from(components)
    .where(eq(components.pageId, p('pageId')))
    .orderBy(asc(components.order), asc(components.id))
    .prepare()
  return {
    name: 'Drizzle (prepared)',
    readById: async (id) => read.get({ id }),
    list: async (offset) => ({ rows: list.all({ offset }), total: listCount.get()!.n }),
    // Wildcards in the term are not escaped: the dataset's terms have none.
    search: async (term) => search.all({ p: `%${term}%` }),
    insertOne: async (r) => db.insert(users).values(asUser(r)).run(),
    createMany: async (rows) => db.transaction((tx) => void tx.insert(users).values(rows.map(asUser)).run()),
    updateOne: async (id, email) =>
      db
        .update(users)
        .set({ email, updatedAt: new Date().toISOString() })
        .where(eq(users.id, id))
        .returning()
        .get(),
    count: async () => admins.get()!.n,
    getTree: async (pageId) => buildTree(tree.all({ pageId }), (r) => r.parentId),
    close: async () => void client.close(),
  }
}
