/**
 * Wire rows ↔ storage rows, derived from the schema: columns are selected under their wire (camelCase)
 * names, so the driver's row object is already keyed right, and only the types a dialect stores
 * differently (SQLite booleans and JSON text, PostgreSQL bigint) are converted on the way out.
 */
import type { Entity, Field } from '../../core/schema.ts'
import type { Row } from '../../core/validate.ts'
import { quote, type Dialect } from './dialect.ts'
import type { SqlRow } from './driver.ts'

export class RowCodec {
  /** The select list: every field (secrets too: the client strips them, credentials need them). */
  readonly select: string
  private readonly decoders: readonly (readonly [string, (raw: unknown) => unknown])[]

  constructor(
    private readonly d: Dialect,
    readonly e: Entity,
  ) {
    this.select = e.fields
      .map((f) => {
        const col = quote(f.column)
        const expr = d.selectExpr(f, col)
        return expr === col && f.column === f.name ? col : `${expr} AS ${quote(f.name)}`
      })
      .join(', ')
    this.decoders = e.fields.flatMap((f) => {
      const fn = d.decoder(f)
      return fn ? [[f.name, fn] as const] : []
    })
  }

  /** Converts in place: drivers hand out a fresh object per row. */
  decode(raw: SqlRow): Row {
    for (const [name, fn] of this.decoders) raw[name] = fn(raw[name])
    return raw
  }

  /** Every field of a complete row, in schema order, as bound parameters. */
  values(row: Row): unknown[] {
    return this.e.fields.map((f) => this.d.encode(f, row[f.name] ?? null))
  }

  encode(f: Field, v: unknown): unknown {
    return this.d.encode(f, v)
  }
}
