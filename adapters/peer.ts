/**
 * Drivers are optional peer dependencies: an application installs the one its backend uses. They are
 * loaded when an adapter is created, never when its module is imported, so that a missing driver is
 * one sentence naming the package to install instead of ERR_MODULE_NOT_FOUND from deep inside dbal.
 */
import { createRequire } from 'node:module'
import { ConfigError } from '../core/config-error.ts'

// Resolved from this file: inside node_modules/@metabuilder/dbal/dist this finds the application's copy.
const require = createRequire(import.meta.url)

/** True when `e` says that `pkg` itself cannot be found (not a file or a dependency inside it). */
export function isMissing(e: unknown, pkg: string): boolean {
  const code = (e as { code?: unknown } | null)?.code
  if (code !== 'MODULE_NOT_FOUND' && code !== 'ERR_MODULE_NOT_FOUND') return false
  return String((e as Error).message)
    .split('\n')[0]!
    .includes(`'${pkg}'`)
}

/**
 * `who` (an entry point such as `@metabuilder/dbal/sqlite`) cannot run without `pkg`. The code is
 * Node's own for a module not found, so code that recognizes that keeps recognizing it;
 * `packageName` is what to install.
 */
export class MissingPeerError extends ConfigError {
  readonly code = 'MODULE_NOT_FOUND'
  constructor(
    who: string,
    readonly packageName: string,
    cause: unknown,
  ) {
    super(who, '', `needs the ${packageName} package, which is not installed: npm install ${packageName}`)
    this.name = 'MissingPeerError'
    this.cause = cause
  }
}

/** A CommonJS driver (better-sqlite3, pg, mariadb), loaded synchronously on first use. */
export function requirePeer<T>(who: string, pkg: string): T {
  try {
    return require(pkg) as T
  } catch (e) {
    throw isMissing(e, pkg) ? new MissingPeerError(who, pkg, e) : e
  }
}

/** An ES module (PGlite, or a module of ours that imports a driver): `load` is `() => import(...)`. */
export async function importPeer<T>(who: string, pkg: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load()
  } catch (e) {
    throw isMissing(e, pkg) ? new MissingPeerError(who, pkg, e) : e
  }
}
