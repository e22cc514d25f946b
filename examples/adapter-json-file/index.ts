/**
 * A DBAL adapter that keeps every entity's rows in one JSON file, written the way a third party would
 * write one: against the public exports of `@metabuilder/dbal` and `@metabuilder/dbal/harness` only.
 *
 * The whole file is read at start-up and kept in memory; each write that succeeds is saved by writing
 * a new file and renaming it over the old one, so a crash leaves the last good state. Constraints
 * (uniques, references, cascades) are checked here, before anything changes, because a file has no
 * database to enforce them. One operation runs at a time; a transaction runs on a copy of the tables
 * that replaces them when it commits.
 */
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  capabilitySet,
  conflict,
  dangling,
  DBALError,
  stillReferenced,
  schema as defaultSchema,
  type Adapter,
  type Cond,
  type Entity,
  type FactoryOptions,
  type ListQuery,
  type ManagedAdapter,
  type Row,
  type Schema,
  type SortKey,
} from '@metabuilder/dbal'
import { compareCodePoints, matches } from '@metabuilder/dbal/harness'

type Tables = Record<string, Record<string, Row>>

export interface JsonFileOptions extends FactoryOptions {
  /** The JSON file; default: a new file in a temporary folder, removed on close. */
  readonly file?: string
}

const copy = <T>(v: T): T => structuredClone(v)
const isNull = (v: unknown) => v === null || v === undefined

/** CONTRACT §5 order: strings by code point, numbers numerically, nulls first ascending. */
export function compareRows(keys: readonly SortKey[]) {
  const scalar = (a: unknown, b: unknown): number =>
    typeof a === 'string' && typeof b === 'string'
      ? compareCodePoints(a, b)
      : typeof a === 'number' && typeof b === 'number'
        ? a - b
        : Number(a) - Number(b)
  return (x: Row, y: Row): number => {
    for (const k of keys) {
      const a = x[k.field]
      const b = y[k.field]
      const o = isNull(a) || isNull(b) ? Number(isNull(b)) - Number(isNull(a)) : scalar(a, b)
      if (o !== 0) return k.dir === 'asc' ? o : -o
    }
    return 0
  }
}

/** The rows of every entity, and the rules that keep them consistent. */
class Tablespace {
  constructor(
    readonly schema: Schema,
    public tables: Tables,
  ) {}

  entity(name: string): Entity {
    const e = this.schema.entity.get(name)
    if (!e) throw new DBALError('INTERNAL_ERROR', { entity: name, reason: 'not in the schema' })
    return e
  }
  rows(e: Entity): Row[] {
    return Object.values((this.tables[e.name] ??= {}))
  }
  byId(e: Entity): Record<string, Row> {
    return (this.tables[e.name] ??= {})
  }
  /** Rows matching `filter` in the default order (createdAt, id), the order bulk writes meet them. */
  select(e: Entity, filter: Cond): Row[] {
    const order: SortKey[] = [
      { field: e.createdField!.name, dir: 'asc' },
      { field: e.primary.name, dir: 'asc' },
    ]
    return this.rows(e)
      .filter((r) => matches(filter, r))
      .sort(compareRows(order))
  }

  /** Uniques among the changed fields (a null never collides), then every changed reference. */
  private check(e: Entity, row: Row, changed: (f: string) => boolean, self?: string): void {
    for (const u of e.uniques) {
      if (!u.fields.some((f) => changed(f.name)) || u.fields.some((f) => isNull(row[f.name]))) continue
      const others = this.rows(e).filter((o) => o[e.primary.name] !== self)
      if (others.some((o) => u.fields.every((f) => o[f.name] === row[f.name]))) throw conflict(e, u.fields)
    }
    const missing = e.references.filter(
      (r) =>
        changed(r.field.name) &&
        !isNull(row[r.field.name]) &&
        !this.rows(r.target).some((t) => t[r.targetField.name] === row[r.field.name]),
    )
    if (missing.length)
      throw dangling(
        e,
        missing.map((r) => r.field),
      )
  }

  insert(e: Entity, row: Row): Row {
    const id = row[e.primary.name] as string
    if (this.byId(e)[id]) throw conflict(e, [e.primary])
    this.check(e, row, () => true)
    this.byId(e)[id] = copy(row)
    return copy(row)
  }

  patch(e: Entity, id: string, patch: Row): Row | null {
    const old = this.byId(e)[id]
    if (!old) return null
    const next = { ...old, ...copy(patch) }
    this.check(e, next, (f) => f in patch, id)
    this.byId(e)[id] = next
    // A referenced value that changes: ON UPDATE cascades it into the referencing rows, or refuses.
    for (const r of e.referrers) {
      const [was, now] = [old[r.targetField.name], next[r.targetField.name]]
      if (was === now) continue
      const refs = this.rows(r.entity).filter((x) => x[r.field.name] === was)
      if (refs.length && r.onUpdate === 'restrict') throw stillReferenced(r)
      for (const x of refs) this.patch(r.entity, x[r.entity.primary.name] as string, { [r.field.name]: now })
    }
    return copy(next)
  }

  /** Deletes `ids` and what cascades from them; a restricting reference from a row that stays refuses it all. */
  remove(e: Entity, ids: readonly string[]): number {
    const doomed: [Entity, Row][] = []
    const seen = new Set<Row>()
    const doom = (ent: Entity, row: Row) => {
      if (seen.has(row)) return
      seen.add(row)
      doomed.push([ent, row])
      for (const r of ent.referrers)
        if (r.onDelete === 'cascade')
          for (const x of this.rows(r.entity))
            if (x[r.field.name] === row[r.targetField.name]) doom(r.entity, x)
    }
    for (const id of ids) doom(e, this.byId(e)[id]!)
    for (const [ent, row] of doomed)
      for (const r of ent.referrers)
        if (
          r.onDelete === 'restrict' &&
          this.rows(r.entity).some((x) => x[r.field.name] === row[r.targetField.name] && !seen.has(x))
        )
          throw stillReferenced(r)
    for (const [ent, row] of doomed) delete this.byId(ent)[row[ent.primary.name] as string]
    return ids.length
  }
}

export class JsonFileAdapter implements ManagedAdapter {
  readonly name = 'json-file'
  private readonly space: Tablespace
  private readonly file: string
  private readonly tempDir?: string
  /** A transaction's adapter: its operations run on the transaction's tables, saved when it commits. */
  private readonly inTransaction: boolean
  private queue: Promise<unknown> = Promise.resolve()
  private closed = false

  constructor(o: JsonFileOptions = {}, tx?: { space: Tablespace; file: string }) {
    this.inTransaction = tx !== undefined
    if (tx) {
      this.space = tx.space
      this.file = tx.file
      return
    }
    if (!o.file) this.tempDir = mkdtempSync(join(tmpdir(), 'dbal-json-'))
    this.file = o.file ?? join(this.tempDir!, 'db.json')
    const tables = existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as Tables) : {}
    this.space = new Tablespace(o.schema ?? defaultSchema, tables)
  }

  private save(): void {
    writeFileSync(`${this.file}.tmp`, JSON.stringify(this.space.tables))
    renameSync(`${this.file}.tmp`, this.file)
  }

  /** One operation at a time, on a copy that becomes the tables only if it succeeds. */
  private run<T>(fn: (s: Tablespace) => T | Promise<T>, write = true): Promise<T> {
    if (this.closed) return Promise.reject(new DBALError('DATABASE_ERROR', { reason: 'adapter closed' }))
    const exec = async () => {
      const before = this.space.tables
      this.space.tables = copy(before)
      try {
        const out = await fn(this.space)
        if (write && !this.inTransaction) this.save()
        return out
      } catch (e) {
        this.space.tables = before
        throw e
      }
    }
    if (this.inTransaction) return exec()
    const next = this.queue.then(exec, exec)
    this.queue = next.catch(() => undefined)
    return next
  }

  async capabilities() {
    return capabilitySet([
      'transactions',
      'nestedTransactions',
      'jsonQueries',
      'aggregations',
      'relations',
      'migrations',
    ])
  }
  create(entity: string, row: Row) {
    return this.run((s) => s.insert(s.entity(entity), row))
  }
  read(entity: string, id: string) {
    return this.run((s) => copy(s.byId(s.entity(entity))[id] ?? null), false)
  }
  update(entity: string, id: string, patch: Row) {
    return this.run((s) => s.patch(s.entity(entity), id, patch))
  }
  delete(entity: string, id: string) {
    return this.run((s) => (s.byId(s.entity(entity))[id] ? s.remove(s.entity(entity), [id]) === 1 : false))
  }
  list(entity: string, q: ListQuery) {
    return this.run((s) => {
      const rows = s.select(s.entity(entity), q.filter).sort(compareRows(q.sort))
      return { data: copy(rows.slice(q.offset, q.offset + q.limit)), total: rows.length }
    }, false)
  }
  count(entity: string, filter: Cond) {
    return this.run((s) => s.select(s.entity(entity), filter).length, false)
  }
  createMany(entity: string, rows: Row[]) {
    return this.run((s) => rows.map((r) => s.insert(s.entity(entity), r)).length)
  }
  updateMany(entity: string, filter: Cond, patch: Row) {
    return this.run((s) => {
      const e = s.entity(entity)
      return s.select(e, filter).map((r) => s.patch(e, r[e.primary.name] as string, patch)).length
    })
  }
  deleteMany(entity: string, filter: Cond) {
    return this.run((s) => {
      const e = s.entity(entity)
      return s.remove(
        e,
        s.select(e, filter).map((r) => r[e.primary.name] as string),
      )
    })
  }
  transaction<T>(fn: (tx: Adapter) => Promise<T>): Promise<T> {
    return this.run((space) => fn(new JsonFileAdapter({}, { space, file: this.file })))
  }
  /** Every entity gets its table in the file; returns the ones added. */
  migrate() {
    return this.run((s) => {
      const added = s.schema.entities.filter((e) => !s.tables[e.name]).map((e) => e.name)
      for (const name of added) s.tables[name] = {}
      return added.map((name) => `added table ${name}`)
    })
  }
  reset() {
    return this.run((s) => {
      for (const e of s.schema.entities) s.tables[e.name] = {}
    })
  }
  async close() {
    if (this.closed || this.inTransaction) return
    await this.queue
    this.closed = true
    if (this.tempDir) rmSync(this.tempDir, { recursive: true, force: true })
  }
}

export function createAdapter(o: JsonFileOptions = {}): JsonFileAdapter {
  return new JsonFileAdapter(o)
}
export default createAdapter
