/**
 * The DBAL as its users run it: the compiled dist/ (`npm run build`, which run.ts does first), never the
 * sources through tsx. tsx compiles with esbuild's keepNames, which wraps every function created per
 * call (each arrow in a read's path) in a defineProperty: on SQLite that made the client's read by id
 * 5.2 µs where the build's takes 4.2 µs, a cost no user pays. The types are the sources'.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type * as Client from '../../core/client.ts'
import type * as Query from '../../core/query.ts'
import type * as SchemaModule from '../../core/schema.ts'
import type * as Postgres from '../../adapters/postgres/index.ts'
import type * as Sqlite from '../../adapters/sqlite/index.ts'

const at = (path: string) => new URL(`../../dist/${path}`, import.meta.url)

if (!existsSync(at('core/client.js')))
  throw new Error('dist/ is missing: run `npm run build` first (`npm run bench` does)')

const load = async <T>(path: string) => (await import(at(path).href)) as T

export const { DBALClient } = await load<typeof Client>('core/client.js')
export const { parseFilter, parseSort } = await load<typeof Query>('core/query.js')
export const { schema } = await load<typeof SchemaModule>('core/schema.js')
export const { postgresAdapter } = await load<typeof Postgres>('adapters/postgres/index.js')
export const { sqliteAdapter } = await load<typeof Sqlite>('adapters/sqlite/index.js')
/** The compiled CLI, which the daemon's child process runs (`dbal daemon`) and the suite's wall time. */
export const CLI = fileURLToPath(at('harness/cli.js'))
