/**
 * Where an adapter's statements go and how several of them are made atomic: outside a transaction on the
 * driver, BEGIN ... COMMIT on a leased connection; inside one, SAVEPOINTs on the transaction's connection.
 * Operations on one transaction run one at a time (its lock), so each savepoint closes before the next
 * opens.
 */
import { DBALError } from '../../core/errors.ts'
import type { Conn, Driver, Lease } from './driver.ts'
import { Mutex } from './mutex.ts'

/** One open transaction, shared by its nested scopes. */
interface Tx {
  readonly conn: Lease
  readonly lock: Mutex
  savepoints: number
}

export class Scope {
  private open = true

  private constructor(
    private readonly driver: Driver,
    /** Maps an error of BEGIN, COMMIT or SAVEPOINT itself. */
    private readonly mapError: (e: unknown) => unknown,
    private readonly beginSql: string,
    private readonly tx?: Tx,
  ) {}

  static root(driver: Driver, mapError: (e: unknown) => unknown, beginSql: string): Scope {
    return new Scope(driver, mapError, beginSql)
  }

  get conn(): Conn {
    return this.tx ? this.tx.conn : this.driver
  }

  get inTransaction(): boolean {
    return this.tx !== undefined
  }

  /** Runs one operation: alone on its transaction, and never on one that has finished. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.tx) return fn()
    if (!this.open)
      return Promise.reject(
        new DBALError('INTERNAL_ERROR', { problem: 'the transaction has already finished' }),
      )
    return this.tx.lock.run(fn)
  }

  private async control(conn: Conn, sql: string): Promise<void> {
    try {
      await conn.run(sql, [])
    } catch (e) {
      throw this.mapError(e)
    }
  }

  private async quietly(conn: Conn, sql: string): Promise<boolean> {
    return conn.run(sql, []).then(
      () => true,
      () => false,
    )
  }

  /** Several statements as one: a savepoint inside a transaction, else a transaction of their own. */
  atomic<T>(fn: (c: Conn) => Promise<T>): Promise<T> {
    return this.tx ? this.savepoint(this.tx, fn) : this.begin(fn)
  }

  /** One statement: where a failure would poison the transaction, it gets a savepoint. */
  single<T>(abortsTransaction: boolean, fn: (c: Conn) => Promise<T>): Promise<T> {
    return this.tx && abortsTransaction ? this.savepoint(this.tx, fn) : fn(this.conn)
  }

  private async savepoint<T>(tx: Tx, fn: (c: Conn) => Promise<T>): Promise<T> {
    const name = `dbal_sp_${++tx.savepoints}`
    await this.control(tx.conn, `SAVEPOINT ${name}`)
    let result: T
    try {
      result = await fn(tx.conn)
    } catch (e) {
      await this.quietly(tx.conn, `ROLLBACK TO SAVEPOINT ${name}`)
      await this.quietly(tx.conn, `RELEASE SAVEPOINT ${name}`)
      throw e
    }
    await this.control(tx.conn, `RELEASE SAVEPOINT ${name}`)
    return result
  }

  private async begin<T>(fn: (c: Lease) => Promise<T>): Promise<T> {
    let lease: Lease
    try {
      lease = await this.driver.lease()
    } catch (e) {
      throw this.mapError(e)
    }
    let broken = true
    try {
      await this.control(lease, this.beginSql)
      broken = false
      const fail = async (e: unknown): Promise<never> => {
        broken = !(await this.quietly(lease, 'ROLLBACK'))
        throw e
      }
      const result = await fn(lease).catch(fail)
      await this.control(lease, 'COMMIT').catch(fail)
      return result
    } finally {
      lease.release(broken)
    }
  }

  /** Runs `fn` in a transaction (a savepoint when nested) with a scope of its own. */
  async transaction<T>(fn: (inner: Scope) => Promise<T>): Promise<T> {
    const run = async (tx: Tx) => {
      const inner = new Scope(this.driver, this.mapError, this.beginSql, tx)
      try {
        return await fn(inner)
      } finally {
        inner.open = false
      }
    }
    if (!this.tx) return this.begin((lease) => run({ conn: lease, lock: new Mutex(), savepoints: 0 }))
    const tx = this.tx
    // The savepoint's own statements take the lock; the body does not, so it may use the outer scope too.
    const name = `dbal_sp_${++tx.savepoints}`
    await this.exclusive(() => this.control(tx.conn, `SAVEPOINT ${name}`))
    try {
      const result = await run(tx)
      await this.exclusive(() => this.control(tx.conn, `RELEASE SAVEPOINT ${name}`))
      return result
    } catch (e) {
      await tx.lock.run(async () => {
        await this.quietly(tx.conn, `ROLLBACK TO SAVEPOINT ${name}`)
        await this.quietly(tx.conn, `RELEASE SAVEPOINT ${name}`)
      })
      throw e
    }
  }
}
