/**
 * What differs between the SQL databases, as one small object. The shared SQL code (ddl, compile, rows,
 * statements, migrate) asks the dialect for placeholders, column types, value encodings, JSON access and
 * case-folded text matching, and never tests which database it is talking to.
 */
import type { Field } from '../../core/schema.ts'

export type Ordering = 'eq' | 'gt' | 'gte' | 'lt' | 'lte'
export type TextMatch = 'contains' | 'startsWith' | 'endsWith'
export type JsonScalar = string | number | boolean

export const OPERATORS: Readonly<Record<Ordering, string>> = {
  eq: '=',
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
}

/** The bound parameters of one statement; `add` returns the placeholder that stands for the value. */
export class Params {
  readonly values: unknown[] = []
  constructor(private readonly placeholder: (n: number) => string) {}

  add(v: unknown): string {
    this.values.push(v)
    return this.placeholder(this.values.length)
  }
}

/** Identifiers come only from the schema (snake_case by its loader); quoting keeps reserved words legal. */
export const quote = (ident: string): string => `"${ident.replace(/"/g, '""')}"`

/** A string constant for DDL; only ever used on values from schema/, never on a caller's value. */
export const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`

export interface Dialect {
  readonly name: string
  placeholder(n: number): string
  /** Column type in CREATE TABLE and ADD COLUMN. */
  columnType(f: Field): string
  /** A canonical wire value as the driver binds it. */
  encode(f: Field, v: unknown): unknown
  /** Storage value → wire value, for the types where they differ. */
  decoder(f: Field): ((raw: unknown) => unknown) | undefined
  /** How a column is selected (PostgreSQL formats timestamps as canonical ISO text). */
  selectExpr(f: Field, column: string): string
  /** A bound parameter for a value of `f`, cast where the database needs the type spelled out. */
  param(f: Field, v: unknown, p: Params): string
  /** `column` equals one of `values` (non-null, at least one), at most one parameter per value. */
  inList(f: Field, column: string, values: readonly unknown[], p: Params): string
  /** A constant from the schema (a column DEFAULT). */
  literal(f: Field, v: unknown): string
  /** Suffix after ASC/DESC so that nulls sort first ascending and last descending. */
  nulls(dir: 'asc' | 'desc'): string
  /** `expr` case-folded by dbal_fold, matched against a needle already folded with foldCase. */
  textMatch(op: TextMatch, expr: string, needle: string, p: Params): string
  /** True when the JSON path is absent or holds null; never NULL itself. */
  jsonIsNull(column: string, path: readonly string[], p: Params): string
  /** Same JSON type and value (eq), or ordered within strings / numbers. */
  jsonCompare(column: string, path: readonly string[], op: Ordering, v: JsonScalar, p: Params): string
  /**
   * Same JSON type and value as one of `values` (at least one), as eq would say for each: a fixed number
   * of expression levels and of path parameters whatever the number of values.
   */
  jsonIn(column: string, path: readonly string[], values: readonly JsonScalar[], p: Params): string
  /** The value at the path as text when it is a JSON string, else NULL. */
  jsonText(column: string, path: readonly string[], p: Params): string
  /** A failed statement aborts the enclosing transaction (PostgreSQL): writes in one get a savepoint. */
  readonly statementAbortsTransaction: boolean
  /**
   * A DELETE's change count leaves out the rows of its own table that a foreign-key cascade removed
   * before the statement reached them (SQLite): deleteMany then counts its matches first.
   */
  readonly deleteCountOmitsCascaded: boolean
  /** Foreign keys live inside CREATE TABLE (SQLite cannot add them to an existing table). */
  readonly inlineForeignKeys: boolean
  /** Starts a transaction. */
  readonly begin: string
}
