/**
 * prisma/*.prisma is generated from schema/ (`dbal generate`): each file is current, a schema change
 * shows in it, it maps every table and column the DBAL's DDL creates, and the client generation
 * (scripts/prisma-generate.ts) notices a stale schema by its hash and regenerates offline.
 */
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import {
  generatePrismaSchema,
  PRISMA_PROVIDERS,
  PRISMA_SCHEMA_FILES,
} from '../adapters/prisma/prisma-schema.ts'
import { schema } from '../core/schema.ts'
import { clientDir, ensurePrismaClient, isCurrent } from '../scripts/prisma-generate.ts'
import { grownSchema } from './schema-copy.ts'

const file = (p: (typeof PRISMA_PROVIDERS)[number]) =>
  new URL(`../prisma/${PRISMA_SCHEMA_FILES[p]}`, import.meta.url)

describe('generated Prisma schemas', () => {
  for (const p of PRISMA_PROVIDERS)
    it(`prisma/${PRISMA_SCHEMA_FILES[p]} (${p}) is current`, () => {
      const actual = readFileSync(file(p), 'utf8')
      assert.ok(
        generatePrismaSchema(schema, p) === actual,
        `prisma/${PRISMA_SCHEMA_FILES[p]} is stale: run \`npx dbal generate\``,
      )
    })

  it('a schema change shows in every provider’s file', () => {
    const grown = grownSchema('user.yaml', '  nickname:\n    type: string\n    max_length: 40\n')
    for (const p of PRISMA_PROVIDERS)
      assert.match(generatePrismaSchema(grown, p), /^ {2}nickname String\?.* @map\("nickname"\)$/m)
  })

  it('maps every table and column of the schema, with the constraint names of the DDL', () => {
    const text = generatePrismaSchema(schema, 'postgresql')
    for (const e of schema.entities) {
      assert.ok(text.includes(`@@map("${e.table}")`), `${e.name} maps to ${e.table}`)
      for (const f of e.fields) assert.ok(text.includes(`@map("${f.column}")`), `${e.name}.${f.name}`)
      for (const i of [...e.uniques, ...e.indexes]) assert.ok(text.includes(`map: "${i.name}"`), i.name)
      for (const r of e.references)
        assert.match(text, new RegExp(`@relation\\("${r.name}", fields: \\[${r.field.name}\\]`))
    }
    // Cascades as the YAML says: a page's components go with it, a user's scripts block its delete.
    assert.match(text, /page +PageView +@relation\("component_hierarchy_page_id_fkey".*onDelete: Cascade/)
    assert.match(text, /createdByRef +User +@relation\("lua_scripts_created_by_fkey".*onDelete: Restrict/)
  })
})

describe('Prisma client generation', () => {
  it('regenerates a client whose schema hash no longer matches, without a network', async () => {
    await ensurePrismaClient('sqlite')
    assert.equal(isCurrent('sqlite'), true)
    const stamp = new URL('../.tmp/prisma/sqlite.hash', import.meta.url)
    writeFileSync(stamp, 'a stale hash')
    assert.equal(isCurrent('sqlite'), false)
    await ensurePrismaClient('sqlite')
    assert.equal(isCurrent('sqlite'), true)
    const client = readFileSync(`${clientDir('sqlite')}/client.ts`, 'utf8')
    assert.match(client, /export const PrismaClient/)
  })
})
