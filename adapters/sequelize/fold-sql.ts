/**
 * `dbal_fold(text)`: core's foldCase as an SQL function, so that $contains/$startsWith/$endsWith and
 * search run inside the query (paging stays exact) and fold exactly like the reference, whatever the
 * server's locale or Unicode version. The table comes from core's foldTable(); a fingerprint of it and
 * of the function's code is stored as the function's comment, so that migrate replaces the function
 * only when either changes. PostgreSQL's function is adapters/postgres/fold.ts's, MariaDB's is here
 * (SQLite's sqlite3 has no user functions: the dialect stores folded shadow columns instead).
 */
import { createHash } from 'node:crypto'
import { foldTable } from '../../core/text.ts'
import { foldFunctionSql } from '../postgres/fold.ts'
import type { DialectName } from './dialect.ts'

const table = foldTable()
// The table has no quotes or backslashes; escaping them keeps the literal valid if it ever does.
const literal = (s: string) => `'${s.replaceAll("'", "''")}'`
const mariadbLiteral = (s: string) => literal(s.replaceAll('\\', '\\\\'))

export const FOLD_FUNCTION = 'dbal_fold'

/** PostgreSQL's one definition, shared with the pg and PGlite adapters. */
const POSTGRES = foldFunctionSql()

const MARIADB_TEXT = 'LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin'
const nonAscii = [...table.from]
  .map((c, i) => [c, [...table.to][i]!] as const)
  .filter(([c]) => c.codePointAt(0)! >= 128)
/** Characters folded per piece: SUBSTRING of a multibyte string walks from its start, so a loop over
 * single characters of the whole string is quadratic (30 s for 80,000 characters); over pieces it is not. */
const PIECE = 256

// MariaDB has no translate(): ASCII-only pieces use LOWER() (exact on ASCII), others are mapped code
// point by code point through the table (LOWER() itself lags Unicode by hundreds of code points).
const MARIADB_BODY = `DETERMINISTIC NO SQL
BEGIN
  DECLARE src ${MARIADB_TEXT} DEFAULT ${mariadbLiteral(nonAscii.map(([c]) => c).join(''))};
  DECLARE dst ${MARIADB_TEXT} DEFAULT ${mariadbLiteral(nonAscii.map(([, t]) => t).join(''))};
  DECLARE out_ ${MARIADB_TEXT} DEFAULT '';
  DECLARE piece ${MARIADB_TEXT};
  DECLARE part ${MARIADB_TEXT};
  DECLARE c ${MARIADB_TEXT};
  DECLARE i INT DEFAULT 1;
  DECLARE j INT;
  DECLARE n INT;
  DECLARE m INT;
  DECLARE p INT;
  IF s IS NULL THEN RETURN NULL; END IF;
  IF LENGTH(s) = CHAR_LENGTH(s) THEN RETURN LOWER(s); END IF;
  SET n = CHAR_LENGTH(s);
  WHILE i <= n DO
    SET piece = SUBSTRING(s, i, ${PIECE});
    IF LENGTH(piece) = CHAR_LENGTH(piece) THEN SET part = LOWER(piece);
    ELSE
      SET part = '';
      SET j = 1;
      SET m = CHAR_LENGTH(piece);
      WHILE j <= m DO
        SET c = SUBSTRING(piece, j, 1);
        IF LENGTH(c) = 1 THEN SET c = LOWER(c);
        ELSE
          SET p = LOCATE(c, src);
          IF p > 0 THEN SET c = SUBSTRING(dst, p, 1); END IF;
        END IF;
        SET part = CONCAT(part, c);
        SET j = j + 1;
      END WHILE;
    END IF;
    SET out_ = CONCAT(out_, part);
    SET i = i + ${PIECE};
  END WHILE;
  RETURN out_;
END`

export const FOLD_FINGERPRINT = `dbal_fold ${createHash('sha256').update(POSTGRES).update('\0').update(MARIADB_BODY).digest('hex').slice(0, 16)}`

const MARIADB = `CREATE FUNCTION ${FOLD_FUNCTION}(s ${MARIADB_TEXT}) RETURNS ${MARIADB_TEXT}
COMMENT ${literal(FOLD_FINGERPRINT)} ${MARIADB_BODY}`

/** Statements that (re)create the function on a dialect that has one. */
export function foldFunctionDdl(d: DialectName): string[] {
  if (d === 'postgres')
    return [POSTGRES, `COMMENT ON FUNCTION ${FOLD_FUNCTION}(text) IS ${literal(FOLD_FINGERPRINT)}`]
  if (d === 'mariadb') return [`DROP FUNCTION IF EXISTS ${FOLD_FUNCTION}`, MARIADB]
  return []
}

/** A query answering the installed function's fingerprint as column `fp` (no row: not installed). */
export function foldFingerprintQuery(d: DialectName): string | undefined {
  if (d === 'postgres')
    return `SELECT obj_description(p.oid, 'pg_proc') AS fp FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = '${FOLD_FUNCTION}' AND n.nspname = current_schema()`
  if (d === 'mariadb')
    return `SELECT ROUTINE_COMMENT AS fp FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() AND ROUTINE_NAME = '${FOLD_FUNCTION}'`
  return undefined
}
