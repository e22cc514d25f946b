/**
 * The session settings every MariaDB connection of the Prisma backend needs (the pool's initSql; an
 * application passing its own client sets the same): ANSI_QUOTES because the shared SQL code quotes
 * identifiers with double quotes, UTC because DATETIME has no zone, strict mode so that a value that does
 * not fit fails instead of being cut, a sort length holding the longest bounded column whole
 * (sequelize/dialect.ts MARIADB_SORT_BYTES), and the statement timeout.
 */
import { MARIADB_SORT_BYTES } from '../sequelize/dialect.ts'

export const MARIADB_SESSION = (statementTimeoutMs: number): string[] => [
  `SET SESSION sql_mode = 'ANSI_QUOTES,STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'`,
  `SET SESSION time_zone = '+00:00'`,
  `SET SESSION max_sort_length = ${MARIADB_SORT_BYTES}`,
  `SET SESSION max_statement_time = ${statementTimeoutMs > 0 ? statementTimeoutMs / 1000 : 0}`,
]
