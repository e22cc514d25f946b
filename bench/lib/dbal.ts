/**
 * The DBAL at its three levels on any adapter: the adapter seam alone (normalized arguments, what an
 * adapter costs above its driver), the client (validation, defaults, ids, the executor, result shaping),
 * and the client through the ACL as an admin (the row filter and the audit record on every call, to a
 * sink that keeps nothing, so the measure is the ACL's work and not a file's).
 */
import type { ManagedAdapter, Row } from '../../core/adapter.ts'
import type { ListQuery } from '../../core/query.ts'
import { DBALClient, parseFilter, parseSort, schema } from './dist.ts'
import { userRow } from './data.ts'
import { buildTree, type Subject } from './subject.ts'

const entity = (name: string) => schema.entities.find((e) => e.name === name)!
const query = (e: string, filter: unknown, sort: unknown, offset: number, limit: number): ListQuery => ({
  filter: parseFilter(entity(e), filter),
  sort: parseSort(entity(e), sort),
  offset,
  limit,
})

const ACTIVE = { isActive: true, level: { $lte: 3 } }
const BY_TITLE = { title: 'asc', id: 'asc' }

export function adapterSubject(a: ManagedAdapter, name = 'DBAL adapter'): Subject {
  // Parsed once: the adapter level starts where the client has validated and normalized the arguments.
  const admins = parseFilter(entity('User'), { role: 'admin' })
  const pages = query('PageView', ACTIVE, BY_TITLE, 0, 20)
  const tree = (pageId: string) =>
    query('ComponentHierarchy', { pageId }, { order: 'asc', id: 'asc' }, 0, 10_000)
  return {
    name,
    readById: (id) => a.read('User', id),
    async list(offset) {
      const r = await a.list('PageView', { ...pages, offset })
      return { rows: r.data, total: r.total }
    },
    async search(term) {
      const filter = { $or: [{ username: { $contains: term } }, { email: { $contains: term } }] }
      return (await a.list('User', query('User', filter, {}, 0, 20))).data
    },
    insertOne: (r) => a.create('User', r),
    createMany: (rows) => a.createMany('User', [...rows]),
    updateOne: (id, email) => a.update('User', id, { email, updatedAt: new Date().toISOString() }),
    count: () => a.count('User', admins),
    async getTree(pageId) {
      const rows = (await a.list('ComponentHierarchy', tree(pageId))).data as (Row & { id: string })[]
      return buildTree(rows, (r) => r.parentId as string | null)
    },
    close: () => a.close(),
  }
}

const discard = { write: () => undefined }

/** The public client on `a`; with `acl`, as the admin user0 through the ACL. */
export function clientSubject(a: ManagedAdapter, acl: boolean): Subject {
  const admin = userRow(0)
  const db = new DBALClient({
    adapter: a,
    ...(acl
      ? {
          auth: { user: { id: admin.id as string, username: admin.username as string, role: 'admin' } },
          audit: discard,
        }
      : {}),
  })
  const input = (r: Row) => ({
    username: r.username as string,
    email: r.email as string,
    role: r.role as 'user',
  })
  return {
    name: acl ? 'DBAL client + ACL' : 'DBAL client',
    readById: (id) => db.users.read(id),
    async list(offset) {
      const r = await db.pages.list({
        filter: ACTIVE,
        sort: { title: 'asc' },
        page: offset / 20 + 1,
        limit: 20,
      })
      return { rows: r.data, total: r.total }
    },
    search: (term) => db.users.search(term, { limit: 20 }),
    insertOne: (r) => db.users.create(input(r)),
    createMany: (rows) => db.users.createMany(rows.map(input)),
    updateOne: (id, email) => db.users.update(id, { email }),
    count: () => db.users.count({ role: 'admin' }),
    getTree: (pageId) => db.components.getTree(pageId),
    close: async () => undefined,
  }
}
