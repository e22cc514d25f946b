/**
 * MariaDB's error numbers (the server's errno, and the mariadb connector's own 45xxx) and what each
 * means (adapters/meaning.ts), written once for every MariaDB driver: Sequelize's mariadb dialect today,
 * a native or Prisma adapter later. No driver is imported.
 *
 * - 1062 (duplicate entry), 1022, 1169, 1586, 1859 (a key named or not) and 1761/1762 (an ON UPDATE
 *   CASCADE into a child's unique key) unique; 1451/1217 (a row still referenced) and 1452/1216 (no row
 *   referenced) reference.
 * - 1048 (column cannot be null), 1364 (no default) required; 1264 (out of range), 1406 (data too long),
 *   1366 (incorrect value for the column), 1292 (incorrect datetime), 1265 (truncated), 1690 (value out
 *   of range), 3140 (invalid JSON), 4025 (CHECK failed) invalid.
 * - 1969 (max_statement_time), 3024 (max_execution_time), 1205 (innodb_lock_wait_timeout) and the
 *   connector's 45012 (connect), 45026 (socket) and 45028 (pool) timeouts timeout.
 * - 1213 (deadlock: InnoDB rolled the transaction back) contention: retryable.
 * - 1040 and 1203 (too many connections), 1041 (out of memory), 1021 (disk full), 1053/1077 (shutdown),
 *   1152 and 1158-1161 (network), 1927 (connection killed), 2002/2003/2006/2013 (cannot connect, gone,
 *   lost) and the connector's 45001/45009/45013/45027 (connection or pool closed) unavailable.
 * - 1044, 1045, 1698 (access denied), 1049 (unknown database), 1153 (packet too big), 1390 (too many
 *   placeholders) permanent: a retry meets them again.
 * - anything else internal.
 */
import type { Meaning } from '../meaning.ts'

const GROUPS: readonly [Meaning, readonly number[]][] = [
  ['unique', [1062, 1022, 1169, 1586, 1761, 1762, 1859]],
  ['reference', [1451, 1452, 1216, 1217]],
  ['required', [1048, 1364]],
  ['invalid', [1264, 1406, 1366, 1292, 1265, 1690, 3140, 4025]],
  ['timeout', [1969, 3024, 1205, 45012, 45026, 45028]],
  ['contention', [1213]],
  [
    'unavailable',
    [1040, 1203, 1041, 1021, 1053, 1077, 1152, 1158, 1159, 1160, 1161, 1927, 2002, 2003, 2006, 2013].concat([
      45001, 45009, 45013, 45027,
    ]),
  ],
  ['permanent', [1044, 1045, 1698, 1049, 1153, 1390]],
]

const BY_ERRNO: ReadonlyMap<number, Meaning> = new Map(
  GROUPS.flatMap(([meaning, errnos]) => errnos.map((n) => [n, meaning] as const)),
)

export const mariadbMeaning = (errno: number): Meaning => BY_ERRNO.get(errno) ?? 'internal'
