/**
 * Drizzle ORM on `pg` with prepared statements (`.prepare(name)` + placeholders), its fastest form; the
 * tables declared the way a Drizzle user declares them, over the DBAL's own tables.
 */
import { and, asc, count, eq, ilike, lte, or, sql } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/node-postgres'
import { boolean, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import pg from 'pg'
import { asUser, buildTree, type Subject } from '../lib/subject.ts'
import { containsPattern } from './raw.ts'

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' }).notNull()
const users = pgTable('users', {
  id: uuid('id').primaryKey(),
  username: text('username').notNull(),
  email: text('email').notNull(),
  role: text('role').notNull(),
  createdAt: ts('created_at'),
  updatedAt: ts('updated_at'),
})
const pages = pgTable('page_views', {
  id: uuid('id').primaryKey(),
  slug: text('slug').notNull(),
  title: text('title').notNull(),
  description: text('description'),
  level: integer('level').notNull(),
  layout: jsonb('layout').notNull(),
  isActive: boolean('is_active').notNull(),
  createdAt: ts('created_at'),
  updatedAt: ts('updated_at'),
})
const components = pgTable('component_hierarchy', {
  id: uuid('id').primaryKey(),
  pageId: uuid('page_id').notNull(),
  parentId: uuid('parent_id'),
  componentType: text('component_type').notNull(),
  order: integer('order').notNull(),
  props: jsonb('props').notNull(),
  createdAt: ts('created_at'),
  updatedAt: ts('updated_at'),
})

export function drizzleSubject(url: string, pool: number): Subject {
  const client = new pg.Pool({ connectionString: url, max: pool })
  const db = drizzle({ client })
  const p = sql.placeholder
  const active = and(eq(pages.isActive, true), lte(pages.level, 3))
  const read = db
    .select()
    .from(users)
    .where(eq(users.id, p('id')))
    .prepare('d_read')
  const list = db
    .select()
    .from(pages)
    .where(active)
    .orderBy(asc(pages.title), asc(pages.id))
    .limit(20)
    .offset(p('offset'))
    .prepare('d_list')
  const listCount = db.select({ n: count() }).from(pages).where(active).prepare('d_list_count')
  const search = db
    .select()
    .from(users)
    .where(or(ilike(users.username, p('p')), ilike(users.email, p('p'))))
    .limit(20)
    .prepare('d_search')
  const insert = db
    .insert(users)
    .values({
      id: p('id'),
      username: p('username'),
      email: p('email'),
      role: p('role'),
      createdAt: p('createdAt'),
      updatedAt: p('updatedAt'),
    })
    .returning()
    .prepare('d_insert')
  const update = db
    .update(users)
    .set({ email: sql`${p('email')}`, updatedAt: sql`now()` })
    .where(eq(users.id, p('id')))
    .returning()
    .prepare('d_update')
  const admins = db
    .select({ n: count() })
    .from(users)
    .where(eq(users.role, p('role')))
    .prepare('d_count')
  const tree = db
    .select()
    .from(components)
    .where(eq(components.pageId, p('pageId')))
    .orderBy(asc(components.order), asc(components.id))
    .prepare('d_tree')
  return {
    name: 'Drizzle (prepared)',
    readById: async (id) => (await read.execute({ id }))[0],
    async list(offset) {
      const [rows, [n]] = await Promise.all([list.execute({ offset }), listCount.execute()])
      return { rows, total: n!.n }
    },
    search: (term) => search.execute({ p: containsPattern(term) }),
    insertOne: (r) => insert.execute(r),
    createMany: (rows) => db.insert(users).values(rows.map(asUser)),
    updateOne: (id, email) => update.execute({ id, email }),
    count: async () => (await admins.execute({ role: 'admin' }))[0]!.n,
    getTree: async (pageId) => buildTree(await tree.execute({ pageId }), (r) => r.parentId),
    close: () => client.end(),
  }
}
