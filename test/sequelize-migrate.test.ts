/**
 * `dbal migrate` on the Sequelize backends: the first run creates everything and says so, a second run
 * (also from a new connection) changes nothing, and a database missing pieces (a column, an index, a
 * foreign key, the fold function) gets exactly those back, with existing rows kept and filled in.
 * Against the local PostgreSQL and MariaDB servers and a SQLite file: nothing is skipped.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { FOLD_FINGERPRINT } from '../adapters/sequelize/fold-sql.ts'
import {
  createSequelizeAdapter,
  migrateSequelize,
  type DialectName,
  type SequelizeAdapter,
} from '../adapters/sequelize/index.ts'
import { DBALClient } from '../core/client.ts'
import { DBALError } from '../core/errors.ts'
import { schema } from '../core/schema.ts'
import type { Backend } from '../harness/backend.ts'
import {
  scratchDatabase,
  sequelizeMariadbBackend,
  sequelizePostgresBackend,
  sequelizeSqliteBackend,
  type ScratchDatabase,
} from '../harness/backends/sequelize.ts'
import { FAST_SCRYPT } from './helpers.ts'
import { skipMariadb, skipPostgres } from './servers.ts'

const BACKEND: Record<DialectName, Backend> = {
  sqlite: sequelizeSqliteBackend,
  postgres: sequelizePostgresBackend,
  mariadb: sequelizeMariadbBackend,
}

async function database(dialect: DialectName): Promise<ScratchDatabase> {
  const db = await scratchDatabase(dialect, `t${process.pid}`, 'seqmig')
  if ('notRun' in db) assert.fail(db.notRun)
  return db
}

/** What an older database would lack, as statements, and what migrate must say it adds back. */
function takeAway(d: DialectName): { sql: string[]; added: string[] } {
  const q = (n: string) => (d === 'mariadb' ? `\`${n}\`` : `"${n}"`)
  const columns = ['title', 'description', 'is_active'].flatMap((c) =>
    d === 'sqlite' && c !== 'is_active' ? [c, `${c}__fold`] : [c],
  )
  const sql = [
    `DROP INDEX ${d === 'mariadb' ? `${q('page_views_is_active_idx')} ON ${q('page_views')}` : q('page_views_is_active_idx')}`,
    `DROP INDEX ${d === 'mariadb' ? `${q('users_role_idx')} ON ${q('users')}` : q('users_role_idx')}`,
    ...columns.map((c) => `ALTER TABLE ${q('page_views')} DROP COLUMN ${q(c)}`),
  ]
  const added = [
    ...columns.map(
      (c) => `add column page_views.${c}${c === 'title' ? ' (nullable: the table has rows)' : ''}`,
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
      let db: ScratchDatabase
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
        const first = await migrateSequelize(adapter)
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
        assert.deepEqual(await migrateSequelize(adapter), [])
        const other = createSequelizeAdapter({ dialect, url: db.url })
        try {
          assert.deepEqual(await migrateSequelize(other), [], 'a new connection sees the same schema')
        } finally {
          await other.close()
        }
        assert.deepEqual(await BACKEND[dialect].migrate!(db.url), [], 'the harness entry (dbal migrate) too')
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
        assert.deepEqual(
          sorted(await migrateSequelize(adapter)),
          sorted([
            ...(dialect === 'sqlite' ? [] : [`create function dbal_fold (${FOLD_FINGERPRINT})`]),
            ...added,
          ]),
        )
        assert.deepEqual(await migrateSequelize(adapter), [])
        const row = await client.pages.read(page.id)
        assert.deepEqual(
          [row.slug, row.title, row.description, row.isActive],
          ['kept', null, null, true],
          'the default fills the rows that were there',
        )
        await client.pages.update(page.id, { title: 'ÉLODIE', description: 'ΌΣΟΣ' })
        assert.equal(
          await client.pages.count({ description: { $contains: 'όσοσ' }, title: { $startsWith: 'élo' } }),
          1,
          'folding works again',
        )
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
      await migrateSequelize(adapter)
      const client = new DBALClient({ adapter, scrypt: FAST_SCRYPT })
      await client.packages.create({
        name: 'ΌΣΟΣ',
        version: '1.0.0',
        author: 'İsmail',
        manifest: { entry: 'MAIN.LUA' },
      })
      for (const c of ['name__fold', 'author__fold', 'manifest__fold'])
        await adapter.db.sequelize.query(`ALTER TABLE packages DROP COLUMN ${c}`)
      assert.deepEqual(sorted(await migrateSequelize(adapter)), [
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
