/**
 * `dbal migrate` on the Sequelize backends: the first run creates everything and says so, a second run
 * (also from a new connection) changes nothing, and a database missing pieces (an index, a foreign key,
 * the fold function) or behind a grown schema (fields added to schema/) gets exactly those, with
 * existing rows kept and filled in. Against the local PostgreSQL and MariaDB servers and a SQLite file:
 * nothing is skipped.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { registryEntry } from '../adapters/registry.ts'
import { FOLD_FINGERPRINT } from '../adapters/sequelize/fold-sql.ts'
import {
  createSequelizeAdapter,
  type DialectName,
  type SequelizeAdapter,
} from '../adapters/sequelize/index.ts'
import { DBALClient } from '../core/client.ts'
import { DBALError } from '../core/errors.ts'
import type { Cond } from '../core/query.ts'
import { schema } from '../core/schema.ts'
import { FAST_SCRYPT } from './helpers.ts'
import { grownSchema } from './schema-copy.ts'
import { scratchDatabase, skipMariadb, skipPostgres, type TestDatabase } from './servers.ts'

async function database(dialect: DialectName): Promise<TestDatabase> {
  const db = await scratchDatabase(`sequelize-${dialect}`, `t${process.pid}`, 'seqmig')
  if ('notRun' in db) assert.fail(db.notRun)
  return db
}

/** PageView grown by a required string without a default, a text, and a required boolean with one. */
const GROWN = grownSchema(
  'page_view.yaml',
  '  subtitle: { type: string, required: true, max_length: 255 }\n' +
    '  summary: { type: text }\n' +
    '  is_featured: { type: boolean, required: true, default: true }\n',
)

/** What an older database would lack, as statements, and what migrate must say it adds back. */
function takeAway(d: DialectName): { sql: string[]; added: string[] } {
  const q = (n: string) => (d === 'mariadb' ? `\`${n}\`` : `"${n}"`)
  const columns = ['subtitle', 'summary', 'is_featured'].flatMap((c) =>
    d === 'sqlite' && c !== 'is_featured' ? [c, `${c}__fold`] : [c],
  )
  const sql = [
    `DROP INDEX ${d === 'mariadb' ? `${q('page_views_is_active_idx')} ON ${q('page_views')}` : q('page_views_is_active_idx')}`,
    `DROP INDEX ${d === 'mariadb' ? `${q('users_role_idx')} ON ${q('users')}` : q('users_role_idx')}`,
  ]
  const added = [
    ...columns.map(
      (c) => `add column page_views.${c}${c === 'subtitle' ? ' (nullable: the table has rows)' : ''}`,
    ),
    'create index page_views_is_active_idx',
    'create index users_role_idx',
  ]
  if (d === 'postgres')
    sql.push(
      'ALTER TABLE "workflows" DROP CONSTRAINT "workflows_created_by_fkey"',
      'DROP FUNCTION dbal_fold(text)',
    )
  if (d === 'mariadb')
    sql.push(
      'ALTER TABLE `workflows` DROP FOREIGN KEY `workflows_created_by_fkey`',
      'DROP FUNCTION dbal_fold',
    )
  if (d !== 'sqlite') added.push('add foreign key workflows_created_by_fkey')
  return { sql, added }
}

const sorted = (xs: string[]) => [...xs].sort()

for (const dialect of ['sqlite', 'postgres', 'mariadb'] as const) {
  describe(
    `sequelize-${dialect}: migrate`,
    { skip: dialect === 'postgres' ? skipPostgres : dialect === 'mariadb' && skipMariadb },
    () => {
      let db: TestDatabase
      let adapter: SequelizeAdapter
      before(async () => {
        db = await database(dialect)
        adapter = createSequelizeAdapter({ dialect, url: db.url })
      })
      after(async () => {
        await adapter?.close()
        await db?.drop()
      })

      it('creates every table, index and key, then finds nothing to do', async () => {
        const first = await adapter.migrate()
        for (const e of schema.entities)
          assert.ok(first.includes(`create table ${e.table}`), `${e.table} in ${first.join(', ')}`)
        for (const e of schema.entities)
          for (const i of [...e.uniques, ...e.indexes])
            assert.ok(
              first.some((c) => c.endsWith(`index ${i.name}`)),
              i.name,
            )
        assert.equal(
          first.some((c) => c.startsWith('create function dbal_fold')),
          dialect !== 'sqlite',
        )
        assert.equal(
          first.filter((c) => c.startsWith('add foreign key')).length,
          dialect === 'sqlite' ? 0 : schema.entities.flatMap((e) => e.foreignKeys).length,
        )
        assert.deepEqual(await adapter.migrate(), [])
        const other = createSequelizeAdapter({ dialect, url: db.url })
        try {
          assert.deepEqual(await other.migrate(), [], 'a new connection sees the same schema')
        } finally {
          await other.close()
        }
        const entry = await registryEntry(`sequelize-${dialect}`)!.open({ url: db.url })
        try {
          assert.deepEqual(await entry.migrate(), [], 'the registry entry (dbal migrate) too')
        } finally {
          await entry.close()
        }
      })

      it('adds back what an older database lacks, keeping and filling its rows', async () => {
        const client = new DBALClient({ adapter, scrypt: FAST_SCRYPT })
        const page = await client.pages.create({
          slug: 'kept',
          title: 'ÉLODIE',
          description: 'ΌΣΟΣ',
          level: 1,
          layout: {},
        })
        const { sql, added } = takeAway(dialect)
        for (const s of sql) await adapter.db.sequelize.query(s)
        const grown = createSequelizeAdapter({ dialect, url: db.url, schema: GROWN })
        try {
          assert.deepEqual(
            sorted(await grown.migrate()),
            sorted([
              ...(dialect === 'sqlite' ? [] : [`create function dbal_fold (${FOLD_FINGERPRINT})`]),
              ...added,
            ]),
          )
          assert.deepEqual(await grown.migrate(), [])
          assert.deepEqual(await adapter.migrate(), [], 'the old schema finds nothing missing either')
          const row = await grown.read('PageView', page.id)
          assert.deepEqual(
            [row?.slug, row?.title, row?.subtitle, row?.summary, row?.isFeatured],
            ['kept', 'ÉLODIE', null, null, true],
            'the default fills the rows that were there',
          )
          await grown.update('PageView', page.id, { subtitle: 'ÉLODIE', summary: 'ΌΣΟΣ' })
          const cmp = (field: string, op: 'contains' | 'startsWith', value: string): Cond => ({
            kind: 'cmp',
            field,
            op,
            value,
          })
          const both: Cond = {
            kind: 'and',
            items: [cmp('summary', 'contains', 'όσοσ'), cmp('subtitle', 'startsWith', 'élo')],
          }
          assert.equal(await grown.count('PageView', both), 1, 'the new columns fold')
        } finally {
          await grown.close()
        }
        const owner = await client.users.create({ username: 'owner', email: 'owner@example.com' })
        await assert.rejects(
          client.workflows.create({
            name: 'w',
            trigger: 'manual',
            triggerConfig: {},
            steps: {},
            createdBy: '00000000-0000-4000-8000-000000000404',
          }),
          (e: unknown) => DBALError.is(e, 'VALIDATION_ERROR'),
        )
        await client.workflows.create({
          name: 'w',
          trigger: 'manual',
          triggerConfig: {},
          steps: {},
          createdBy: owner.id,
        })
        await assert.rejects(
          client.users.delete(owner.id),
          (e: unknown) => DBALError.is(e, 'CONFLICT'),
          'the foreign key is back',
        )
      })
    },
  )
}

describe('sequelize-sqlite: a shadow column added to a table with rows is filled', () => {
  it('backfills the folded text', async () => {
    const { url, drop } = await database('sqlite')
    const adapter = createSequelizeAdapter({ dialect: 'sqlite', url })
    try {
      await adapter.migrate()
      const client = new DBALClient({ adapter, scrypt: FAST_SCRYPT })
      await client.packages.create({
        name: 'ΌΣΟΣ',
        version: '1.0.0',
        author: 'İsmail',
        manifest: { entry: 'MAIN.LUA' },
      })
      for (const c of ['name__fold', 'author__fold', 'manifest__fold'])
        await adapter.db.sequelize.query(`ALTER TABLE packages DROP COLUMN ${c}`)
      assert.deepEqual(sorted(await adapter.migrate()), [
        'add column packages.author__fold',
        'add column packages.manifest__fold',
        'add column packages.name__fold',
      ])
      assert.equal(
        await client.packages.count({
          name: { $contains: 'όσοσ' },
          author: { $startsWith: 'is' },
          'manifest.entry': { $endsWith: '.lua' },
        }),
        1,
      )
    } finally {
      await adapter.close()
      await drop()
    }
  })
})
