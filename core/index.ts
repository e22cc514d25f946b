/**
 * `@metabuilder/dbal`: the client, its errors, the entity types generated from schema/, and the seams
 * an adapter or a bridge implements. Adapters are entry points of their own (`@metabuilder/dbal/sqlite`,
 * `/postgres`, ...), so that importing this one loads no database driver.
 */
export { DBALClient } from './client.ts'
export type {
  AuthUser,
  ClientOptions,
  EntityApi,
  Executor,
  Filter,
  ListOptions,
  Page,
  Sort,
  SpecificApis,
  TransactionOptions,
  TreeNode,
} from './client.ts'
export type { AuthContext } from './executor.ts'
export { createDbal } from './config.ts'
export type { AdapterName, DbalAuth, DbalConfig, SessionRef } from './config.ts'

export { DBALError } from './errors.ts'
export type { DBALErrorJSON, ErrorDetails, FieldError } from './errors.ts'
export { ConfigError } from './config-error.ts'
export { MissingPeerError } from '../adapters/peer.ts'

export type { Adapter, Capabilities, Cond, ListQuery, Row } from './adapter.ts'
export { JsonLinesAuditSink, MemoryAuditSink } from './audit.ts'
export type { AuditRecord, AuditSink } from './audit.ts'
export type { ScryptParams } from './password.ts'

export type * from './types.generated.ts'
