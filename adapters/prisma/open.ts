/**
 * openPrisma: a Prisma client made by the DBAL for a URL, on the client generated from prisma/*.prisma
 * (scripts/prisma-generate.ts generates it first when it is missing or stale, offline) and the
 * provider's driver adapter (@prisma/adapter-pg, -better-sqlite3, -mariadb): no Rust engine anywhere.
 */
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { FactoryOptions } from '../../core/adapter.ts'
import { foldCase } from '../../core/text.ts'
import { importPeer } from '../peer.ts'
import type { ManagedAdapter } from '../../core/adapter.ts'
import { prismaAdapter } from './adapter.ts'
import type { PrismaClientLike, PrismaProviderName } from './client-like.ts'
import { MARIADB_SESSION } from './mariadb-session.ts'

export interface OpenPrismaOptions extends FactoryOptions {
  readonly provider: PrismaProviderName
  /** postgres://..., mariadb://..., or for SQLite a file path, file:path, sqlite:path or :memory:. */
  readonly url: string
  /** Connections in the pool (PostgreSQL, MariaDB; default 10). */
  readonly poolSize?: number
  /** Statement timeout (PostgreSQL's statement_timeout, MariaDB's max_statement_time, SQLite's busy wait). */
  readonly statementTimeoutMs?: number
  readonly connectTimeoutMs?: number
}

/** What the generated client module exports (only the constructor is used). */
type ClientClass = new (options: { adapter: unknown }) => PrismaClientLike

/** The part of a driver adapter factory the SQLite set-up calls. */
interface FactoryLike {
  connect(): Promise<unknown>
}

/** The better-sqlite3 Database the Prisma adapter keeps as `client`. */
interface SqliteDb {
  pragma(s: string): unknown
  function(name: string, o: { deterministic: boolean }, fn: (s: unknown) => unknown): unknown
  readonly memory: boolean
}

const MODULE = '@metabuilder/dbal/prisma'

/**
 * A better-sqlite3 driver adapter factory whose connections have what the SQLite dialect needs: foreign
 * keys on, a busy wait, WAL for a file, and `dbal_fold` (core's foldCase as an SQL function). An
 * application passing its own SQLite PrismaClient builds its factory through this too.
 */
export function withDbalSqlite<F extends FactoryLike>(factory: F, busyTimeoutMs = 5000): F {
  const connect = factory.connect.bind(factory)
  factory.connect = async () => {
    const adapter = await connect()
    const db = (adapter as { client: SqliteDb }).client
    db.pragma('foreign_keys = ON')
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`)
    if (!db.memory) db.pragma('journal_mode = WAL')
    db.function('dbal_fold', { deterministic: true }, (s) => (typeof s === 'string' ? foldCase(s) : s))
    return adapter
  }
  return factory
}

/** mariadb://user:password@host:port/database as the mariadb pool's settings, with the session the dialect needs. */
function mariadbPoolConfig(o: OpenPrismaOptions): Record<string, unknown> {
  const u = new URL(o.url)
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')),
    connectionLimit: o.poolSize ?? 10,
    connectTimeout: o.connectTimeoutMs ?? 10_000,
    acquireTimeout: o.connectTimeoutMs ?? 10_000,
    initSql: MARIADB_SESSION(o.statementTimeoutMs ?? 30_000),
  }
}

async function driverAdapter(o: OpenPrismaOptions): Promise<unknown> {
  switch (o.provider) {
    case 'postgresql': {
      const { PrismaPg } = await importPeer(MODULE, '@prisma/adapter-pg', () => import('@prisma/adapter-pg'))
      return new PrismaPg({
        connectionString: o.url,
        max: o.poolSize ?? 10,
        statement_timeout: o.statementTimeoutMs ?? 30_000,
        connectionTimeoutMillis: o.connectTimeoutMs ?? 10_000,
        application_name: 'dbal-prisma',
      })
    }
    case 'sqlite': {
      const { PrismaBetterSqlite3 } = await importPeer(
        MODULE,
        '@prisma/adapter-better-sqlite3',
        () => import('@prisma/adapter-better-sqlite3'),
      )
      const file = o.url.replace(/^(sqlite|file):(\/\/)?/, '')
      return withDbalSqlite(
        new PrismaBetterSqlite3({ url: file }),
        Math.min(o.statementTimeoutMs ?? 5000, 30_000),
      )
    }
    case 'mysql': {
      const { PrismaMariaDb } = await importPeer(
        MODULE,
        '@prisma/adapter-mariadb',
        () => import('@prisma/adapter-mariadb'),
      )
      // The text protocol: CREATE FUNCTION (dbal_fold) cannot be a prepared statement.
      return new PrismaMariaDb(mariadbPoolConfig(o), { useTextProtocol: true })
    }
  }
}

/** The generated client's constructor for `p`, generating the client first when needed. */
async function clientClass(p: PrismaProviderName): Promise<ClientClass> {
  const gen = await import('../../scripts/prisma-generate.ts')
  await gen.ensurePrismaClient(p)
  const mod = (await import(pathToFileURL(join(gen.clientDir(p), 'client.ts')).href)) as {
    PrismaClient: ClientClass
  }
  return mod.PrismaClient
}

/** An adapter on a new PrismaClient for `url`; close() disconnects it. */
export async function openPrisma(o: OpenPrismaOptions): Promise<ManagedAdapter> {
  const [PrismaClient, adapter] = await Promise.all([clientClass(o.provider), driverAdapter(o)])
  const client = new PrismaClient({ adapter })
  return prismaAdapter({
    client,
    provider: o.provider,
    disconnect: true,
    ...(o.connectTimeoutMs ? { maxWaitMs: o.connectTimeoutMs } : {}),
    schema: o.schema,
  })
}
