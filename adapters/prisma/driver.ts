/**
 * A Prisma client behind the shared SQL code's driver interface (adapters/sql/driver.ts): statements go
 * through `$queryRawUnsafe` / `$executeRawUnsafe` with bound parameters (never interpolated), and a
 * lease is an interactive `$transaction`. The shared Scope sends BEGIN, COMMIT and ROLLBACK as text;
 * here they start, commit and roll back Prisma's transaction instead (Prisma owns its connection's
 * transaction state), while SAVEPOINTs inside it go through as statements.
 */
import { DBALError } from '../../core/errors.ts'
import type { Driver, Lease, SqlRow } from '../sql/driver.ts'
import { Mutex } from '../sql/mutex.ts'
import type { PrismaClientLike, PrismaQueryable } from './client-like.ts'

/** The dialect's BEGIN as the Scope sends it: a marker, since Prisma's $transaction has begun already. */
export const PRISMA_BEGIN = '/* dbal: prisma $transaction */'

export interface PrismaDriverOptions {
  /** One connection (SQLite): statements from outside wait while a transaction holds it. */
  readonly singleConnection: boolean
  /** How long a transaction may wait for a connection (Prisma's maxWait). */
  readonly maxWaitMs?: number
  /** How long Prisma lets a transaction stay open before it rolls it back (Prisma's timeout). */
  readonly transactionTimeoutMs?: number
  /** Disconnect the client on close() (a client the adapter made), else leave it to its owner. */
  readonly disconnect: boolean
  /** A provider's last word on a query's text (MariaDB's sort settings: mariadb-sort.ts). */
  readonly rewrite?: (sql: string) => string
}

/** Prisma reads 64-bit integers as bigint; every integer the schema allows is a safe JS number. */
function normalize(rows: SqlRow[]): SqlRow[] {
  for (const r of rows)
    for (const k in r) {
      const v = r[k]
      if (typeof v === 'bigint') r[k] = Number(v)
    }
  return rows
}

type Reader = (q: PrismaQueryable, sql: string, params: readonly unknown[]) => Promise<SqlRow[]>

const reader =
  (rewrite: (sql: string) => string = (sql) => sql): Reader =>
  (q, sql, params) =>
    q.$queryRawUnsafe<SqlRow[]>(rewrite(sql), ...params).then(normalize)

/** Thrown inside the $transaction callback so that Prisma rolls back; never seen by a caller. */
const ROLLBACK = Symbol('rollback')

function lease(
  client: PrismaClientLike,
  o: PrismaDriverOptions,
  all: Reader,
  unlock: () => void,
): Promise<Lease> {
  return new Promise<Lease>((resolve, reject) => {
    let leased = false
    let end!: (commit: boolean) => void
    const ended = new Promise<boolean>((r) => (end = r))
    const done = client.$transaction(
      async (tx) => {
        leased = true
        resolve(txLease(tx))
        if (!(await ended)) throw ROLLBACK
      },
      { maxWait: o.maxWaitMs ?? 10_000, timeout: o.transactionTimeoutMs ?? 600_000 },
    )
    done.catch((e: unknown) => {
      if (!leased) {
        unlock()
        reject(e)
      }
    })
    const finish = (commit: boolean) => {
      end(commit)
      return done.then(
        () => 0,
        (e: unknown) => {
          if (e === ROLLBACK) return 0
          throw e
        },
      )
    }
    const txLease = (tx: PrismaQueryable): Lease => ({
      all: (sql, params) => all(tx, sql, params),
      get: (sql, params) => all(tx, sql, params).then((r) => r[0]),
      run(sql, params) {
        if (sql === PRISMA_BEGIN) return Promise.resolve(0)
        if (sql === 'COMMIT') return finish(true)
        if (sql === 'ROLLBACK') return finish(false)
        return tx.$executeRawUnsafe(sql, ...params)
      },
      release() {
        end(false)
        unlock()
      },
    })
  })
}

/** The driver, and the client itself for the reads that go through Prisma's query API (model-reads.ts). */
export interface PrismaDriver extends Driver {
  /** Runs `fn` on the client outside any transaction, after the one connection is free (SQLite). */
  outside<T>(fn: (client: PrismaClientLike) => Promise<T>): Promise<T>
}

export function prismaDriver(client: PrismaClientLike, o: PrismaDriverOptions): PrismaDriver {
  const lock = new Mutex()
  const all = reader(o.rewrite)
  let closed = false
  const live = () => {
    if (closed) throw new DBALError('DATABASE_ERROR', { reason: 'closed' })
    return client
  }
  // On one connection, a statement from outside would land inside an open transaction: it waits.
  const gate = <T>(fn: () => Promise<T>): Promise<T> =>
    o.singleConnection && lock.busy ? lock.run(fn) : fn()
  return {
    all: (sql, params) => gate(() => all(live(), sql, params)),
    get: (sql, params) => gate(() => all(live(), sql, params).then((r) => r[0])),
    run: (sql, params) => gate(() => live().$executeRawUnsafe(sql, ...params)),
    outside: (fn) => gate(() => fn(live())),
    async lease() {
      const unlock = o.singleConnection ? await lock.acquire() : () => undefined
      return lease(live(), o, all, unlock)
    },
    async close() {
      if (closed) return
      closed = true
      if (o.disconnect) await client.$disconnect()
    },
  }
}
