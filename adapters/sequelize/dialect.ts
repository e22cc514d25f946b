/**
 * What differs between the three Sequelize dialects, in one place: storage types, how text is folded
 * for case-insensitive matching, sort syntax, and the capabilities each one really has.
 */
import type { CapabilityName } from '../../core/types.generated.ts'
import type { Field } from '../../core/schema.ts'

export const DIALECTS = ['postgres', 'mariadb', 'sqlite'] as const
export type DialectName = (typeof DIALECTS)[number]

export interface DialectSpec {
  readonly name: DialectName
  readonly capabilities: readonly CapabilityName[]
  /**
   * `function`: an SQL function `dbal_fold()` created by migrate folds at query time.
   * `shadow`: the adapter stores the folded text in a hidden column (sqlite3 has no user functions).
   */
  readonly fold: 'function' | 'shadow'
  /** A failed statement aborts the whole transaction (PostgreSQL), so writes inside one need a savepoint. */
  readonly statementAbortsTransaction: boolean
  /** One connection for everything (SQLite in memory): operations must be serialized by the adapter. */
  readonly singleConnection: boolean
  /** Constraint errors do not tell what the reference reports: the adapter asks the database (diagnose.ts). */
  readonly diagnose: boolean
  /** Cascades stop at a depth (InnoDB: 15): a tree is deleted leaves first by the adapter (cascade.ts). */
  readonly shallowCascades: boolean
  /** ORDER BY direction with the contract's null placement (first ascending, last descending). */
  readonly direction: { readonly asc: string; readonly desc: string }
  columnType(f: Field): string
}

const INT32 = 2 ** 31

/** InnoDB's key length limit; a longer unique key uses a hash, a longer plain index column prefixes. */
export const MARIADB_MAX_KEY_BYTES = 3072

/** Bytes a column takes in an InnoDB key (utf8mb4: 4 per character). */
export function mariadbKeyBytes(f: Field): number {
  if (
    f.type === 'string' ||
    f.type === 'email' ||
    f.type === 'enum' ||
    f.type === 'text' ||
    f.type === 'json'
  )
    return f.type !== 'text' && f.type !== 'json' && f.maxLength ? 4 * f.maxLength : Infinity
  return f.type === 'uuid' ? 36 : 8
}
/** Prefix length of a long column in a non-unique MariaDB index (only speed depends on it). */
export const MARIADB_INDEX_PREFIX = 255

/**
 * MariaDB's `max_sort_length` in every session: the bytes of each sort key that ORDER BY compares (the
 * server's default is 1024). It holds the longest bounded column whole (4 bytes × 1024 characters);
 * a longer value gets settings of its own (sort.ts). Small enough that a sort on the 8 keys a query may
 * name fits the default 2 MiB sort buffer.
 */
export const MARIADB_SORT_BYTES = 4096

const isInt32 = (f: Field) => (f.min ?? -Infinity) >= -INT32 && (f.max ?? Infinity) < INT32

/** Column types of one dialect; `varchar` is for bounded text, `text` for the rest. */
interface ColumnTypes {
  readonly uuid: string
  readonly varchar: (n: number) => string
  readonly text: string
  readonly int: string
  readonly bigint: string
  readonly boolean: string
  readonly datetime: string
  readonly json: string
}

// nopad_bin: compares code points and, unlike utf8mb4_bin (PAD SPACE), does not ignore trailing spaces.
const MARIADB_TEXT = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin'

const TYPES: Readonly<Record<DialectName, ColumnTypes>> = {
  // "C": byte order of UTF-8 is code point order, whatever the database's locale.
  postgres: {
    uuid: 'UUID',
    varchar: (n) => `VARCHAR(${n}) COLLATE "C"`,
    text: 'TEXT COLLATE "C"',
    int: 'INTEGER',
    bigint: 'BIGINT',
    boolean: 'BOOLEAN',
    datetime: 'TIMESTAMP(3) WITH TIME ZONE',
    json: 'JSONB',
  },
  mariadb: {
    uuid: 'CHAR(36) CHARACTER SET ascii COLLATE ascii_bin',
    varchar: (n) => `VARCHAR(${n}) ${MARIADB_TEXT}`,
    text: `LONGTEXT ${MARIADB_TEXT}`,
    int: 'INT',
    bigint: 'BIGINT',
    boolean: 'TINYINT(1)',
    datetime: 'DATETIME(3)',
    json: `LONGTEXT ${MARIADB_TEXT}`,
  },
  // Datetimes as canonical ISO text: fixed width, so text order is time order.
  sqlite: {
    uuid: 'TEXT',
    varchar: () => 'TEXT',
    text: 'TEXT',
    int: 'INTEGER',
    bigint: 'INTEGER',
    boolean: 'INTEGER',
    datetime: 'TEXT',
    json: 'TEXT',
  },
}

function columnType(d: DialectName, f: Field): string {
  const t = TYPES[d]
  switch (f.type) {
    case 'string':
    case 'email':
    case 'enum':
      return f.maxLength ? t.varchar(f.maxLength) : t.text
    case 'text':
      return t.text
    case 'integer':
      return isInt32(f) ? t.int : t.bigint
    default:
      return t[f.type]
  }
}

const COMMON: CapabilityName[] = [
  'transactions',
  'nestedTransactions',
  'jsonQueries',
  'aggregations',
  'relations',
  'migrations',
]

/** A dialect's spec: what the three share, with its own differences on top. */
const spec = (name: DialectName, own: Partial<DialectSpec>): DialectSpec => ({
  name,
  capabilities: COMMON,
  fold: 'function',
  statementAbortsTransaction: false,
  singleConnection: false,
  diagnose: false,
  shallowCascades: false,
  // NULL is the smallest value in MariaDB and SQLite, which is already the contract's placement.
  direction: { asc: 'ASC', desc: 'DESC' },
  columnType: (f) => columnType(name, f),
  ...own,
})

export const SPECS: Readonly<Record<DialectName, DialectSpec>> = {
  postgres: spec('postgres', {
    capabilities: [...COMMON, 'connectionPooling'],
    statementAbortsTransaction: true,
    direction: { asc: 'ASC NULLS FIRST', desc: 'DESC NULLS LAST' },
  }),
  mariadb: spec('mariadb', { capabilities: [...COMMON, 'connectionPooling'], shallowCascades: true }),
  sqlite: spec('sqlite', { fold: 'shadow', singleConnection: true, diagnose: true }),
}

/** Fields that case-insensitive operators can reach: text, and JSON objects (through dot paths). */
export const foldable = (f: Field): boolean =>
  !f.secret &&
  (f.type === 'string' ||
    f.type === 'text' ||
    f.type === 'email' ||
    f.type === 'enum' ||
    (f.type === 'json' && f.jsonType === 'object'))

/** The shadow column of a foldable field (sqlite), and its attribute name on the model. */
export const shadowColumn = (f: Field): string => `${f.column}__fold`
export const shadowAttribute = (f: Field): string => `${f.name}__fold`
