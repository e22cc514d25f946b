/**
 * The adapter seam over SQL, shared by SQLite, PostgreSQL and PGlite: each of those is a dialect, a
 * driver, an errors.ts and a list of capabilities handed to this class. Writes that fail on a constraint
 * are explained (explain.ts) after their statement was rolled back, so the error is the reference's.
 */
import { capabilitySet, type Adapter, type Capabilities, type ManagedAdapter } from '../../core/adapter.ts'
import { explain, type Fault, type Write } from '../../core/constraints.ts'
import { DBALError } from '../../core/errors.ts'
import type { Cond, ListQuery } from '../../core/query.ts'
import { schema as projectSchema, type Entity, type Schema } from '../../core/schema.ts'
import type { CapabilityName } from '../../core/types.generated.ts'
import type { Row } from '../../core/validate.ts'
import { cascadesOntoItself } from './ddl.ts'
import { quote, type Dialect } from './dialect.ts'
import type { Conn, Driver, SqlRow } from './driver.ts'
import { sqlLookup } from './explain.ts'
import { migrate, type Catalog, type LiveSchema } from './migrate.ts'
import { Scope } from './scope.ts'
import { EntitySql, INSERT_BATCH, TOTAL } from './statements.ts'

/** What every backend of the shared SQL code does; each adds what its deployment has (a pool). */
export const SQL_CAPABILITIES: readonly CapabilityName[] = [
  'transactions',
  'nestedTransactions',
  'jsonQueries',
  'aggregations',
  'relations',
  'migrations',
  'schemaIntrospection',
]

export interface SqlAdapterOptions {
  readonly name: string
  readonly dialect: Dialect
  readonly driver: Driver
  /** The adapter's errors.ts: a native error (during an operation on `e`) → what it means. */
  readonly classify: (err: unknown, e?: Entity) => Fault
  readonly capabilities: readonly CapabilityName[]
  /** How migrate reads the live schema and what else the dialect needs created. */
  readonly catalog: Catalog
  /** Defaults to the project's schema/. */
  readonly schema?: Schema
}

/** What an adapter and the adapters of its transactions share. */
interface Shared {
  readonly o: SqlAdapterOptions
  readonly schema: Schema
  readonly sql: Map<string, EntitySql>
}

/** Ids are canonical lowercase UUIDs; anything else cannot exist (and must not reach a uuid column). */
const CANONICAL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export class SqlAdapter implements ManagedAdapter {
  readonly name: string
  private readonly shared: Shared
  private readonly scope: Scope

  constructor(options: SqlAdapterOptions, inner?: { shared: Shared; scope: Scope }) {
    this.name = options.name
    this.shared = inner?.shared ?? { o: options, schema: options.schema ?? projectSchema, sql: new Map() }
    this.scope = inner?.scope ?? Scope.root(options.driver, (e) => this.mapError(e), options.dialect.begin)
  }

  private get o(): SqlAdapterOptions {
    return this.shared.o
  }

  private sql(entity: string): EntitySql {
    let s = this.shared.sql.get(entity)
    if (!s) {
      const e = this.shared.schema.entity.get(entity)
      if (!e) throw new DBALError('INTERNAL_ERROR', { entity, problem: 'unknown entity' })
      const countFirst = this.o.dialect.deleteCountOmitsCascaded && cascadesOntoItself(e)
      this.shared.sql.set(entity, (s = new EntitySql(this.o.dialect, e, countFirst)))
    }
    return s
  }

  /** A native error outside a constraint (connection, timeout, ...) as a DBALError. */
  private mapError(err: unknown, e?: Entity): unknown {
    if (err instanceof DBALError) return err
    const f = this.o.classify(err, e)
    return f.kind === 'error'
      ? f.error
      : new DBALError('INTERNAL_ERROR', e ? { entity: e.name } : undefined, { cause: err })
  }

  private async explained(err: unknown, s: EntitySql, w: Write): Promise<unknown> {
    if (err instanceof DBALError) return err
    const lookup = sqlLookup(this.scope.conn, (e) => this.sql(e.name))
    return explain(this.shared.schema, lookup, s.e, this.o.classify(err, s.e), w)
  }

  /** Runs a read; native errors mapped. Promise chains, not async functions: this is the hot path. */
  private read$<T>(s: EntitySql, fn: () => Promise<T>): Promise<T> {
    return this.scope.exclusive(() =>
      fn().catch((e: unknown) => {
        throw this.mapError(e, s.e)
      }),
    )
  }

  /** Runs a write; a constraint failure is explained after the statement was rolled back. */
  private write$<T>(s: EntitySql, w: Write, fn: () => Promise<T>): Promise<T> {
    return this.scope.exclusive(async () => {
      try {
        return await fn()
      } catch (e) {
        throw await this.explained(e, s, w)
      }
    })
  }

  private single<T>(fn: (c: Conn) => Promise<T>): Promise<T> {
    return this.scope.single(this.o.dialect.statementAbortsTransaction, fn)
  }

  async capabilities(): Promise<Capabilities> {
    return capabilitySet(this.o.capabilities)
  }

  async create(entity: string, row: Row): Promise<Row> {
    const s = this.sql(entity)
    return this.write$(s, { kind: 'insert', rows: [row] }, async () => {
      return s.codec.decode((await this.single((c) => c.get(s.insert, s.codec.values(row))))!)
    })
  }

  read(entity: string, id: string): Promise<Row | null> {
    let s: EntitySql
    try {
      s = this.sql(entity)
    } catch (e) {
      return Promise.reject(e)
    }
    if (!CANONICAL_ID.test(id)) return Promise.resolve(null)
    // One promise from the driver's to the caller's: this read is benchmarked against raw better-sqlite3.
    const fail = (e: unknown) => {
      throw this.mapError(e, s.e)
    }
    return this.scope.exclusive(() =>
      this.scope.conn.get(s.byId, [id]).then((row) => (row ? s.codec.decode(row) : null), fail),
    )
  }

  async update(entity: string, id: string, patch: Row): Promise<Row | null> {
    const s = this.sql(entity)
    if (!CANONICAL_ID.test(id)) return null
    const keys = Object.keys(patch)
    if (keys.length === 0) return this.read(entity, id)
    const filter: Cond = { kind: 'cmp', field: s.e.primary.name, op: 'eq', value: id }
    return this.write$(s, { kind: 'patch', filter, patch }, async () => {
      const row = await this.single((c) => c.get(s.update(keys), [...s.patchValues(keys, patch), id]))
      return row ? s.codec.decode(row) : null
    })
  }

  async delete(entity: string, id: string): Promise<boolean> {
    const s = this.sql(entity)
    if (!CANONICAL_ID.test(id)) return false
    const filter: Cond = { kind: 'cmp', field: s.e.primary.name, op: 'eq', value: id }
    return this.write$(
      s,
      { kind: 'delete', filter },
      async () => (await this.single((c) => c.run(s.deleteById, [id]))) > 0,
    )
  }

  async list(entity: string, q: ListQuery): Promise<{ data: Row[]; total: number }> {
    const s = this.sql(entity)
    return this.read$(s, async () => {
      const st = s.list(q)
      const rows = await this.scope.conn.all(st.sql, st.params)
      if (rows.length === 0) return { data: [], total: q.offset === 0 ? 0 : await this.countIn(s, q.filter) }
      const total = Number(rows[0]![TOTAL])
      const data = rows.map((r: SqlRow) => {
        delete r[TOTAL]
        return s.codec.decode(r)
      })
      return { data, total }
    })
  }

  private async countIn(s: EntitySql, filter: Cond): Promise<number> {
    const st = s.count(filter)
    return Number((await this.scope.conn.get(st.sql, st.params))?.n ?? 0)
  }

  async count(entity: string, filter: Cond): Promise<number> {
    const s = this.sql(entity)
    return this.read$(s, () => this.countIn(s, filter))
  }

  async createMany(entity: string, rows: Row[]): Promise<number> {
    const s = this.sql(entity)
    if (rows.length === 0) return 0
    let done = 0
    let n = 0
    // The replay needs only the rows up to the failed statement's: it finds the first that cannot be.
    // One statement is atomic by itself: a transaction (BEGIN, COMMIT: two more round trips) only for several.
    const atomic = <T>(fn: (c: Conn) => Promise<T>) =>
      rows.length <= INSERT_BATCH ? this.single(fn) : this.scope.atomic(fn)
    return this.scope.exclusive(async () => {
      try {
        await atomic(async (c) => {
          for (; done < rows.length; done += n) {
            n = Math.min(INSERT_BATCH, rows.length - done)
            const batch = rows.slice(done, done + n)
            await c.run(
              s.insertRows(n),
              batch.flatMap((r) => s.codec.values(r)),
            )
          }
        })
        return rows.length
      } catch (e) {
        throw await this.explained(e, s, { kind: 'insert', rows: rows.slice(0, done + n) })
      }
    })
  }

  async updateMany(entity: string, filter: Cond, patch: Row): Promise<number> {
    const s = this.sql(entity)
    if (Object.keys(patch).length === 0) return this.count(entity, filter)
    return this.write$(s, { kind: 'patch', filter, patch }, () => {
      const st = s.updateWhere(filter, patch)
      return this.single((c) => c.run(st.sql, st.params))
    })
  }

  /** The rows that matched and are gone, also those a cascade of the same table removed first. */
  async deleteMany(entity: string, filter: Cond): Promise<number> {
    const s = this.sql(entity)
    return this.write$(s, { kind: 'delete', filter }, () => {
      const st = s.deleteWhere(filter)
      if (!s.countBeforeDelete) return this.single((c) => c.run(st.sql, st.params))
      const n = s.count(filter)
      // One transaction (or savepoint), so that nothing changes the matches between the two statements.
      return this.scope.atomic(async (c) => {
        const matched = Number((await c.get(n.sql, n.params))?.n ?? 0)
        await c.run(st.sql, st.params)
        return matched
      })
    })
  }

  transaction<T>(fn: (tx: Adapter) => Promise<T>): Promise<T> {
    return this.scope.transaction((inner) =>
      fn(new SqlAdapter(this.o, { shared: this.shared, scope: inner })),
    )
  }

  /** Creates what is missing of the schema (or of `target`); returns the changes, empty when none. */
  migrate(target: Schema = this.shared.schema): Promise<string[]> {
    return this.scope
      .atomic((c) => migrate(this.o.dialect, this.o.catalog, c, target))
      .catch((e: unknown) => {
        throw this.mapError(e)
      })
  }

  /**
   * Empties every table of the schema, internal ones included (a clean database between cases). DELETE
   * in deletion order rather than TRUNCATE: on small tables it is ~100 times faster on PostgreSQL.
   */
  reset(): Promise<void> {
    const sqls = this.shared.schema.deletionOrder.map((e) => `DELETE FROM ${quote(e.table)}`)
    return this.scope
      .atomic(async (c) => {
        for (const sql of sqls) await c.run(sql, [])
      })
      .catch((e: unknown) => {
        throw this.mapError(e)
      })
  }

  /** The live schema: tables with their columns, index and constraint names. */
  introspect(): Promise<LiveSchema> {
    return this.o.catalog.read(this.scope.conn).catch((e: unknown) => {
      throw this.mapError(e)
    })
  }

  async close(): Promise<void> {
    if (!this.scope.inTransaction) await this.o.driver.close()
  }
}
