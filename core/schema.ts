/**
 * Loads schema/ (the contract as data) once, checks it strictly, and precomputes everything the hot path
 * needs: wire names, storage names, uniques, foreign keys, defaults, page limits, and the facts every
 * backend family reads instead of deriving them again: references and referrers, the creation and
 * deletion order, and constraint names (one naming function for DDL, models and error lookup).
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { ConfigError, Reader } from './config-error.ts'
import {
  constraintName,
  constraintsOf,
  creationOrder,
  linkEntities,
  type Constraint,
  type Reference,
  type Unlinked,
} from './schema-facts.ts'
import { readOperations, type OperationSpec } from './schema-operations.ts'

export { CONSTRAINT_KINDS, constraintName } from './schema-facts.ts'
export type { Constraint, ConstraintKind, Reference } from './schema-facts.ts'
export type { OperationSpec, Param, ParamType } from './schema-operations.ts'

export const FIELD_TYPES = [
  'uuid',
  'string',
  'text',
  'email',
  'enum',
  'integer',
  'boolean',
  'datetime',
  'json',
] as const
export type FieldType = (typeof FIELD_TYPES)[number]
export const JSON_TYPES = ['object', 'string_array'] as const
export type JsonType = (typeof JSON_TYPES)[number]
export const REFERENTIAL_ACTIONS = ['cascade', 'restrict'] as const
export type ReferentialAction = (typeof REFERENTIAL_ACTIONS)[number]

export interface ForeignKey {
  readonly entity: string
  readonly field: string
  readonly onDelete: ReferentialAction
  readonly onUpdate: ReferentialAction
}

export interface Field {
  /** snake_case: the storage name (column, document key). */
  readonly column: string
  /** camelCase: the name on the wire. */
  readonly name: string
  readonly type: FieldType
  readonly primary: boolean
  readonly required: boolean
  readonly unique: boolean
  readonly minLength?: number
  readonly maxLength?: number
  readonly pattern?: RegExp
  readonly values?: readonly string[]
  readonly min?: number
  readonly max?: number
  readonly default?: unknown
  readonly jsonType?: JsonType
  readonly foreignKey?: ForeignKey
  /** Seen only by the system caller; never in audit records, errors or logs. */
  readonly sensitive: boolean
  /** Never returned, filtered or sorted on by anyone. */
  readonly secret: boolean
  /** A virtual input (e.g. `password`) that the DBAL transforms into this field. */
  readonly input?: { readonly name: string; readonly minLength: number; readonly maxLength: number }
  readonly created: boolean
  readonly updated: boolean
  /** Callers may set it in create input. */
  readonly writable: boolean
  /** Set at create, never changed by update. */
  readonly immutable: boolean
  readonly description?: string
}

export interface Index {
  readonly name: string
  readonly fields: readonly Field[]
  readonly unique: boolean
}

export interface Entity {
  readonly name: string
  readonly namespace?: string
  readonly table: string
  readonly internal: boolean
  readonly description: string
  readonly file: string
  readonly fields: readonly Field[]
  /** Wire name → field. */
  readonly field: ReadonlyMap<string, Field>
  readonly primary: Field
  readonly createdField?: Field
  readonly updatedField?: Field
  readonly expiresField?: Field
  /** Single unique fields and unique indexes, each a unique constraint. */
  readonly uniques: readonly Index[]
  /** Non-unique indexes. */
  readonly indexes: readonly Index[]
  readonly foreignKeys: readonly Field[]
  /** This entity's foreign keys, in field order. */
  readonly references: readonly Reference[]
  /** The foreign keys pointing at this entity (its own self references included), in schema order. */
  readonly referrers: readonly Reference[]
  /** Its primary key's constraint name. */
  readonly primaryKey: string
  readonly page: { readonly defaultLimit: number; readonly maxLimit: number }
  readonly scan?: 'lua'
  /** Fields returned to callers (all but secrets). */
  readonly outputFields: readonly Field[]
}

export interface ErrorSpec {
  readonly status: number
  readonly message: string
  readonly retryable: boolean
  readonly audit: boolean
  readonly securityIncident: boolean
}

/** How the harness observes a capability (schema/capabilities.yaml explains each). */
export const CAPABILITY_PROBES = ['vectors', 'connect', 'none'] as const

export interface CapabilitySpec {
  readonly description: string
  readonly fallback: string
  readonly probe: (typeof CAPABILITY_PROBES)[number]
  /** Why a capability is not probed through the vectors. */
  readonly why?: string
}

export interface Schema {
  readonly dir: string
  readonly entities: readonly Entity[]
  readonly entity: ReadonlyMap<string, Entity>
  readonly byNamespace: ReadonlyMap<string, Entity>
  readonly errors: ReadonlyMap<string, ErrorSpec>
  readonly capabilities: ReadonlyMap<string, CapabilitySpec>
  /** entity name → operation name → spec (common operations included). */
  readonly operations: ReadonlyMap<string, ReadonlyMap<string, OperationSpec>>
  readonly lua: { readonly forbidden: readonly string[]; readonly allowedGlobals: readonly string[] }
  /** Each entity after every entity it references (self references aside): the order to create tables. */
  readonly creationOrder: readonly Entity[]
  /** Each entity before every entity it references: the order in which emptying never meets a RESTRICT. */
  readonly deletionOrder: readonly Entity[]
  /** Constraint and index name → what it guards. */
  readonly constraints: ReadonlyMap<string, Constraint>
}

export const camelCase = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())

const FIELD_KEYS = [
  'type',
  'primary',
  'required',
  'unique',
  'min_length',
  'max_length',
  'pattern',
  'values',
  'min',
  'max',
  'default',
  'json_type',
  'foreign_key',
  'sensitive',
  'secret',
  'input',
  'created',
  'updated',
  'writable',
  'immutable',
  'description',
] as const
const ENTITY_KEYS = [
  'entity',
  'namespace',
  'table',
  'internal',
  'description',
  'page',
  'expires',
  'scan',
  'fields',
  'indexes',
] as const

function readYaml(dir: string, file: string): Reader {
  const path = join(dir, file)
  let doc: unknown
  try {
    doc = parse(readFileSync(path, 'utf8'))
  } catch (e) {
    throw new ConfigError(path, '', e instanceof Error ? e.message : String(e))
  }
  return new Reader(path, '', doc)
}

function readField(r: Reader, column: string): Field {
  r.object(FIELD_KEYS)
  const flag = (k: string) => r.optional(k, (x) => x.boolean()) ?? false
  const type = r.child('type').oneOf(FIELD_TYPES)
  const primary = flag('primary')
  const created = flag('created')
  const updated = flag('updated')
  const secret = flag('secret')
  const pattern = r.optional('pattern', (x) => {
    const p = x.string()
    try {
      return new RegExp(p, 'u')
    } catch {
      return x.fail('not a valid regular expression')
    }
  })
  const values = r.optional('values', (x) => x.strings())
  if (type === 'enum' && !values) r.fail('an enum needs `values`', 'values')
  if (type !== 'enum' && values) r.fail('only enums have `values`', 'values')
  const jsonType = r.optional('json_type', (x) => x.oneOf(JSON_TYPES))
  if (type === 'json' && !jsonType) r.fail('a json field needs `json_type`', 'json_type')
  const foreignKey = r.optional('foreign_key', (x) => {
    x.object(['entity', 'field', 'on_delete', 'on_update'])
    return {
      entity: x.child('entity').string(),
      field: x.child('field').string(),
      onDelete: x.optional('on_delete', (y) => y.oneOf(REFERENTIAL_ACTIONS)) ?? 'restrict',
      onUpdate: x.optional('on_update', (y) => y.oneOf(REFERENTIAL_ACTIONS)) ?? 'restrict',
    }
  })
  const input = r.optional('input', (x) => {
    x.object(['name', 'min_length', 'max_length'])
    return {
      name: x.child('name').string(),
      minLength: x.child('min_length').number(),
      maxLength: x.child('max_length').number(),
    }
  })
  const explicitWritable = r.optional('writable', (x) => x.boolean())
  const field: Field = {
    column,
    name: camelCase(column),
    type,
    primary,
    required: primary || created || updated || flag('required'),
    unique: primary || flag('unique'),
    minLength: r.optional('min_length', (x) => x.number()),
    maxLength: r.optional('max_length', (x) => x.number()),
    pattern,
    values,
    min: r.optional('min', (x) => x.number()),
    max: r.optional('max', (x) => x.number()),
    default: r.has('default') ? r.object().default : undefined,
    jsonType,
    foreignKey,
    sensitive: secret || flag('sensitive'),
    secret,
    input,
    created,
    updated,
    writable: explicitWritable ?? !(primary || created || updated || input),
    immutable: flag('immutable'),
    description: r.optional('description', (x) => x.string()),
  }
  return field
}

function readEntity(dir: string, file: string): Unlinked {
  const r = readYaml(dir, join('entities', file))
  r.object(ENTITY_KEYS)
  const name = r.child('entity').string()
  const internal = r.optional('internal', (x) => x.boolean()) ?? false
  const namespace = r.optional('namespace', (x) => x.string())
  if (!internal && !namespace) r.fail('a public entity needs a `namespace`', 'namespace')
  const fields = r
    .child('fields')
    .entries()
    .map(([column, fr]) => {
      if (!/^[a-z][a-z0-9_]*$/.test(column)) fr.fail('field names are snake_case')
      return readField(fr, column)
    })
  const field = new Map(fields.map((f) => [f.name, f]))
  const byColumn = new Map(fields.map((f) => [f.column, f]))
  const primaries = fields.filter((f) => f.primary)
  if (primaries.length !== 1 || primaries[0]!.type !== 'uuid')
    r.fail('exactly one primary field of type uuid', 'fields')
  const one = (pred: (f: Field) => boolean, what: string) => {
    const found = fields.filter(pred)
    if (found.length > 1) r.fail(`more than one ${what} field`, 'fields')
    return found[0]
  }
  const table = r.child('table').string()
  const indexList =
    r.optional('indexes', (x) =>
      x.items().map((ir) => {
        ir.object(['fields', 'unique'])
        const cols = ir.child('fields').strings()
        const idxFields = cols.map((c) => byColumn.get(c) ?? ir.fail(`no field named ${c}`, 'fields'))
        const unique = ir.optional('unique', (u) => u.boolean()) ?? false
        return { name: constraintName(table, unique ? 'unique' : 'index', cols), fields: idxFields, unique }
      }),
    ) ?? []
  const singleUniques = fields
    .filter((f) => f.unique && !f.primary)
    .map((f) => ({ name: constraintName(table, 'unique', [f.column]), fields: [f], unique: true }))
  const expiresColumn = r.optional('expires', (x) => x.string())
  const pr = r.child('page')
  pr.object(['default_limit', 'max_limit'])
  return {
    name,
    namespace,
    table,
    internal,
    description: r.optional('description', (x) => x.string()) ?? '',
    file: join(dir, 'entities', file),
    fields,
    field,
    primary: primaries[0]!,
    createdField: one((f) => f.created, 'created'),
    updatedField: one((f) => f.updated, 'updated'),
    expiresField:
      expiresColumn === undefined
        ? undefined
        : (byColumn.get(expiresColumn) ?? r.fail(`no field named ${expiresColumn}`, 'expires')),
    uniques: [...singleUniques, ...indexList.filter((i) => i.unique)],
    indexes: indexList.filter((i) => !i.unique),
    foreignKeys: fields.filter((f) => f.foreignKey),
    primaryKey: constraintName(table, 'primary', [primaries[0]!.column]),
    page: { defaultLimit: pr.child('default_limit').number(), maxLimit: pr.child('max_limit').number() },
    scan: r.optional('scan', (x) => x.oneOf(['lua'] as const)),
    outputFields: fields.filter((f) => !f.secret),
  }
}

export function loadSchema(dir: string): Schema {
  const entities = linkEntities(
    readdirSync(join(dir, 'entities'))
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => readEntity(dir, f)),
  )
  const entity = new Map(entities.map((e) => [e.name, e]))
  const created = creationOrder(entities)
  const er = readYaml(dir, 'errors.yaml')
  er.object(['errors'])
  const errors = new Map(
    er
      .child('errors')
      .entries()
      .map(([code, x]) => {
        x.object(['status', 'message', 'retryable', 'audit', 'security_incident'])
        const flag = (k: string) => x.optional(k, (y) => y.boolean()) ?? false
        return [
          code,
          {
            status: x.child('status').number(),
            message: x.child('message').string(),
            retryable: flag('retryable'),
            audit: flag('audit') || flag('security_incident'),
            securityIncident: flag('security_incident'),
          },
        ]
      }),
  )
  const cr = readYaml(dir, 'capabilities.yaml')
  cr.object(['capabilities'])
  const capabilities = new Map(
    cr
      .child('capabilities')
      .entries()
      .map(([k, x]) => {
        x.object(['description', 'fallback', 'probe', 'why'])
        return [
          k,
          {
            description: x.child('description').string(),
            fallback: x.child('fallback').string(),
            probe: x.child('probe').oneOf(CAPABILITY_PROBES),
            why: x.optional('why', (y) => y.string()),
          },
        ]
      }),
  )
  const or = readYaml(dir, 'operations.yaml')
  or.object(['common', 'entities'])
  const common = readOperations(or.child('common'), undefined, entity)
  const specific = or.child('entities')
  const operations = new Map<string, Map<string, OperationSpec>>()
  for (const e of entities) {
    if (e.internal) continue
    const own = specific.has(e.name)
      ? readOperations(specific.child(e.name), e, entity)
      : new Map<string, OperationSpec>()
    operations.set(e.name, new Map([...common, ...own]))
  }
  for (const [name, x] of specific.entries()) if (!entity.has(name)) x.fail('no entity of this name')
  const lr = readYaml(dir, 'lua.yaml')
  lr.object(['forbidden', 'allowed_globals'])
  return {
    dir,
    entities,
    entity,
    byNamespace: new Map(entities.filter((e) => e.namespace).map((e) => [e.namespace!, e])),
    errors,
    capabilities,
    operations,
    lua: {
      forbidden: lr.child('forbidden').strings(),
      allowedGlobals: lr.child('allowed_globals').strings(),
    },
    creationOrder: created,
    deletionOrder: [...created].reverse(),
    constraints: constraintsOf(entities),
  }
}

export const SCHEMA_DIR = fileURLToPath(new URL('../schema/', import.meta.url))

/** The project's schema, loaded once at start-up. */
export const schema: Schema = loadSchema(SCHEMA_DIR)

export function entityOf(name: string): Entity {
  const e = schema.entity.get(name)
  if (!e) throw new ConfigError('schema', name, 'unknown entity')
  return e
}
