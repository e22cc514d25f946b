/**
 * What the adapter and its transaction-bound copies share: the Sequelize instance, the models, the
 * filter compilers, and a queue that runs one operation at a time where the dialect has a single
 * connection (SQLite in memory: an operation outside a transaction would otherwise run inside
 * whichever transaction is open on that connection).
 */
import type { Sequelize, WhereOptions } from 'sequelize'
import { DBALError } from '../../core/errors.ts'
import type { Cond } from '../../core/query.ts'
import type { Entity, Schema } from '../../core/schema.ts'
import type { DialectSpec } from './dialect.ts'
import { FilterCompiler } from './filter.ts'
import { defineModels, type EntityModel } from './models.ts'

export class Db {
  readonly models: ReadonlyMap<string, EntityModel>
  private readonly compilers: ReadonlyMap<string, FilterCompiler>
  private queue: Promise<unknown> = Promise.resolve()
  closed = false

  constructor(
    readonly sequelize: Sequelize,
    readonly spec: DialectSpec,
    readonly schema: Schema,
    /** False for a Sequelize instance the application gave and closes itself. */
    readonly ownsSequelize = true,
  ) {
    this.models = defineModels(sequelize, spec, schema)
    const esc = (v: string) => sequelize.escape(v)
    this.compilers = new Map(schema.entities.map((e) => [e.name, new FilterCompiler(spec, e, esc)]))
  }

  model(e: Entity): EntityModel {
    return this.models.get(e.name)!
  }

  /** The entity of this name in the adapter's schema. */
  entity(name: string): Entity {
    const e = this.schema.entity.get(name)
    if (!e) throw new DBALError('INTERNAL_ERROR', { entity: name, problem: 'unknown entity' })
    return e
  }

  where(e: Entity, c: Cond): WhereOptions {
    return this.compilers.get(e.name)!.compile(c)
  }

  /** Runs `fn` after everything queued before it, on single-connection dialects; at once elsewhere. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.spec.singleConnection) return fn()
    const next = this.queue.then(fn, fn)
    this.queue = next.catch(() => undefined)
    return next
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (!this.ownsSequelize) return
    if (this.spec.name === 'sqlite') {
      // Sequelize keeps a sqlite3 handle that failed to open, and closing one never calls back.
      const cm = this.sequelize.connectionManager as unknown as {
        connections?: Record<string, { open?: boolean }>
      }
      for (const [key, c] of Object.entries(cm.connections ?? {}))
        if (c.open === false) delete cm.connections![key]
    }
    await this.sequelize.close()
  }
}
