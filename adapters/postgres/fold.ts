/**
 * dbal_fold(text) for PostgreSQL: core/text.ts's foldCase as translate() over the table from foldTable(),
 * so that it is exact on every server (PGlite included) whatever its locale or ICU version. ASCII-only
 * text takes a short table. Not STRICT, so the planner can inline it into the query (translate() of
 * NULL is NULL anyway). Written once: Sequelize's postgres dialect installs this same function.
 */
import { foldTable } from '../../core/text.ts'
import type { DdlObject } from '../sql/ddl.ts'
import { sqlString } from '../sql/dialect.ts'

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'

let body: string | undefined

/** The function body, as pg_proc.prosrc holds it (computed once: the table walks every code point). */
export function foldBody(): string {
  if (body === undefined) {
    const { from, to } = foldTable()
    body = ` SELECT CASE WHEN octet_length($1) = length($1) THEN translate($1, ${sqlString(UPPER)}, ${sqlString(UPPER.toLowerCase())}) ELSE translate($1, ${sqlString(from)}, ${sqlString(to)}) END `
  }
  return body
}

/** The one definition, for the pg and PGlite adapters (catalog.ts) and Sequelize's postgres dialect. */
export const foldFunctionSql = (): string =>
  `CREATE OR REPLACE FUNCTION dbal_fold(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $dbal_fold$${foldBody()}$dbal_fold$`

export function foldFunction(): DdlObject {
  return { kind: 'function', name: 'dbal_fold', sql: foldFunctionSql() }
}
