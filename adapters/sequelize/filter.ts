/**
 * Compiles the normalized filter (core/query.ts `Cond`) into a Sequelize `where`, meaning exactly what
 * reference/match.ts means. SQL is three-valued and the reference two-valued, so every comparison is
 * compiled to a predicate that is never NULL (a nullable column is guarded by IS NOT NULL); then NOT,
 * $ne and $nin include the rows with nulls, as in the reference.
 *
 * Caller values only reach SQL through Sequelize's own escaping: as the right operand of where(), or,
 * inside a function call, as `literal(sequelize.escape(value))`. Not as a plain fn() argument: Sequelize 6
 * doubles every `$` in those and undoes it only in queries with bind parameters, so a SELECT would look
 * for `a$$b`. (Bulk UPDATEs, which do bind, never carry a filter: see adapter.updateMany.)
 */
import { col, fn, literal, Op, where, type WhereOptions } from 'sequelize'
import type { Cond } from '../../core/query.ts'
import type { Entity, Field } from '../../core/schema.ts'
import { codePointLength, foldCase } from '../../core/text.ts'
import { toStorage } from './codec.ts'
import { shadowColumn, type DialectSpec } from './dialect.ts'
import { jsonPath, type Escape, type Expr } from './json-path.ts'

const TRUE: WhereOptions = literal('(1 = 1)')
const FALSE: WhereOptions = literal('(1 = 0)')

/**
 * Terms per AND/OR chain. SQLite parses `a OR b OR c …` as a left-deep tree, one level per term, and
 * refuses a tree deeper than 1000: a longer chain becomes a balanced tree of parenthesized chains, so
 * the 256 conditions the validator allows (core/query.ts) nest 3 levels of 8, not 256.
 */
const FAN = 8

function chain(op: typeof Op.and | typeof Op.or, items: WhereOptions[]): WhereOptions {
  if (items.length <= FAN) return { [op]: items }
  // Groups of FAN^k, the largest k that leaves more than one group.
  let size = FAN
  while (size * FAN < items.length) size *= FAN
  const groups: WhereOptions[] = []
  for (let i = 0; i < items.length; i += size) groups.push(chain(op, items.slice(i, i + size)))
  return { [op]: groups }
}

const and = (...items: WhereOptions[]): WhereOptions => chain(Op.and, items)
const or = (items: WhereOptions[]): WhereOptions => (items.length === 0 ? FALSE : chain(Op.or, items))
const not = (item: WhereOptions): WhereOptions => ({ [Op.not]: and(item) })
const isNull = (x: Expr): WhereOptions => where(x, { [Op.is]: null })
const notNull = (x: Expr): WhereOptions => where(x, { [Op.not]: null })

type TextOp = 'contains' | 'startsWith' | 'endsWith'

/** Case-insensitive match of an already folded expression against a term folded here. */
function textMatch(d: DialectSpec, esc: Escape, folded: Expr, op: TextOp, raw: string): WhereOptions {
  const term = foldCase(raw)
  const n = codePointLength(term)
  if (op === 'contains') {
    const t = literal(esc(term))
    const at =
      d.name === 'postgres'
        ? fn('strpos', folded, t)
        : d.name === 'mariadb'
          ? fn('LOCATE', t, folded)
          : fn('instr', folded, t)
    return where(at, { [Op.gt]: 0 })
  }
  if (n === 0) return notNull(folded)
  const part =
    d.name === 'sqlite'
      ? op === 'startsWith'
        ? fn('substr', folded, 1, n)
        : fn('substr', folded, -n)
      : fn(op === 'startsWith' ? 'left' : 'right', folded, n)
  return where(part, { [Op.eq]: term })
}

export class FilterCompiler {
  constructor(
    private readonly d: DialectSpec,
    private readonly e: Entity,
    private readonly esc: Escape,
  ) {}

  compile(c: Cond): WhereOptions {
    switch (c.kind) {
      case 'all':
        return TRUE
      case 'and':
        return and(...c.items.map((x) => this.compile(x)))
      case 'or':
        return or(c.items.map((x) => this.compile(x)))
      case 'not':
        return not(this.compile(c.item))
      case 'cmp': {
        const f = this.e.field.get(c.field)!
        return c.path ? this.path(f, c.path, c.op, c.value) : this.column(f, c.op, c.value)
      }
    }
  }

  private column(f: Field, op: string, value: unknown): WhereOptions {
    const x = col(f.column)
    // A required column is never NULL: its comparisons are already two-valued.
    const guard = (w: WhereOptions) => (f.required ? w : and(notNull(x), w))
    const v = (u: unknown) => toStorage(this.d, f, u)
    switch (op) {
      case 'eq':
        return value === null ? isNull(x) : guard(where(x, { [Op.eq]: v(value) }))
      case 'ne':
        return not(this.column(f, 'eq', value))
      case 'in':
      case 'nin': {
        const list = value as unknown[]
        const present = list.filter((u) => u !== null)
        const parts = present.length ? [guard(where(x, { [Op.in]: present.map(v) }))] : []
        if (present.length < list.length) parts.push(isNull(x))
        return op === 'in' ? or(parts) : not(or(parts))
      }
      case 'exists':
        return value ? notNull(x) : isNull(x)
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        return guard(where(x, { [Op[op]]: v(value) }))
      default: {
        const folded = this.d.fold === 'shadow' ? col(shadowColumn(f)) : fn('dbal_fold', x)
        return guard(textMatch(this.d, this.esc, folded, op as TextOp, value as string))
      }
    }
  }

  private path(f: Field, keys: readonly string[], op: string, value: unknown): WhereOptions {
    const p = jsonPath(this.d.name, this.esc, f.column, shadowColumn(f), keys)
    // `type IS NOT NULL` first: FALSE AND NULL is FALSE, so an absent path never yields NULL.
    const typed = (names: readonly string[], w: WhereOptions) =>
      and(notNull(p.type), where(p.type, { [Op.in]: [...names] }), w)
    const isNullish = () => or([isNull(p.type), where(p.type, { [Op.eq]: p.names.null })])
    const compare = (sqlOp: symbol, u: unknown): WhereOptions => {
      if (u === null) return isNullish()
      if (typeof u === 'boolean') return and(notNull(p.type), p.isBoolean(u))
      if (typeof u === 'number') return typed(p.names.number, p.number(sqlOp, u))
      return typed([p.names.string], p.text(sqlOp, u as string))
    }
    // A list is one IN per JSON type, not one comparison per value: the statement stays short and its
    // expression shallow whatever the list's length (SQLite's depth limit, see FAN).
    const oneOf = (list: readonly unknown[]): WhereOptions => {
      const strings = list.filter((u): u is string => typeof u === 'string')
      const numbers = list.filter((u): u is number => typeof u === 'number')
      const parts: WhereOptions[] = []
      if (strings.length) parts.push(typed([p.names.string], p.text(Op.in, strings)))
      if (numbers.length) parts.push(typed(p.names.number, p.number(Op.in, numbers)))
      for (const b of [true, false]) if (list.includes(b)) parts.push(compare(Op.eq, b))
      if (list.includes(null)) parts.push(isNullish())
      return or(parts)
    }
    switch (op) {
      case 'eq':
        return compare(Op.eq, value)
      case 'ne':
        return not(compare(Op.eq, value))
      case 'in':
        return oneOf(value as unknown[])
      case 'nin':
        return not(oneOf(value as unknown[]))
      case 'exists':
        return value ? not(isNullish()) : isNullish()
      case 'gt':
      case 'gte':
      case 'lt':
      case 'lte':
        return compare(Op[op], value)
      default:
        return typed([p.names.string], textMatch(this.d, this.esc, p.folded, op as TextOp, value as string))
    }
  }
}
