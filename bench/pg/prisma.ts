/**
 * Prisma 7 through its driver adapter (`@prisma/adapter-pg` or `-better-sqlite3`, no Rust engine), with
 * the client generated from the DBAL's prisma/*.prisma (the same tables), written the way a Prisma user
 * writes each workload: findUnique, findMany + count in one $transaction, `contains` with
 * `mode: 'insensitive'` (PostgreSQL only: SQLite's LIKE already ignores ASCII case), createMany, ...
 */
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Row } from '../../core/adapter.ts'
import { buildTree, type Subject } from '../lib/subject.ts'

type Args = Record<string, unknown>
interface Model {
  findUnique(a: Args): Promise<unknown>
  findMany(a: Args): Promise<unknown[]>
  count(a: Args): Promise<number>
  create(a: Args): Promise<unknown>
  createMany(a: Args): Promise<unknown>
  update(a: Args): Promise<unknown>
}
interface Client {
  user: Model
  pageView: Model
  componentHierarchy: Model
  $transaction(ops: Promise<unknown>[]): Promise<unknown[]>
  $disconnect(): Promise<void>
}

export type PrismaProvider = 'postgresql' | 'sqlite'

/** The generated client on `adapter`, or why it cannot be made here. */
async function client(provider: PrismaProvider, adapter: unknown): Promise<Client | { reason: string }> {
  try {
    const gen = await import('../../scripts/prisma-generate.ts')
    await gen.ensurePrismaClient(provider)
    const mod = (await import(pathToFileURL(join(gen.clientDir(provider), 'client.ts')).href)) as {
      PrismaClient: new (o: { adapter: unknown }) => Client
    }
    return new mod.PrismaClient({ adapter })
  } catch (e) {
    return { reason: `the Prisma client could not be generated or loaded: ${String(e).split('\n')[0]}` }
  }
}

export async function prismaSubject(url: string, pool: number): Promise<Subject | { reason: string }> {
  const { PrismaPg } = await import('@prisma/adapter-pg')
  const c = await client('postgresql', new PrismaPg({ connectionString: url, max: pool }))
  return 'reason' in c ? c : prismaWorkloads(c, 'Prisma 7 (adapter-pg)', true, (t) => new Date(t))
}

export async function prismaSqliteSubject(file: string): Promise<Subject | { reason: string }> {
  const { PrismaBetterSqlite3 } = await import('@prisma/adapter-better-sqlite3')
  const c = await client('sqlite', new PrismaBetterSqlite3({ url: file }))
  // The DBAL's SQLite tables hold timestamps as ISO text, which prisma/sqlite.prisma maps as String.
  return 'reason' in c ? c : prismaWorkloads(c, 'Prisma 7 (adapter-better-sqlite3)', false, (t) => t)
}

function prismaWorkloads(
  db: Client,
  name: string,
  insensitive: boolean,
  time: (iso: string) => unknown,
): Subject {
  const active = { isActive: true, level: { lte: 3 } }
  const mode = insensitive ? { mode: 'insensitive' } : {}
  const user = (r: Row) => ({
    ...r,
    createdAt: time(r.createdAt as string),
    updatedAt: time(r.updatedAt as string),
  })
  return {
    name,
    readById: (id) => db.user.findUnique({ where: { id } }),
    async list(offset) {
      const [rows, total] = (await db.$transaction([
        db.pageView.findMany({
          where: active,
          orderBy: [{ title: 'asc' }, { id: 'asc' }],
          skip: offset,
          take: 20,
        }),
        db.pageView.count({ where: active }),
      ])) as [unknown[], number]
      return { rows, total }
    },
    search: (term) =>
      db.user.findMany({
        where: { OR: [{ username: { contains: term, ...mode } }, { email: { contains: term, ...mode } }] },
        take: 20,
      }),
    insertOne: (r) => db.user.create({ data: user(r) }),
    createMany: (rows) => db.user.createMany({ data: rows.map(user) }),
    updateOne: (id, email) =>
      db.user.update({ where: { id }, data: { email, updatedAt: time(new Date().toISOString()) } }),
    count: () => db.user.count({ where: { role: 'admin' } }),
    async getTree(pageId) {
      const rows = (await db.componentHierarchy.findMany({
        where: { pageId },
        orderBy: [{ order: 'asc' }, { id: 'asc' }],
      })) as { id: string; parentId: string | null }[]
      return buildTree(rows, (r) => r.parentId)
    },
    close: () => db.$disconnect(),
  }
}
