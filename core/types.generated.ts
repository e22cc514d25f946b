// Generated from schema/ by `dbal generate`. Do not edit: change schema/ and regenerate.

import type { Filter, Page, Sort, TreeNode } from './client.ts'

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }
export type JsonObject = { [key: string]: JsonValue }

export type ErrorCode = 'NOT_FOUND' | 'CONFLICT' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'VALIDATION_ERROR' | 'RATE_LIMIT_EXCEEDED' | 'INTERNAL_ERROR' | 'CAPABILITY_NOT_SUPPORTED' | 'DATABASE_ERROR' | 'TIMEOUT' | 'SANDBOX_VIOLATION' | 'MALICIOUS_CODE_DETECTED'
export type CapabilityName = 'transactions' | 'nestedTransactions' | 'joins' | 'fullTextSearch' | 'ttl' | 'jsonQueries' | 'aggregations' | 'relations' | 'migrations' | 'schemaIntrospection' | 'connectionPooling' | 'readReplicas'
export type EntityName = 'ComponentHierarchy' | 'Credential' | 'LuaScript' | 'Package' | 'PageView' | 'Session' | 'User' | 'Workflow'

/** Component tree of a page */
export interface ComponentHierarchy {
  id: string
  pageId: string
  parentId?: string | null
  componentType: string
  order: number
  props: JsonObject
  createdAt: string
  updatedAt: string
}
export interface ComponentHierarchyInput {
  pageId: string
  parentId?: string | null
  componentType: string
  order?: number
  props?: JsonObject
}
export type ComponentHierarchyPatch = Partial<ComponentHierarchyInput>

/** Password hash per user; the hash never leaves the DBAL */
export interface Credential {
  id: string
  username: string
  firstLogin: boolean
  createdAt: string
  updatedAt: string
}
export interface CredentialInput {
  username: string
  password: string
  firstLogin?: boolean
}
export type CredentialPatch = Partial<CredentialInput>

/** Stored Lua script; scanned for dangerous calls on every write */
export interface LuaScript {
  id: string
  name: string
  description?: string | null
  code: string
  isSandboxed: boolean
  allowedGlobals: string[]
  timeoutMs: number
  createdBy: string
  createdAt: string
  updatedAt: string
}
export interface LuaScriptInput {
  name: string
  description?: string | null
  code: string
  isSandboxed?: boolean
  allowedGlobals?: string[]
  timeoutMs?: number
  createdBy: string
}
export type LuaScriptPatch = Partial<LuaScriptInput>

/** Installable package definition; name and version are unique together */
export interface Package {
  id: string
  name: string
  version: string
  description?: string | null
  author: string
  manifest: JsonObject
  isInstalled: boolean
  installedAt?: string | null
  installedBy?: string | null
  createdAt: string
  updatedAt: string
}
export interface PackageInput {
  name: string
  version: string
  description?: string | null
  author: string
  manifest: JsonObject
  isInstalled?: boolean
  installedAt?: string | number | null
  installedBy?: string | null
}
export type PackagePatch = Partial<PackageInput>

/** Page configuration and layout */
export interface PageView {
  id: string
  slug: string
  title: string
  description?: string | null
  level: number
  layout: JsonObject
  isActive: boolean
  createdAt: string
  updatedAt: string
}
export interface PageViewInput {
  slug: string
  title: string
  description?: string | null
  level: number
  layout: JsonObject
  isActive?: boolean
}
export type PageViewPatch = Partial<PageViewInput>

/** Login session; invisible once expires_at has passed */
export interface Session {
  id: string
  userId: string
  token: string
  expiresAt: string
  createdAt: string
  lastActivity: string
}
export interface SessionInput {
  userId: string
  token: string
  expiresAt: string | number
  lastActivity?: string | number
}
export type SessionPatch = Partial<SessionInput>

export type UserRole = 'user' | 'admin' | 'god' | 'supergod'
/** User account with role-based access level */
export interface User {
  id: string
  username: string
  email: string
  role: UserRole
  createdAt: string
  updatedAt: string
}
export interface UserInput {
  username: string
  email: string
  role?: UserRole
}
export type UserPatch = Partial<UserInput>

export type WorkflowTrigger = 'manual' | 'schedule' | 'event' | 'webhook'
/** Automation workflow definition */
export interface Workflow {
  id: string
  name: string
  description?: string | null
  trigger: WorkflowTrigger
  triggerConfig: JsonObject
  steps: JsonObject
  isActive: boolean
  createdBy: string
  createdAt: string
  updatedAt: string
}
export interface WorkflowInput {
  name: string
  description?: string | null
  trigger: WorkflowTrigger
  triggerConfig: JsonObject
  steps: JsonObject
  isActive?: boolean
  createdBy: string
}
export type WorkflowPatch = Partial<WorkflowInput>

/** Entity name → its row, create input and patch types. */
export interface EntityTypes {
  ComponentHierarchy: { row: ComponentHierarchy; input: ComponentHierarchyInput; patch: ComponentHierarchyPatch }
  Credential: { row: Credential; input: CredentialInput; patch: CredentialPatch }
  LuaScript: { row: LuaScript; input: LuaScriptInput; patch: LuaScriptPatch }
  Package: { row: Package; input: PackageInput; patch: PackagePatch }
  PageView: { row: PageView; input: PageViewInput; patch: PageViewPatch }
  Session: { row: Session; input: SessionInput; patch: SessionPatch }
  User: { row: User; input: UserInput; patch: UserPatch }
  Workflow: { row: Workflow; input: WorkflowInput; patch: WorkflowPatch }
}

/** Client namespace → entity name. */
export interface Namespaces {
  components: 'ComponentHierarchy'
  credentials: 'Credential'
  luaScripts: 'LuaScript'
  packages: 'Package'
  pages: 'PageView'
  sessions: 'Session'
  users: 'User'
  workflows: 'Workflow'
}

/** The operations every entity has, typed by its row, input and patch. */
export interface EntityApi<E extends EntityName> {
  create(input: EntityTypes[E]['input']): Promise<EntityTypes[E]['row']>
  read(id: string): Promise<EntityTypes[E]['row']>
  update(id: string, patch: EntityTypes[E]['patch']): Promise<EntityTypes[E]['row']>
  delete(id: string): Promise<true>
  list(options?: { filter?: Filter; sort?: Sort; page?: number; limit?: number }): Promise<Page<EntityTypes[E]['row']>>
  count(filter?: Filter): Promise<number>
  createMany(items: EntityTypes[E]['input'][]): Promise<number>
  updateMany(filter: Filter, data: EntityTypes[E]['patch']): Promise<number>
  deleteMany(filter: Filter): Promise<number>
}

/** Each namespace's own operations. */
export interface SpecificApis {
  components: {
    getTree(pageId: string): Promise<TreeNode[]>
    reorder(components: { id: string; order: number }[]): Promise<true>
    move(id: string, newParentId: string | null, order?: number): Promise<EntityTypes['ComponentHierarchy']['row']>
  }
  credentials: {
    set(args: { username: string; password: string }): Promise<true>
    verify(args: { username: string; password: string }): Promise<true>
    setFirstLogin(args: { username: string; firstLogin: boolean }): Promise<true>
    getFirstLogin(args: { username: string }): Promise<boolean>
    deleteByUsername(args: { username: string }): Promise<true>
  }
  pages: {
    readBySlug(slug: string): Promise<EntityTypes['PageView']['row']>
    listByLevel(level: number): Promise<EntityTypes['PageView']['row'][]>
  }
  sessions: {
    purgeExpired(): Promise<number>
    resolve(token: string): Promise<User>
  }
  users: {
    search(query: string, options?: { limit?: number }): Promise<EntityTypes['User']['row'][]>
  }
}
