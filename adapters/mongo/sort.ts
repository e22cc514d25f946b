/**
 * The portable sort as a Mongo sort document. Mongo already orders as CONTRACT §5 asks: strings by
 * UTF-8 bytes (code point order) without a collation, a missing field (our null) before every value
 * ascending and after every value descending; parseSort has appended `id asc` as the tie-breaker.
 */
import type { SortKey } from '../../core/query.ts'
import type { Entity } from '../../core/schema.ts'
import { keyOf } from './codec.ts'

export function sortOf(e: Entity, keys: readonly SortKey[]): Record<string, 1 | -1> {
  const out: Record<string, 1 | -1> = {}
  for (const k of keys) {
    const f = e.field.get(k.field)
    if (f) out[keyOf(f)] = k.dir === 'asc' ? 1 : -1
  }
  return out
}

/** The contract's default order (createdAt, then id): what bulk writes and constraint replays walk in. */
export function defaultSort(e: Entity): Record<string, 1 | -1> {
  return { ...(e.createdField ? { [keyOf(e.createdField)]: 1 as const } : {}), _id: 1 }
}
