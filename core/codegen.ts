/** Generates core/types.generated.ts from schema/ (`dbal generate`); a unit test fails when it is stale. */
import type { Entity, Field, OperationSpec, Param, Schema } from './schema.ts'

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

function tsType(e: Entity, f: Field, input: boolean): string {
  switch (f.type) {
    case 'enum':
      return `${e.name}${pascal(f.name)}`
    case 'integer':
      return 'number'
    case 'boolean':
      return 'boolean'
    case 'datetime':
      return input ? 'string | number' : 'string'
    case 'json':
      return f.jsonType === 'string_array' ? 'string[]' : 'JsonObject'
    default:
      return 'string'
  }
}

function entityTypes(e: Entity): string {
  const out: string[] = []
  for (const f of e.fields)
    if (f.values)
      out.push(`export type ${e.name}${pascal(f.name)} = ${f.values.map((v) => `'${v}'`).join(' | ')}`)
  const row = e.outputFields.map(
    (f) => `  ${f.name}${f.required ? '' : '?'}: ${tsType(e, f, false)}${f.required ? '' : ' | null'}`,
  )
  out.push(`/** ${e.description} */\nexport interface ${e.name} {\n${row.join('\n')}\n}`)
  const inputs: string[] = []
  for (const f of e.fields) {
    if (f.input) inputs.push(`  ${f.input.name}: string`)
    if (!f.writable) continue
    const optional = !f.required || f.default !== undefined || f.updated
    inputs.push(`  ${f.name}${optional ? '?' : ''}: ${tsType(e, f, true)}${f.required ? '' : ' | null'}`)
  }
  out.push(`export interface ${e.name}Input {\n${inputs.join('\n')}\n}`)
  out.push(`export type ${e.name}Patch = Partial<${e.name}Input>`)
  return out.join('\n')
}

/** `E` in EntityApi<E>, or an entity's name for its own operations. */
type Of = string

const VALUE_TYPES: Record<string, (of: Of) => string> = {
  id: () => 'string',
  string: () => 'string',
  integer: () => 'number',
  boolean: () => 'boolean',
  filter: () => 'Filter',
  sort: () => 'Sort',
  fields: (of) => `EntityTypes[${of}]['input']`,
  patch: (of) => `EntityTypes[${of}]['patch']`,
}

function paramType(p: Param, of: Of): string {
  const t =
    p.kind === 'value'
      ? VALUE_TYPES[p.type]!(of)
      : p.kind === 'rest'
        ? VALUE_TYPES[p.rest]!(of)
        : p.kind === 'field'
          ? tsType(p.entity, p.field, true)
          : p.kind === 'array'
            ? `${paramType(p.items, of)}[]`
            : `{ ${p.keys.map((k) => `${k.name}${k.optional ? '?' : ''}: ${paramType(k, of)}`).join('; ')} }`
  return p.nullable ? `${t} | null` : t
}

const OUTPUT_TYPES: Record<string, (of: Of) => string> = {
  entity: (of) => `EntityTypes[${of}]['row']`,
  entities: (of) => `EntityTypes[${of}]['row'][]`,
  page: (of) => `Page<EntityTypes[${of}]['row']>`,
  tree: () => 'TreeNode[]',
  user: () => 'User',
  true: () => 'true',
  boolean: () => 'boolean',
  integer: () => 'number',
}

/** One method's signature, as schema/operations.yaml declares its parameters and result. */
function method(spec: OperationSpec, of: Of): string {
  const params = spec.params.map((p) => `${p.name}${p.optional ? '?' : ''}: ${paramType(p, of)}`)
  const out = OUTPUT_TYPES[spec.output]
  if (!out) throw new Error(`schema/operations.yaml: ${spec.name} has an unknown output ${spec.output}`)
  return `${spec.name}(${params.join(', ')}): Promise<${out(of)}>`
}

/** The client's method types: the operations every entity has, and each namespace's own. */
function apis(schema: Schema, pub: readonly Entity[]): string[] {
  const byEntity = pub.map((e) => [e, [...schema.operations.get(e.name)!.values()]] as const)
  // The common operations are the specs every entity shares (one object per spec, read once).
  const common = byEntity[0]![1].filter((s) => byEntity.every(([, ops]) => ops.includes(s)))
  const own = byEntity
    .map(([e, ops]) => [e, ops.filter((s) => !common.includes(s))] as const)
    .filter(([, ops]) => ops.length)
  return [
    '/** The operations every entity has, typed by its row, input and patch. */',
    'export interface EntityApi<E extends EntityName> {',
    ...common.map((s) => `  ${method(s, 'E')}`),
    '}',
    '',
    "/** Each namespace's own operations. */",
    'export interface SpecificApis {',
    ...own.flatMap(([e, ops]) => [
      `  ${e.namespace}: {`,
      ...ops.map((s) => `    ${method(s, `'${e.name}'`)}`),
      '  }',
    ]),
    '}',
  ]
}

export function generateTypes(schema: Schema): string {
  const pub = schema.entities.filter((e) => !e.internal)
  return [
    '// Generated from schema/ by `dbal generate`. Do not edit: change schema/ and regenerate.',
    '',
    "import type { Filter, Page, Sort, TreeNode } from './client.ts'",
    '',
    'export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }',
    'export type JsonObject = { [key: string]: JsonValue }',
    '',
    `export type ErrorCode = ${[...schema.errors.keys()].map((c) => `'${c}'`).join(' | ')}`,
    `export type CapabilityName = ${[...schema.capabilities.keys()].map((c) => `'${c}'`).join(' | ')}`,
    `export type EntityName = ${pub.map((e) => `'${e.name}'`).join(' | ')}`,
    '',
    ...pub.map(entityTypes).flatMap((s) => [s, '']),
    '/** Entity name → its row, create input and patch types. */',
    'export interface EntityTypes {',
    ...pub.map((e) => `  ${e.name}: { row: ${e.name}; input: ${e.name}Input; patch: ${e.name}Patch }`),
    '}',
    '',
    '/** Client namespace → entity name. */',
    'export interface Namespaces {',
    ...pub.map((e) => `  ${e.namespace}: '${e.name}'`),
    '}',
    '',
    ...apis(schema, pub),
    '',
  ].join('\n')
}
