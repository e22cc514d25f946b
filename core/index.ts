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

export type {
  Adapter,
  AdapterFactory,
  Capabilities,
  Cond,
  FactoryOptions,
  ListQuery,
  ManagedAdapter,
  Row,
} from './adapter.ts'
export { capabilitySet, isManaged } from './adapter.ts'
export { loadSchema, schema } from './schema.ts'
export type { Entity, Field, ForeignKey, OperationSpec, Param, ParamType, Schema } from './schema.ts'
export type { Constraint, Reference } from './schema-facts.ts'
// The contract's constraint errors, as the reference raises them, for adapters that check constraints
// themselves; and the replay that explains a native constraint error over a small lookup.
export { conflict, dangling, explain, replay, stillReferenced } from './constraints.ts'
export type { ConstraintLookup, Fault, Write } from './constraints.ts'
export type { SortKey } from './query.ts'
export { JsonLinesAuditSink, MemoryAuditSink } from './audit.ts'
export type { AuditRecord, AuditSink } from './audit.ts'
export type { ScryptParams } from './password.ts'

export type * from './types.generated.ts'
