/**
 * The Prisma adapter: the DBAL on Prisma 7 through driver adapters (no Rust engines), on PostgreSQL,
 * SQLite and MariaDB. docs/prisma.md says what goes through Prisma's raw queries and why.
 *
 *   // an application with its own PrismaClient (generated from the DBAL's prisma/*.prisma):
 *   const adapter = prismaAdapter({ client: prisma, provider: 'postgresql' })
 *   // or one the DBAL makes:
 *   const adapter = await openPrisma({ provider: 'sqlite', url: 'file:./app.db' })
 */
export { prismaAdapter, type PrismaAdapterOptions } from './adapter.ts'
export type { PrismaClientLike, PrismaProviderName, PrismaQueryable } from './client-like.ts'
export { classifyPrisma } from './errors.ts'
export { MARIADB_SESSION } from './mariadb-session.ts'
export { openPrisma, withDbalSqlite, type OpenPrismaOptions } from './open.ts'
