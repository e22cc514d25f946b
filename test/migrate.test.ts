/**
 * migrate on SQLite and on the real local PostgreSQL: the first run creates the schema, a second run
 * changes nothing, and fields and entities added to (a copy of) schema/ arrive as columns, indexes,
 * foreign keys and tables, with existing rows getting the default.
 */
import assert from 'node:assert/strict'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { postgresAdapter } from '../adapters/postgres/index.ts'
import type { SqlAdapter } from '../adapters/sql/adapter.ts'
import { sqliteAdapter } from '../adapters/sqlite/index.ts'
import { loadSchema, schema, SCHEMA_DIR, type Schema } from '../core/schema.ts'
import { provisionPostgres } from '../harness/provision/postgres.ts'
import { skipPostgres } from './servers.ts'
import { ID, rejects, TS } from './helpers.ts'

const dir = mkdtempSync(join(tmpdir(), 'dbal-migrate-'))
after(() => rmSync(dir, { recursive: true, force: true }))

/** schema/ with User grown by three fields and a new entity. */
function grownSchema(): Schema {
  const copy = join(dir, 'schema')
  cpSync(SCHEMA_DIR, copy, { recursive: true })
  const file = join(copy, 'entities', 'user.yaml')
  const added = [
    '  nickname:',
    '    type: string',
    '    max_length: 50',
    '    unique: true',
    '  score:',
    '    type: integer',
    '    required: true',
    '    default: 7',
    '    min: 0',
    '    max: 100',
    '  mentor_id:',
    '    type: uuid',
    '    foreign_key: { entity: User, field: id, on_delete: restrict }',
  ].join('\n')
  writeFileSync(file, readFileSync(file, 'utf8').replace('\nindexes:', `\n${added}\n\nindexes:`))
  writeFileSync(
    join(copy, 'entities', 'tag.yaml'),
    [
      'entity: Tag',
      'internal: true',
      'table: dbal_tags',
      'page: { default_limit: 20, max_limit: 100 }',
      'fields:',
      '  id:',
      '    type: uuid',
      '    primary: true',
      '  label:',
      '    type: string',
      '    required: true',
      '    unique: true',
    ].join('\n'),
  )
  return loadSchema(copy)
}

interface Target {
  open(s?: Schema): SqlAdapter
  cleanup(): Promise<void>
}

let files = 0
const TARGETS: Record<string, () => Promise<Target>> = {
  sqlite: async () => {
    const file = join(dir, `migrate-${++files}.db`)
    return { open: (s) => sqliteAdapter({ filename: file, schema: s }), cleanup: async () => undefined }
  },
  postgres: async () => {
    const db = await provisionPostgres(`t${process.pid}`, 'migrate')
    if ('notRun' in db) throw new Error(db.notRun)
    return { open: (s) => postgresAdapter({ url: db.url, schema: s, pool: 2 }), cleanup: () => db.drop() }
  },
}

for (const [name, make] of Object.entries(TARGETS)) {
  describe(`migrate (${name})`, { skip: name === 'postgres' && skipPostgres }, () => {
    it('creates the schema once; a second run changes nothing', async () => {
      const t = await make()
      const a = t.open()
      try {
        const first = await a.migrate()
        for (const e of schema.entities)
          assert.ok(first.includes(`create table ${e.table}`), `${e.table} in ${first.join(', ')}`)
        assert.ok(first.includes('create index users_email_key'))
        if (name === 'postgres')
          assert.ok(
            first.includes('create function dbal_fold') &&
              first.includes('add foreign key workflows_created_by_fkey'),
          )
        assert.deepEqual(await a.migrate(), [])
        if (name === 'postgres') {
          // Two processes starting together: one migrates, the other waits and then has nothing to do.
          const t2 = await make()
          const [x, y] = [t2.open(), t2.open()]
          const runs = await Promise.all([x.migrate(), y.migrate()]).finally(
            async () => (await x.close(), await y.close(), await t2.cleanup()),
          )
          assert.deepEqual(
            runs.map((r) => r.length).sort((m, n) => m - n),
            [0, first.length],
          )
        }
        const live = await a.introspect()
        assert.deepEqual([...live.tables.get('users')!].sort(), [
          'created_at',
          'email',
          'id',
          'role',
          'updated_at',
          'username',
        ])
      } finally {
        await a.close()
        await t.cleanup()
      }
    })

    it('adds the columns, indexes, keys and tables of a grown schema', async () => {
      const t = await make()
      const before = t.open()
      try {
        await before.migrate()
        await before.create('User', {
          id: ID(1),
          username: 'old',
          email: 'old@example.com',
          role: 'user',
          createdAt: TS,
          updatedAt: TS,
        })
      } finally {
        await before.close()
      }
      const grown = grownSchema()
      const a = t.open(grown)
      try {
        const changes = await a.migrate()
        const expected = [
          'add column users.nickname',
          'add column users.score',
          'add column users.mentor_id',
          'create table dbal_tags',
          'create index users_nickname_key',
          'create index dbal_tags_label_key',
        ]
        if (name === 'postgres') expected.push('add foreign key users_mentor_id_fkey')
        assert.deepEqual([...changes].sort(), expected.sort())
        assert.deepEqual(await a.migrate(), [])
        assert.deepEqual(await a.read('User', ID(1)), {
          id: ID(1),
          username: 'old',
          email: 'old@example.com',
          role: 'user',
          createdAt: TS,
          updatedAt: TS,
          nickname: null,
          score: 7,
          mentorId: null,
        })
        const fresh = {
          id: ID(2),
          username: 'new',
          email: 'new@example.com',
          role: 'user',
          createdAt: TS,
          updatedAt: TS,
          nickname: 'nick',
          score: 1,
          mentorId: ID(1),
        }
        assert.deepEqual(await a.create('User', fresh), fresh)
        await rejects(
          a.create('User', { ...fresh, id: ID(3), username: 'n3', email: 'n3@example.com' }),
          'CONFLICT',
        )
        const dangling = await rejects(
          a.create('User', {
            ...fresh,
            id: ID(4),
            username: 'n4',
            email: 'n4@example.com',
            nickname: null,
            mentorId: ID(9),
          }),
          'VALIDATION_ERROR',
        )
        assert.deepEqual(dangling.details?.fields, [
          { field: 'mentorId', error: 'references a missing User' },
        ])
        assert.ok(await a.create('Tag', { id: ID(5), label: 'x' }))
      } finally {
        await a.close()
        await t.cleanup()
      }
    })
  })
}
