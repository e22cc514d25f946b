/**
 * A named adapter (config `adapter: 'sqlite'`) opened on its `database.url`. Each adapter's module is
 * imported here when first used, never statically: core must load without any driver installed, and
 * an application installs only the driver of the backend it uses.
 */
import type { Adapter } from './adapter.ts'
import type { DbalConfig } from './config.ts'
import { DBALError } from './errors.ts'

/** Adapters reachable by name; `prisma` and `mongo` are known names whose adapters do not exist yet. */
export const ADAPTER_NAMES = [
  'sqlite',
  'postgres',
  'pglite',
  'sequelize-sqlite',
  'sequelize-postgres',
  'sequelize-mariadb',
  'memory',
] as const
export type AdapterName = (typeof ADAPTER_NAMES)[number]
export const PLANNED_ADAPTERS = ['prisma', 'mongo'] as const

/** What `npm install` adds for each named adapter (the drivers are optional peer dependencies). */
export const DRIVER_PACKAGES: Record<AdapterName, readonly string[]> = {
  sqlite: ['better-sqlite3'],
  postgres: ['pg'],
  pglite: ['@electric-sql/pglite'],
  'sequelize-sqlite': ['sequelize', 'sqlite3'],
  'sequelize-postgres': ['sequelize', 'pg'],
  'sequelize-mariadb': ['sequelize', 'mariadb'],
  memory: [],
}

export interface Opened {
  readonly adapter: Adapter
  /** Creates or upgrades the schema (development mode, on first use). */
  migrate(): Promise<unknown>
}

type Timeouts = NonNullable<DbalConfig['timeouts']>

async function open(name: AdapterName, url: string, t: Timeouts): Promise<Opened> {
  const sequelize = async (dialect: 'sqlite' | 'postgres' | 'mariadb') => {
    const m = await import('../adapters/sequelize/index.ts')
    const adapter = m.createSequelizeAdapter({
      dialect,
      url,
      ...(t.statementMs ? { statementTimeoutMs: t.statementMs } : {}),
      ...(t.connectMs ? { connectTimeoutMs: t.connectMs } : {}),
    })
    return { adapter, migrate: () => m.migrateSequelize(adapter) }
  }
  switch (name) {
    case 'sqlite': {
      const m = await import('../adapters/sqlite/index.ts')
      const adapter = m.sqliteAdapter({
        filename: m.sqliteFilename(url),
        ...(t.statementMs ? { busyTimeoutMs: t.statementMs } : {}),
      })
      return { adapter, migrate: () => adapter.migrate() }
    }
    case 'postgres': {
      const m = await import('../adapters/postgres/index.ts')
      const adapter = m.postgresAdapter({
        url,
        ...(t.statementMs ? { statementTimeoutMs: t.statementMs } : {}),
        ...(t.connectMs ? { connectTimeoutMs: t.connectMs } : {}),
      })
      return { adapter, migrate: () => adapter.migrate() }
    }
    case 'pglite': {
      const m = await import('../adapters/pglite/index.ts')
      const memory = url === ':memory:' || url === 'memory://'
      const adapter = await m.pgliteAdapter(memory ? {} : { dataDir: url.replace(/^pglite:(\/\/)?/, '') })
      return { adapter, migrate: () => adapter.migrate() }
    }
    case 'sequelize-sqlite':
      return sequelize('sqlite')
    case 'sequelize-postgres':
      return sequelize('postgres')
    case 'sequelize-mariadb':
      return sequelize('mariadb')
    case 'memory': {
      const m = await import('../reference/memory.ts')
      return { adapter: new m.MemoryAdapter(), migrate: async () => [] }
    }
  }
}

/** The URL as it may be shown: without its password. */
export function shownUrl(url: string): string {
  if (!URL.canParse(url)) return url
  const u = new URL(url)
  if (!u.password) return url
  u.password = '***'
  return u.toString()
}

const missingPackage = (e: unknown, packages: readonly string[]): string | undefined => {
  const code = (e as { code?: unknown } | null)?.code
  const text = e instanceof Error ? e.message : ''
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return undefined
  // adapters/peer.ts's MissingPeerError says which; Node's own error names it in quotes.
  const named = (e as { packageName?: unknown }).packageName
  if (typeof named === 'string') return named
  return packages.find((p) => text.includes(`'${p}'`) || text.includes(`"${p}"`)) ?? packages[0]
}

/**
 * Why opening or migrating failed, in details the application can show: the package to install, or
 * the database (URL without password) and what the adapter said. The original stays the cause.
 */
export function openError(name: AdapterName, url: string, step: string, e: unknown): DBALError {
  const pkg = missingPackage(e, DRIVER_PACKAGES[name])
  if (pkg !== undefined)
    return new DBALError(
      'CAPABILITY_NOT_SUPPORTED',
      {
        reason: `the ${name} adapter needs the package ${pkg}: npm install ${DRIVER_PACKAGES[name].join(' ')}`,
        package: pkg,
      },
      { cause: e },
    )
  const database = shownUrl(url)
  const said = (e instanceof Error ? e.message : String(e)).split(url).join(database)
  if (e instanceof DBALError) return new DBALError(e.code, { ...e.details, database, step }, { cause: e })
  // The adapter's own refusal of its URL (no such folder, a wrong scheme): the option to fix.
  return new DBALError(
    'VALIDATION_ERROR',
    { fields: [{ field: 'options.database.url', error: `${step} ${database}: ${said}` }], database, step },
    { cause: e },
  )
}

/** Opens the named adapter and, when asked, migrates it; closes it again if migrating fails. */
export async function openNamed(
  name: AdapterName,
  url: string,
  t: Timeouts,
  migrate: boolean,
): Promise<Adapter> {
  const opened = await open(name, url, t).catch((e: unknown) =>
    Promise.reject(openError(name, url, 'opening', e)),
  )
  if (!migrate) return opened.adapter
  try {
    await opened.migrate()
    return opened.adapter
  } catch (e) {
    await opened.adapter.close().catch(() => undefined)
    throw openError(name, url, 'migrating', e)
  }
}
