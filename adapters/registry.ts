/**
 * Every backend the project ships, registered once: its name, where its data lives, and its factory.
 * The harness (`dbal test`, `dbal backends`), `dbal migrate`, the daemon's `backend.name` and the
 * server tests all read this list; adding a backend is its adapter folder plus one entry here
 * (docs/adapters.md). Each factory imports its adapter (and so its driver) only when called, so a
 * PostgreSQL daemon never loads better-sqlite3.
 */
import type { FactoryOptions, ManagedAdapter } from '../core/adapter.ts'

/** A database server a backend needs; the harness provisions a scratch database on it per run. */
export type ServerName = 'postgres' | 'mariadb' | 'ferretdb' | 'mongo'

export interface OpenOptions extends FactoryOptions {
  /** Where the data is (see `urls`); absent: a new database in memory (embedded backends only). */
  readonly url?: string
  /** Connections in the pool, where the backend has one. */
  readonly poolSize?: number
  /** Statement timeout in milliseconds where the backend has one; 0: none. */
  readonly statementTimeoutMs?: number
  /** Connection timeout in milliseconds, for a backend on a server. */
  readonly connectTimeoutMs?: number
}

export interface AdapterEntry {
  readonly name: string
  readonly description: string
  /** The server its data lives on; absent: embedded (memory or a local file, no server needed). */
  readonly server?: ServerName
  /** The URL forms `open` accepts, as users write them. */
  readonly urls: string
  /** Where users import it from. */
  readonly module: string
  /** The packages an application installs for it (optional peer dependencies of this package). */
  readonly peers: readonly string[]
  /** For an embedded backend: the URL of a database file (or folder) inside `dir`. Absent: memory only. */
  fileUrl?(dir: string): string
  /** A new adapter on `url`, not migrated yet. */
  open(o: OpenOptions): Promise<ManagedAdapter>
}

const sequelize = (dialect: 'sqlite' | 'postgres' | 'mariadb') => async (o: OpenOptions) => {
  const { createSequelizeAdapter } = await import('./sequelize/index.ts')
  return createSequelizeAdapter({
    dialect,
    url: o.url ?? 'sqlite::memory:',
    ...(o.poolSize ? { poolMax: o.poolSize } : {}),
    ...(o.statementTimeoutMs !== undefined ? { statementTimeoutMs: o.statementTimeoutMs } : {}),
    ...(o.connectTimeoutMs ? { connectTimeoutMs: o.connectTimeoutMs } : {}),
    schema: o.schema,
  })
}

/** The Mongo adapter, for MongoDB and FerretDB alike (what differs is detected at connect). */
const mongo = async (o: OpenOptions) => {
  const { mongoAdapter } = await import('./mongo/index.ts')
  if (o.url === undefined) throw new TypeError('mongo needs a url')
  return mongoAdapter({
    url: o.url,
    ...(o.poolSize ? { poolSize: o.poolSize } : {}),
    ...(o.statementTimeoutMs ? { maxTimeMS: o.statementTimeoutMs } : {}),
    ...(o.connectTimeoutMs ? { connectTimeoutMs: o.connectTimeoutMs } : {}),
    schema: o.schema,
  })
}

/** A Prisma backend: the client is generated from prisma/*.prisma first when missing or stale (offline). */
const prisma = (provider: 'postgresql' | 'sqlite' | 'mysql') => async (o: OpenOptions) => {
  const { openPrisma } = await import('./prisma/index.ts')
  return openPrisma({
    provider,
    url: o.url ?? ':memory:',
    ...(o.poolSize ? { poolSize: o.poolSize } : {}),
    ...(o.statementTimeoutMs !== undefined ? { statementTimeoutMs: o.statementTimeoutMs } : {}),
    ...(o.connectTimeoutMs ? { connectTimeoutMs: o.connectTimeoutMs } : {}),
    schema: o.schema,
  })
}

export const REGISTRY: readonly AdapterEntry[] = [
  {
    name: 'reference',
    description: 'In-memory reference implementation (the oracle)',
    urls: '(none: in memory)',
    module: '@metabuilder/dbal/harness',
    peers: [],
    async open(o) {
      const { MemoryAdapter } = await import('../reference/memory.ts')
      return new MemoryAdapter({ schema: o.schema })
    },
  },
  {
    name: 'sqlite',
    description: 'SQLite through better-sqlite3',
    urls: 'a file path, sqlite:path, :memory:',
    module: '@metabuilder/dbal/sqlite',
    peers: ['better-sqlite3'],
    fileUrl: (dir) => `sqlite:${dir}/dbal.db`,
    async open(o) {
      const { sqliteAdapter, sqliteFilename } = await import('./sqlite/index.ts')
      return sqliteAdapter({
        filename: o.url === undefined ? ':memory:' : sqliteFilename(o.url),
        // A busy database waits as long as a statement may run, within SQLite's practical range.
        ...(o.statementTimeoutMs ? { busyTimeoutMs: Math.min(o.statementTimeoutMs, 30_000) } : {}),
        schema: o.schema,
      })
    },
  },
  {
    name: 'postgres',
    description: 'PostgreSQL through pg (a pool)',
    server: 'postgres',
    urls: 'postgres://user:password@host:port/database',
    module: '@metabuilder/dbal/postgres',
    peers: ['pg'],
    async open(o) {
      const { postgresAdapter } = await import('./postgres/index.ts')
      if (o.url === undefined) throw new TypeError('postgres needs a url')
      return postgresAdapter({
        url: o.url,
        ...(o.poolSize ? { pool: o.poolSize } : {}),
        ...(o.statementTimeoutMs !== undefined ? { statementTimeoutMs: o.statementTimeoutMs } : {}),
        ...(o.connectTimeoutMs ? { connectTimeoutMs: o.connectTimeoutMs } : {}),
        schema: o.schema,
      })
    },
  },
  {
    name: 'pglite',
    description: 'PGlite (PostgreSQL in WebAssembly)',
    urls: 'a data directory, pglite:dir',
    module: '@metabuilder/dbal/pglite',
    peers: ['@electric-sql/pglite'],
    fileUrl: (dir) => `pglite:${dir}/pgdata`,
    async open(o) {
      const { pgliteAdapter } = await import('./pglite/index.ts')
      const memory = o.url === undefined || o.url === ':memory:' || o.url === 'memory://'
      const dataDir = memory ? undefined : o.url!.replace(/^pglite:(\/\/)?/, '')
      return pgliteAdapter({ ...(dataDir ? { dataDir } : {}), schema: o.schema })
    },
  },
  {
    name: 'sequelize-sqlite',
    description: 'Sequelize 6 on SQLite (sqlite3)',
    urls: 'sqlite::memory:, sqlite:/path/file.db',
    module: '@metabuilder/dbal/sequelize',
    fileUrl: (dir) => `sqlite:${dir}/dbal.db`,
    peers: ['sequelize', 'sqlite3'],
    open: sequelize('sqlite'),
  },
  {
    name: 'sequelize-postgres',
    description: 'Sequelize 6 on PostgreSQL (pg)',
    server: 'postgres',
    urls: 'postgres://user:password@host:port/database',
    module: '@metabuilder/dbal/sequelize',
    peers: ['sequelize', 'pg'],
    open: sequelize('postgres'),
  },
  {
    name: 'sequelize-mariadb',
    description: 'Sequelize 6 on MariaDB (mariadb)',
    server: 'mariadb',
    urls: 'mariadb://user:password@host:port/database',
    module: '@metabuilder/dbal/sequelize',
    peers: ['sequelize', 'mariadb'],
    open: sequelize('mariadb'),
  },
  {
    name: 'mongo',
    description: 'MongoDB through the mongodb driver (transactions on a replica set)',
    server: 'mongo',
    urls: 'mongodb://user:password@host:port/database',
    module: '@metabuilder/dbal/mongo',
    peers: ['mongodb'],
    open: mongo,
  },
  {
    name: 'ferretdb',
    description: 'FerretDB 1.24 (MongoDB wire protocol over SQLite) through the mongodb driver',
    server: 'ferretdb',
    urls: 'mongodb://host:port/database',
    module: '@metabuilder/dbal/mongo',
    peers: ['mongodb'],
    open: mongo,
  },
  {
    name: 'prisma-postgres',
    description: 'Prisma 7 on PostgreSQL (@prisma/adapter-pg, no engines)',
    server: 'postgres',
    urls: 'postgres://user:password@host:port/database',
    module: '@metabuilder/dbal/prisma',
    peers: ['@prisma/client', '@prisma/adapter-pg', 'prisma'],
    open: prisma('postgresql'),
  },
  {
    name: 'prisma-sqlite',
    description: 'Prisma 7 on SQLite (@prisma/adapter-better-sqlite3, no engines)',
    urls: 'a file path, file:path, sqlite:path, :memory:',
    module: '@metabuilder/dbal/prisma',
    peers: ['@prisma/client', '@prisma/adapter-better-sqlite3', 'prisma'],
    fileUrl: (dir) => `file:${dir}/dbal.db`,
    open: prisma('sqlite'),
  },
  {
    name: 'prisma-mariadb',
    description: 'Prisma 7 on MariaDB (@prisma/adapter-mariadb, no engines)',
    server: 'mariadb',
    urls: 'mariadb://user:password@host:port/database',
    module: '@metabuilder/dbal/prisma',
    peers: ['@prisma/client', '@prisma/adapter-mariadb', 'prisma'],
    open: prisma('mysql'),
  },
]

/** Older names the daemon's config accepts for an entry. */
const ALIASES: Readonly<Record<string, string>> = { memory: 'reference' }

export function registryEntry(name: string): AdapterEntry | undefined {
  const n = ALIASES[name] ?? name
  return REGISTRY.find((e) => e.name === n)
}

/** Every name an entry is known by (aliases included), for error messages and config checks. */
export const REGISTRY_NAMES: readonly string[] = [...REGISTRY.map((e) => e.name), ...Object.keys(ALIASES)]

/** `a` migrated, or closed again if migrating fails, so a failed start leaves no pool open. */
export async function migrated(a: ManagedAdapter): Promise<ManagedAdapter> {
  try {
    await a.migrate()
    return a
  } catch (e) {
    await a.close().catch(() => undefined)
    throw e
  }
}
