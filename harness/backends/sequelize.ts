/**
 * The Sequelize adapter on its three dialects: PostgreSQL and MariaDB each get a database of their own
 * per run (migrated once, emptied between cases, dropped at the end); SQLite runs in memory.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DialectName, SequelizeAdapter } from '../../adapters/sequelize/index.ts'
import type { Backend, Provision } from '../backend.ts'
import { provisionMariadb } from '../provision/mariadb.ts'
import { provisionPostgres } from '../provision/postgres.ts'
import { redactUrl } from '../provision/redact.ts'

export interface ScratchDatabase {
  readonly url: string
  readonly source: string
  drop(): Promise<void>
}

/**
 * An empty database for `dialect`: on the PostgreSQL or MariaDB server found (see provision/), or a
 * SQLite file in a temporary folder; `drop` removes it. Also used by the tests.
 */
export async function scratchDatabase(
  dialect: DialectName,
  runId: string,
  suffix: string,
): Promise<ScratchDatabase | { notRun: string }> {
  if (dialect === 'postgres') return provisionPostgres(runId, suffix)
  if (dialect === 'mariadb') return provisionMariadb(runId, suffix)
  const dir = mkdtempSync(join(tmpdir(), `dbal-${suffix}-`))
  return {
    url: `sqlite:${join(dir, 'dbal.db')}`,
    source: 'temporary file',
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  }
}

// Imported when a sequelize backend runs: `dbal test --backends sqlite` never loads sequelize.
const sequelize = () => import('../../adapters/sequelize/index.ts')

/** An adapter on `url`, migrated; closed (and the database dropped) if migrating fails. */
async function open(
  dialect: DialectName,
  url: string,
  drop?: () => Promise<void>,
): Promise<SequelizeAdapter> {
  const { createSequelizeAdapter, migrateSequelize } = await sequelize()
  const adapter = createSequelizeAdapter({ dialect, url })
  try {
    await migrateSequelize(adapter)
    return adapter
  } catch (e) {
    await adapter.close()
    await drop?.()
    throw e
  }
}

async function provision(dialect: DialectName, db: ScratchDatabase | { notRun: string }): Promise<Provision> {
  if ('notRun' in db) return db
  let adapter = await open(dialect, db.url, () => db.drop())
  return {
    where: `${dialect === 'sqlite' ? db.url : redactUrl(db.url)} (${db.source})`,
    async fresh() {
      // A case may have closed its adapter: the next one gets a new connection (and, in memory, tables).
      if (adapter.db.closed) adapter = await open(dialect, db.url)
      await (await sequelize()).emptySequelize(adapter)
      return adapter
    },
    async cleanup() {
      await adapter.close()
      await db.drop()
    },
  }
}

function backend(
  dialect: DialectName,
  kind: Backend['kind'],
  description: string,
  database: (runId: string) => Promise<ScratchDatabase | { notRun: string }>,
  env?: string[],
): Backend {
  return {
    name: `sequelize-${dialect}`,
    kind,
    description,
    ...(env ? { env } : {}),
    provision: async (runId) => provision(dialect, await database(runId)),
    /** `url`: postgres://user@host:port/db, mariadb://user:password@host:port/db, sqlite:/path/file.db */
    async migrate(url) {
      const { createSequelizeAdapter, migrateSequelize } = await sequelize()
      // No statement timeout: adding an index to a big table may take longer than any query should.
      const adapter = createSequelizeAdapter({ dialect, url, poolMax: 1, statementTimeoutMs: 0 })
      try {
        return await migrateSequelize(adapter)
      } finally {
        await adapter.close()
      }
    },
  }
}

const inMemory = async (): Promise<ScratchDatabase> => ({
  url: 'sqlite::memory:',
  source: 'in memory',
  drop: async () => {},
})

export const sequelizePostgresBackend = backend(
  'postgres',
  'server',
  'Sequelize 6 on PostgreSQL (pg); a database per run, emptied between cases',
  (id) => scratchDatabase('postgres', id, 'seqpg'),
  ['DBAL_POSTGRES_URL'],
)
export const sequelizeMariadbBackend = backend(
  'mariadb',
  'server',
  'Sequelize 6 on MariaDB (mariadb); a database per run, emptied between cases',
  (id) => scratchDatabase('mariadb', id, 'seqmaria'),
  ['DBAL_MARIADB_URL'],
)
export const sequelizeSqliteBackend = backend(
  'sqlite',
  'embedded',
  'Sequelize 6 on SQLite (sqlite3), in memory',
  inMemory,
)
