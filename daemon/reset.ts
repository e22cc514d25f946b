/**
 * `test.reset`: empties every table, internal ones included (lockout counters, idempotency records), so a
 * certification run gets a clean database per case. Tables are emptied referencing-first, so that a
 * restricting foreign key (Workflow.createdBy → User) never blocks a delete; the order is derived from
 * the schema's foreign keys, never listed by hand.
 */
import type { Adapter } from '../core/adapter.ts'
import { ALL } from '../core/query.ts'
import { schema, type Entity } from '../core/schema.ts'

/** Entities such that each comes before every entity it references (self references aside). */
export function deletionOrder(entities: readonly Entity[] = schema.entities): Entity[] {
  const order: Entity[] = []
  const left = new Set(entities)
  while (left.size) {
    // Next: an entity no remaining entity references.
    const next = [...left].find(
      (t) => ![...left].some((e) => e !== t && e.foreignKeys.some((f) => f.foreignKey!.entity === t.name)),
    )
    if (!next)
      throw new Error(
        `schema: the foreign keys among ${[...left].map((e) => e.name).join(', ')} form a cycle`,
      )
    order.push(next)
    left.delete(next)
  }
  return order
}

export async function resetAll(adapter: Adapter): Promise<void> {
  const order = deletionOrder()
  await adapter.transaction(async (tx) => {
    for (const e of order) await tx.deleteMany(e.name, ALL)
  })
}
