/**
 * What each Prisma provider borrows from the DBAL's native SQL backends: the dialect (placeholders,
 * column types, folded matching, JSON paths, null order), the catalog migrate reads, and whether the
 * database is one connection. Nothing about SQL is written twice for Prisma.
 */
import type { CapabilityName } from '../../core/types.generated.ts'
import { postgresCatalog } from '../postgres/catalog.ts'
import { postgresDialect } from '../postgres/dialect.ts'
import { SQL_CAPABILITIES } from '../sql/adapter.ts'
import type { Dialect } from '../sql/dialect.ts'
import type { Catalog } from '../sql/migrate.ts'
import { sqliteCatalog } from '../sqlite/catalog.ts'
import { sqliteDialect } from '../sqlite/dialect.ts'
import type { PrismaProviderName } from './client-like.ts'
import { mariadbCatalog } from './mariadb-catalog.ts'
import { mariadbDialect } from './mariadb-dialect.ts'
import { PRISMA_BEGIN } from './driver.ts'

export interface ProviderSpec {
  readonly dialect: Dialect
  readonly catalog: Catalog
  readonly singleConnection: boolean
  readonly capabilities: readonly CapabilityName[]
}

/** The dialect with BEGIN left to Prisma's $transaction (driver.ts). */
const underPrisma = (d: Dialect): Dialect => ({ ...d, begin: PRISMA_BEGIN })

export function providerSpec(p: PrismaProviderName): ProviderSpec {
  switch (p) {
    case 'postgresql':
      return {
        dialect: underPrisma(postgresDialect),
        catalog: postgresCatalog,
        singleConnection: false,
        capabilities: [...SQL_CAPABILITIES, 'connectionPooling'],
      }
    case 'sqlite':
      return {
        dialect: underPrisma(sqliteDialect),
        catalog: sqliteCatalog,
        singleConnection: true,
        capabilities: SQL_CAPABILITIES,
      }
    case 'mysql':
      return {
        dialect: mariadbDialect,
        catalog: mariadbCatalog,
        singleConnection: false,
        capabilities: [...SQL_CAPABILITIES, 'connectionPooling'],
      }
  }
}
