/**
 * The design's configuration: `new DBALClient(config)` or `await createDbal(config)`.
 *
 *   const db = await createDbal({ mode: 'development', adapter: 'sqlite', database: { url: 'app.db' } })
 *   const db = new DBALClient({ mode: 'production', endpoint: 'wss://dbal.internal:8765', auth: { user, session } })
 *
 * A named adapter's module is loaded when the client is first used (core never imports a driver), so
 * the constructor stays synchronous; createDbal does that first use itself and throws what it finds.
 */
import type { Adapter } from './adapter.ts'
import type { Schema } from './schema.ts'
import type { AuditSink } from './audit.ts'
import { DBALClient } from './client.ts'
import { ConfigExecutor } from './config-executor.ts'
import type { AdapterName } from './config-load.ts'
import type { AuthUser, ClientOptions } from './executor.ts'
import type { ScryptParams } from './password.ts'

/** A session as the design passes it: its token, or a Session row (only `token`, and `userId` if present, are read). */
export type SessionRef = string | { readonly token: string; readonly userId?: string }

export type DbalAuth =
  | { readonly user: AuthUser }
  /** The user is resolved from the session; a user given with it must be the session's. */
  | { readonly user?: AuthUser; readonly session: SessionRef }
  | { readonly anonymous: true }
  /** Over an endpoint: a service token (the system caller). */
  | { readonly token: string }

export interface DbalConfig {
  /** development: a database named by URL is migrated on first use; production: never migrated by the client. */
  readonly mode: 'development' | 'production'
  /** An Adapter, or the name of one (loaded on first use). Not with `endpoint`, except as a name. */
  readonly adapter?: Adapter | AdapterName
  /** The loaded schema (loadSchema(dir)) the client validates against; default: the project's schema/. */
  readonly schema?: Schema
  /** Where a named adapter's data is: a file path or ':memory:' (sqlite), postgres://..., a sequelize URL. */
  readonly database?: { readonly url: string }
  /** A daemon (ws:// or wss://): operations run there, behind its ACL; the daemon holds the database. */
  readonly endpoint?: string
  /** Who is calling; without it, the trusted system caller (locally) or nobody (over an endpoint). */
  readonly auth?: DbalAuth
  readonly security?: { readonly audit?: AuditSink }
  /** Milliseconds: connecting, a whole call (endpoint), one statement (postgres, sequelize; SQLite's lock wait). */
  readonly timeouts?: {
    readonly connectMs?: number
    readonly requestMs?: number
    readonly statementMs?: number
  }
  /** Development mode migrates a named database on first use unless this is false; production never does. */
  readonly migrate?: boolean
  readonly clock?: () => number
  readonly scrypt?: ScryptParams
}

/** A client whose initialization (loading the adapter, migrating, resolving the session) is done. */
export async function createDbal(config: DbalConfig | ClientOptions): Promise<DBALClient> {
  const client = new DBALClient(config)
  // The client handed out runs on the initialized executor itself (`client.adapter` works on it).
  if (client.executor instanceof ConfigExecutor)
    return new DBALClient({ executor: await client.executor.ready() })
  return client
}

export { ADAPTER_NAMES, DRIVER_PACKAGES, type AdapterName } from './config-load.ts'
