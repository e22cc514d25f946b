/**
 * A Sequelize instance from a URL, configured so that values come back untouched (codec.ts converts):
 * UTC sessions, MariaDB datetimes as text, matched (not changed) row counts, a statement timeout. Or
 * the application's own instance (the Kysely way), checked for the settings the adapter relies on.
 */
import { Sequelize, type Options } from 'sequelize'
import { ConfigError } from '../../core/config-error.ts'
import { requirePeer } from '../peer.ts'
import { MARIADB_SORT_BYTES, type DialectName } from './dialect.ts'

export interface ConnectOptions {
  readonly dialect: DialectName
  /**
   * postgres://user:pw@host:port/db, mariadb://user:pw@host:port/db, sqlite::memory: or sqlite:/path/file.db.
   * Exactly one of `url` and `sequelize`.
   */
  readonly url?: string
  /**
   * A ready Sequelize instance of `dialect` instead of a URL; the timeouts and pool size below are then
   * its own. It must have what connect() sets: `timezone: '+00:00'` (postgres, mariadb) and, for
   * mariadb, `dialectOptions.foundRows` (UPDATE counts matched rows) and a `typeCast` returning
   * DATETIME as text (mariadbTypeCast); connect() refuses one without. As with every adapter given
   * a driver instance, its owner closes it: the adapter's close() leaves it open unless
   * `closeSequelize: true`.
   */
  readonly sequelize?: Sequelize
  /** With `sequelize`: close that instance when the adapter closes (default false). */
  readonly closeSequelize?: boolean
  /** Statement timeout in milliseconds (PostgreSQL, MariaDB); default 30 000; 0: none. */
  readonly statementTimeoutMs?: number
  /** Connection timeout in milliseconds; default 10 000. */
  readonly connectTimeoutMs?: number
  /** Pool size (PostgreSQL, MariaDB); default 5. */
  readonly poolMax?: number
}

const PROTOCOLS: Record<DialectName, readonly string[]> = {
  postgres: ['postgres:', 'postgresql:'],
  mariadb: ['mariadb:', 'mysql:'],
  sqlite: ['sqlite:'],
}

/** The file of a sqlite URL: `sqlite::memory:`, `sqlite:relative.db`, `sqlite:/abs.db`, `sqlite:///abs.db`. */
export function sqliteStorage(url: string): string {
  const rest = url.slice('sqlite:'.length)
  if (rest === '' || rest === ':memory:' || rest === '//:memory:') return ':memory:'
  return rest.startsWith('//') ? decodeURIComponent(rest.slice(2)) : decodeURIComponent(rest)
}

function server(url: string): Pick<Options, 'host' | 'port' | 'username' | 'password' | 'database'> {
  const u = new URL(url)
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : undefined,
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.replace(/^\//, '')),
  }
}

/** mariadb: DATETIME as its text (codec reads it as UTC); everything else as Sequelize would. For a
 * Sequelize instance of the application's own: `dialectOptions: { typeCast: mariadbTypeCast }`. */
export function mariadbTypeCast(
  field: { type: string; string(): string | null },
  next: () => unknown,
): unknown {
  return field.type === 'DATETIME' ? field.string() : next()
}

/** Each dialect's driver: an optional peer dependency, loaded here and handed over, so a missing one is named. */
const DRIVERS: Record<DialectName, string> = { postgres: 'pg', mariadb: 'mariadb', sqlite: 'sqlite3' }

/** A given instance, if it is of the dialect and has the settings the codec relies on. */
function given(s: Sequelize, dialect: DialectName): Sequelize {
  const refuse = (problem: string) => new ConfigError('sequelize', '', problem)
  if (s.getDialect() !== dialect) throw refuse(`a ${dialect} instance is needed, not ${s.getDialect()}`)
  if (dialect === 'sqlite') return s
  // Sequelize's typings leave out the options it keeps on the instance.
  const options = (s as unknown as { options: Options }).options
  if (options.timezone !== '+00:00') throw refuse("the instance needs timezone: '+00:00'")
  const d = (options.dialectOptions ?? {}) as { foundRows?: unknown; typeCast?: unknown }
  if (dialect === 'mariadb' && (d.foundRows !== true || typeof d.typeCast !== 'function'))
    throw refuse('a mariadb instance needs dialectOptions foundRows: true and a typeCast for DATETIME')
  return s
}

export function connect(o: ConnectOptions): Sequelize {
  if ((o.url === undefined) === (o.sequelize === undefined))
    throw new ConfigError('options', '', 'give exactly one of url and sequelize')
  if (o.sequelize) return given(o.sequelize, o.dialect)
  const url = o.url!
  const protocol = url.slice(0, url.indexOf(':') + 1).toLowerCase()
  if (!PROTOCOLS[o.dialect].includes(protocol))
    throw new ConfigError('url', '', `a ${o.dialect} URL starts with ${PROTOCOLS[o.dialect].join(' or ')}`)
  const timeout = o.statementTimeoutMs ?? 30_000
  const connectTimeout = o.connectTimeoutMs ?? 10_000
  const common: Options = {
    dialectModule: requirePeer<object>(`@metabuilder/dbal/sequelize (${o.dialect})`, DRIVERS[o.dialect]),
    logging: false,
    timezone: '+00:00',
    pool: { max: o.poolMax ?? 5, min: 0, acquire: connectTimeout + 5_000, idle: 10_000 },
  }
  switch (o.dialect) {
    case 'postgres':
      return new Sequelize({
        ...common,
        dialect: 'postgres',
        ...server(url),
        // Sequelize escapes values for standard strings (backslash is literal): make sure the session agrees.
        dialectOptions: {
          statement_timeout: timeout,
          connectionTimeoutMillis: connectTimeout,
          application_name: 'dbal-sequelize',
          options: '-c standard_conforming_strings=on',
        },
      })
    case 'mariadb':
      return new Sequelize({
        ...common,
        dialect: 'mariadb',
        ...server(url),
        // foundRows: UPDATE reports the rows matched, not only those whose values changed.
        dialectOptions: {
          foundRows: true,
          connectTimeout,
          typeCast: mariadbTypeCast,
          bigIntAsNumber: true,
          charset: 'utf8mb4',
          // Sequelize escapes with backslashes, which NO_BACKSLASH_ESCAPES would turn into literal text.
          // max_sort_length: how much of a sort key ORDER BY compares, whatever the server's default (sort.ts).
          initSql: [
            `SET SESSION max_statement_time = ${timeout / 1000}`,
            "SET SESSION sql_mode = REPLACE(@@sql_mode, 'NO_BACKSLASH_ESCAPES', '')",
            `SET SESSION max_sort_length = ${MARIADB_SORT_BYTES}`,
          ],
        },
      })
    case 'sqlite':
      return new Sequelize({
        ...common,
        dialect: 'sqlite',
        storage: sqliteStorage(url),
        pool: { max: 1, min: 0, idle: Infinity },
      })
  }
}
