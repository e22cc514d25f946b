/**
 * For the Prisma tests: an application's own PrismaClient, made the way an application makes one (the
 * client generated from prisma/*.prisma, its driver adapter, and the session set-up docs/prisma.md
 * asks for), typed by the few model calls the tests make.
 */
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { PrismaMariaDb } from '@prisma/adapter-mariadb'
import { PrismaPg } from '@prisma/adapter-pg'
import {
  MARIADB_SESSION,
  withDbalSqlite,
  type PrismaClientLike,
  type PrismaProviderName,
} from '../adapters/prisma/index.ts'
import { clientDir, ensurePrismaClient } from '../scripts/prisma-generate.ts'

type Data = Record<string, unknown>

/** A model delegate, as far as the tests call it. */
export interface Delegate {
  create(args: { data: Data }): Promise<Data>
  findUnique(args: { where: Data }): Promise<Data | null>
  update(args: { where: Data; data: Data }): Promise<Data>
  delete(args: { where: Data }): Promise<Data>
  count(): Promise<number>
}

export interface AppPrisma extends PrismaClientLike {
  readonly user: Delegate
  readonly luaScript: Delegate
  readonly session: Delegate
}

/** mariadb://root@host:port/db as the pool settings, with the session settings the dialect needs. */
function mariadbConfig(url: string) {
  const u = new URL(url)
  return {
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.slice(1),
    connectionLimit: 4,
    initSql: MARIADB_SESSION(30_000),
  }
}

export async function appPrisma(provider: PrismaProviderName, url: string): Promise<AppPrisma> {
  await ensurePrismaClient(provider)
  const mod = (await import(pathToFileURL(join(clientDir(provider), 'client.ts')).href)) as {
    PrismaClient: new (o: { adapter: unknown }) => AppPrisma
  }
  const adapter =
    provider === 'postgresql'
      ? new PrismaPg({ connectionString: url })
      : provider === 'sqlite'
        ? withDbalSqlite(new PrismaBetterSqlite3({ url: url.replace(/^file:/, '') }))
        : new PrismaMariaDb(mariadbConfig(url), { useTextProtocol: true })
  return new mod.PrismaClient({ adapter })
}

export const BACKEND_OF: Readonly<Record<PrismaProviderName, string>> = {
  postgresql: 'prisma-postgres',
  sqlite: 'prisma-sqlite',
  mysql: 'prisma-mariadb',
}
