/**
 * The part of a PrismaClient the adapter calls, declared structurally so that nothing here imports a
 * generated client (which lives in .tmp/ and may not exist yet when the project type-checks). Any
 * client generated from prisma/*.prisma, or an application's own client over the same tables, is one.
 */

/** What a client and the client of an interactive transaction share. */
export interface PrismaQueryable {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>
}

export interface PrismaTransactionOptions {
  readonly maxWait?: number
  readonly timeout?: number
}

export interface PrismaClientLike extends PrismaQueryable {
  $transaction<R>(fn: (tx: PrismaQueryable) => Promise<R>, options?: PrismaTransactionOptions): Promise<R>
  $disconnect(): Promise<void>
}

/** The providers the adapter serves (Prisma's names; MariaDB is Prisma's `mysql`). */
export type PrismaProviderName = 'postgresql' | 'sqlite' | 'mysql'
