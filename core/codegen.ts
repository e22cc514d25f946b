/** Generates core/types.generated.ts from schema/ (`dbal generate`); a unit test fails when it is stale. */
import type { Entity, Field, Schema } from './schema.ts'

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

export function generateTypes(schema: Schema): string {
  const pub = schema.entities.filter((e) => !e.internal)
  return [
    '// Generated from schema/ by `dbal generate`. Do not edit: change schema/ and regenerate.',
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
  ].join('\n')
}
