/**
 * A named adapter (config `adapter: 'sqlite'`) opened on its `database.url`, by its entry in the one
 * registry (adapters/registry.ts). The registry imports each adapter's module when it is opened, never
 * statically: core must load without any driver installed, and an application installs only the
 * driver of the backend it uses.
 */
import { registryEntry } from '../adapters/registry.ts'
import type { Adapter, ManagedAdapter } from './adapter.ts'
import type { DbalConfig } from './config.ts'
import { DBALError } from './errors.ts'
import type { Schema } from './schema.ts'
import { shownUrl } from './url.ts'

/**
 * Adapters reachable by name: a registry entry each, and `prisma`, the design's name for the Prisma
 * adapter, which opens prisma-postgres, prisma-mariadb or prisma-sqlite by the URL's scheme.
 */
export const ADAPTER_NAMES = [
  'sqlite',
  'postgres',
  'pglite',
  'sequelize-sqlite',
  'sequelize-postgres',
  'sequelize-mariadb',
  'prisma',
  'prisma-postgres',
  'prisma-sqlite',
  'prisma-mariadb',
  'mongo',
  'ferretdb',
  'memory',
] as const
export type AdapterName = (typeof ADAPTER_NAMES)[number]

/** The registry entry a name opens on `url` (see `prisma` above). */
function entryName(name: AdapterName, url: string): string {
  if (name !== 'prisma') return name
  if (/^postgres(ql)?:/.test(url)) return 'prisma-postgres'
  return /^(mariadb|mysql):/.test(url) ? 'prisma-mariadb' : 'prisma-sqlite'
}

const PRISMA = ['prisma-postgres', 'prisma-sqlite', 'prisma-mariadb'] as const

/** What `npm install` adds for each named adapter (optional peer dependencies), from the registry. */
export const DRIVER_PACKAGES = Object.fromEntries(
  ADAPTER_NAMES.map((n) => [
    n,
    n === 'prisma' ? [...new Set(PRISMA.flatMap((p) => registryEntry(p)!.peers))] : registryEntry(n)!.peers,
  ]),
) as Readonly<Record<AdapterName, readonly string[]>>

type Timeouts = NonNullable<DbalConfig['timeouts']>

/** The named adapter from the registry (adapters/registry.ts), on `url`; its driver is imported now. */
function open(name: AdapterName, url: string, t: Timeouts, schema?: Schema): Promise<ManagedAdapter> {
  return registryEntry(entryName(name, url))!.open({
    url,
    ...(t.statementMs ? { statementTimeoutMs: t.statementMs } : {}),
    ...(t.connectMs ? { connectTimeoutMs: t.connectMs } : {}),
    ...(schema ? { schema } : {}),
  })
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
  const peers = registryEntry(entryName(name, url))!.peers
  const pkg = missingPackage(e, peers)
  if (pkg !== undefined)
    return new DBALError(
      'CAPABILITY_NOT_SUPPORTED',
      {
        reason: `the ${name} adapter needs the package ${pkg}: npm install ${peers.join(' ')}`,
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
  schema?: Schema,
): Promise<Adapter> {
  const adapter = await open(name, url, t, schema).catch((e: unknown) =>
    Promise.reject(openError(name, url, 'opening', e)),
  )
  if (!migrate) return adapter
  try {
    await adapter.migrate()
    return adapter
  } catch (e) {
    await adapter.close().catch(() => undefined)
    throw openError(name, url, 'migrating', e)
  }
}
