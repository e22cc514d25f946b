/**
 * schema/ as Prisma schema files, one per provider (`dbal generate` writes them to prisma/, a test
 * keeps them current). One file per provider rather than one template: the native column types differ
 * (uuid, timestamptz and jsonb on PostgreSQL; datetimes as ISO text on SQLite; CHAR(36) and LONGTEXT on
 * MariaDB) and Prisma must read each column as the type the DBAL's DDL gave it (adapters/sql/ddl.ts,
 * the dialects). The models @@map/@map onto the DBAL's tables and columns; the DDL stays the DBAL's.
 */
import type { Entity, Field, Reference, Schema } from '../../core/schema.ts'

export const PRISMA_PROVIDERS = ['postgresql', 'sqlite', 'mysql'] as const
export type PrismaProvider = (typeof PRISMA_PROVIDERS)[number]

/** The file under prisma/ for each provider; PostgreSQL's is Prisma's default name. */
export const PRISMA_SCHEMA_FILES: Readonly<Record<PrismaProvider, string>> = {
  postgresql: 'schema.prisma',
  sqlite: 'sqlite.prisma',
  mysql: 'mysql.prisma',
}

const INT4 = 2 ** 31
const fitsInt4 = (f: Field) => f.min !== undefined && f.max !== undefined && f.min >= -INT4 && f.max < INT4

/** The Prisma scalar type and native type attribute of a column, as the DBAL's DDL creates it. */
function columnType(p: PrismaProvider, f: Field): string {
  const int = fitsInt4(f) ? 'Int' : 'BigInt'
  const text = f.maxLength && p === 'mysql' ? `String @db.VarChar(${f.maxLength})` : 'String'
  switch (f.type) {
    case 'uuid':
      return p === 'postgresql' ? 'String @db.Uuid' : p === 'mysql' ? 'String @db.Char(36)' : 'String'
    case 'string':
    case 'email':
    case 'enum':
      return p === 'mysql' && !f.maxLength ? 'String @db.LongText' : text
    case 'text':
      return p === 'mysql' ? 'String @db.LongText' : 'String'
    case 'integer':
      return int
    case 'boolean':
      return 'Boolean'
    case 'datetime':
      // SQLite: canonical ISO text (sorts chronologically), which Prisma's DateTime would not read back.
      return p === 'postgresql'
        ? 'DateTime @db.Timestamptz'
        : p === 'mysql'
          ? 'DateTime @db.DateTime(3)'
          : 'String'
    case 'json':
      return p === 'mysql' ? 'String @db.LongText' : p === 'sqlite' ? 'String' : 'Json'
  }
}

const str = (s: string) => JSON.stringify(s)
const upperFirst = (s: string) => s[0]!.toUpperCase() + s.slice(1)
const lowerFirst = (s: string) => s[0]!.toLowerCase() + s.slice(1)

/** The relation field on the referencing model: `pageId` → `page`, unless that name is taken. */
function holderName(r: Reference): string {
  const base = r.field.name.replace(/Id$/, '')
  return base !== r.field.name && !r.entity.field.has(base) ? base : `${r.field.name}Ref`
}

/** The back relation on the referenced model: every row of `r.entity` pointing here through `r`. */
const backName = (r: Reference) => `${lowerFirst(r.entity.name)}By${upperFirst(r.field.name)}`

const ACTION = { cascade: 'Cascade', restrict: 'Restrict' } as const

function fieldLine(p: PrismaProvider, e: Entity, f: Field): string {
  const [scalar, ...native] = columnType(p, f).split(' ')
  const attrs = [...native, `@map(${str(f.column)})`]
  // Only PostgreSQL names its primary keys (MySQL's is always PRIMARY; Prisma's SQLite has no names).
  if (f.primary) attrs.unshift(p === 'postgresql' ? `@id(map: ${str(e.primaryKey)})` : '@id')
  return `  ${f.name} ${scalar}${f.required || f.primary ? '' : '?'} ${attrs.join(' ')}`
}

/** SQLite has no named foreign keys in Prisma's terms (the DBAL names them all the same: ddl.ts). */
function relationLine(p: PrismaProvider, r: Reference): string {
  const optional = r.field.required ? '' : '?'
  const map = p === 'sqlite' ? '' : `, map: ${str(r.name)}`
  return (
    `  ${holderName(r)} ${r.target.name}${optional} @relation(${str(r.name)}, fields: [${r.field.name}], ` +
    `references: [${r.targetField.name}], onDelete: ${ACTION[r.onDelete]}, onUpdate: ${ACTION[r.onUpdate]}${map})`
  )
}

function model(p: PrismaProvider, e: Entity): string {
  const lines = e.fields.map((f) => fieldLine(p, e, f))
  lines.push(...e.references.map((r) => relationLine(p, r)))
  lines.push(...e.referrers.map((r) => `  ${backName(r)} ${r.entity.name}[] @relation(${str(r.name)})`))
  for (const i of e.uniques)
    lines.push(`  @@unique([${i.fields.map((f) => f.name).join(', ')}], map: ${str(i.name)})`)
  // MariaDB indexes a LONGTEXT by a prefix (only speed depends on its length).
  const key = (f: Field) => (columnType(p, f).includes('LongText') ? `${f.name}(length: 255)` : f.name)
  for (const i of e.indexes) lines.push(`  @@index([${i.fields.map(key).join(', ')}], map: ${str(i.name)})`)
  lines.push(`  @@map(${str(e.table)})`)
  return `/// ${e.description}\nmodel ${e.name} {\n${lines.join('\n')}\n}\n`
}

/** The whole schema file for `p`; the client goes where scripts/prisma-generate.ts puts it. */
export function generatePrismaSchema(s: Schema, p: PrismaProvider): string {
  const head = [
    '// Generated from schema/ by `dbal generate` (adapters/prisma/prisma-schema.ts). Do not edit.',
    '// The tables are created by the DBAL (dbal migrate), not by prisma migrate.',
    '',
    'generator client {',
    '  provider = "prisma-client"',
    `  output   = "../.tmp/prisma/${p}"`,
    '}',
    '',
    'datasource db {',
    `  provider = ${str(p)}`,
    '}',
    '',
  ].join('\n')
  return `${head}\n${s.creationOrder.map((e) => model(p, e)).join('\n')}`
}
