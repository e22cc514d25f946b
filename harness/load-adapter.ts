/**
 * An adapter module for `dbal certify`: a file (JavaScript, or TypeScript where tsx is installed), a
 * folder with a package.json (its `exports` or `main`) or an index file, or an installed package name.
 * It exports its factory as `createAdapter` or as the default export (docs/adapters.md).
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { AdapterFactory, ManagedAdapter } from '../core/adapter.ts'
import { ConfigError } from '../core/config-error.ts'

/** What the harness calls on an adapter: a module missing one of these is refused before anything runs. */
const METHODS = [
  'capabilities',
  'create',
  'read',
  'update',
  'delete',
  'list',
  'count',
  'createMany',
  'updateMany',
  'deleteMany',
  'transaction',
  'migrate',
  'reset',
  'close',
] as const

const INDEXES = ['index.js', 'index.mjs', 'index.ts', 'index.mts']

function entryOfFolder(dir: string): string | undefined {
  const pkgFile = join(dir, 'package.json')
  if (existsSync(pkgFile)) {
    const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports?: unknown; main?: string }
    const dot =
      typeof pkg.exports === 'string' ? pkg.exports : (pkg.exports as Record<string, unknown>)?.['.']
    const target =
      typeof dot === 'string'
        ? dot
        : typeof dot === 'object' && dot !== null
          ? ((dot as Record<string, unknown>).import ?? (dot as Record<string, unknown>).default)
          : pkg.main
    if (typeof target === 'string') return join(dir, target)
  }
  return INDEXES.map((f) => join(dir, f)).find((f) => existsSync(f))
}

/** The file to import for `spec`, or a ConfigError naming it. */
export function resolveModule(spec: string, cwd = process.cwd()): string {
  const path = resolve(cwd, spec)
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) return path
    const entry = entryOfFolder(path)
    if (!entry || !existsSync(entry))
      throw new ConfigError(spec, '', 'a folder without package.json `exports`/`main` or an index file')
    return entry
  }
  try {
    return createRequire(join(cwd, 'package.json')).resolve(spec)
  } catch {
    throw new ConfigError(spec, '', 'no such file, folder or installed package')
  }
}

/** name@version of the nearest package.json above `file`, if there is one. */
export function packageOf(file: string): { name?: string; version?: string } {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const p = join(dir, 'package.json')
    if (existsSync(p)) {
      const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string }
      return { name: pkg.name, version: pkg.version }
    }
    if (dirname(dir) === dir) return {}
  }
}

/** TypeScript modules need a loader: tsx's, registered on demand when it is installed. */
async function ensureTypeScript(file: string, spec: string): Promise<void> {
  if (!/\.[mc]?ts$/.test(file) || process.execArgv.some((a) => a.includes('tsx'))) return
  try {
    const { register } = (await import('tsx/esm/api')) as { register: () => unknown }
    register()
  } catch {
    throw new ConfigError(spec, '', 'a TypeScript module needs tsx to load: npm install --save-dev tsx')
  }
}

export async function loadFactory(spec: string): Promise<{ factory: AdapterFactory; file: string }> {
  const file = resolveModule(spec)
  await ensureTypeScript(file, spec)
  let mod: Record<string, unknown>
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>
  } catch (e) {
    throw new ConfigError(spec, '', `cannot be imported: ${e instanceof Error ? e.message : String(e)}`)
  }
  const factory = mod.createAdapter ?? mod.default
  if (typeof factory !== 'function')
    throw new ConfigError(
      spec,
      '',
      'exports no adapter factory (export `createAdapter` or a default function)',
    )
  return { factory: checked(factory as AdapterFactory, spec), file }
}

/** The factory, with what it returns checked for every method the harness calls. */
function checked(factory: AdapterFactory, spec: string): AdapterFactory {
  return async (o) => {
    const a = (await factory(o)) as Partial<ManagedAdapter> | null
    const missing = METHODS.filter((m) => typeof a?.[m] !== 'function')
    if (!a || missing.length)
      throw new ConfigError(spec, '', `its factory returned an adapter without ${missing.join(', ')}`)
    if (typeof a.name !== 'string' || !a.name)
      throw new ConfigError(spec, '', 'its factory returned an adapter without a `name`')
    return a as ManagedAdapter
  }
}
