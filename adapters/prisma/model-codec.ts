/**
 * A row as Prisma's query API returns it → the wire row (core/values.ts): Prisma's field names are the
 * wire names already (prisma/*.prisma maps them), so only types differ: DateTime as a Date (canonical
 * ISO text on SQLite already), BigInt as bigint, JSON as text on SQLite and MariaDB (a parsed value on
 * PostgreSQL's Json).
 */
import type { Entity } from '../../core/schema.ts'
import type { Row } from '../../core/validate.ts'

/** `jsonAsText`: the provider's JSON columns are text (SQLite, MariaDB). */
export function fromPrisma(e: Entity, raw: Record<string, unknown>, jsonAsText: boolean): Row {
  const row: Record<string, unknown> = {}
  for (const f of e.fields) {
    const v = raw[f.name] ?? null
    if (v instanceof Date) row[f.name] = v.toISOString()
    else if (typeof v === 'bigint') row[f.name] = Number(v)
    else if (jsonAsText && f.type === 'json' && typeof v === 'string') row[f.name] = JSON.parse(v) as unknown
    else row[f.name] = v
  }
  return row as Row
}
