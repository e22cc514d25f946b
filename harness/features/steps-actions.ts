/**
 * The actions every entity has (create, read, update, delete, list, count, the bulk writes) and the
 * transaction steps, as the current caller. Each records its outcome for the checks; a refusal by the
 * DBAL is an outcome, not a failed step.
 */
import { When, type DataTable } from '@cucumber/cucumber'
import type { Row } from '../../core/validate.ts'
import { begin, commit, rollBack } from './transactions.ts'
import { cellValue, defaultLabel, parseJson, tableRows, withName } from './values.ts'
import type { FeatureWorld } from './world.ts'

/** Entities whose rows have an author: left out, it is the signed-in user. */
const AUTHORED = new Set(['Workflow', 'LuaScript'])

export function authored(w: FeatureWorld, entity: string, input: Row): Row {
  if (!AUTHORED.has(entity) || 'createdBy' in input || w.caller.kind !== 'user') return input
  return { ...input, createdBy: w.caller.user.id }
}

async function create(w: FeatureWorld, entity: string, input: Row, label?: string) {
  const row = (await w.act((c) => c.execute(entity, 'create', authored(w, entity, input)))) as Row | undefined
  if (row) w.save(label ?? defaultLabel(entity, row), row)
}

const list = (w: FeatureWorld, entity: string, options: unknown) =>
  w.act((c) => c.execute(entity, 'list', options))

export function defineActionSteps(): void {
  When(
    'I create a(n) {entity} {string} with:',
    function (this: FeatureWorld, entity: string, label: string, json: string) {
      return create(this, entity, withName(entity, label, parseJson(json, this.refs) as Row), label)
    },
  )
  When('I create a(n) {entity} with:', function (this: FeatureWorld, entity: string, json: string) {
    return create(this, entity, parseJson(json, this.refs) as Row)
  })
  When('I create these {entity}:', async function (this: FeatureWorld, entity: string, table: DataTable) {
    const items = tableRows(entity, table.hashes(), this.refs).map((r) => authored(this, entity, r))
    await this.act((c) => c.execute(entity, 'createMany', { items }))
  })
  When('I read the {entity} {string}', async function (this: FeatureWorld, entity: string, label: string) {
    await this.act((c) => c.execute(entity, 'read', { id: this.row(label).id }))
  })
  When(
    'I read the {entity} with id {string}',
    async function (this: FeatureWorld, entity: string, id: string) {
      await this.act((c) => c.execute(entity, 'read', { id }))
    },
  )
  When(
    'I update the {entity} {string} with:',
    async function (this: FeatureWorld, entity: string, label: string, json: string) {
      const patch = parseJson(json, this.refs) as Row
      this.refresh(await this.act((c) => c.execute(entity, 'update', { ...patch, id: this.row(label).id })))
    },
  )
  When('I delete the {entity} {string}', async function (this: FeatureWorld, entity: string, label: string) {
    await this.act((c) => c.execute(entity, 'delete', { id: this.row(label).id }))
  })

  When('I list the {entity}', async function (this: FeatureWorld, entity: string) {
    await list(this, entity, {})
  })
  When('I list the {entity} with:', async function (this: FeatureWorld, entity: string, json: string) {
    await list(this, entity, parseJson(json, this.refs))
  })
  When(
    'I list the {entity} sorted by {word} {direction}',
    async function (this: FeatureWorld, entity: string, field: string, dir: string) {
      await list(this, entity, { sort: { [field]: dir } })
    },
  )
  When(
    'I list page {int} of the {entity} sorted by {word} {direction}, {int} per page',
    async function (
      this: FeatureWorld,
      page: number,
      entity: string,
      field: string,
      dir: string,
      limit: number,
    ) {
      await list(this, entity, { sort: { [field]: dir }, page, limit })
    },
  )
  When('I count the {entity}', async function (this: FeatureWorld, entity: string) {
    await this.act((c) => c.execute(entity, 'count', {}))
  })
  When('I count the {entity} matching:', async function (this: FeatureWorld, entity: string, json: string) {
    await this.act((c) => c.execute(entity, 'count', { filter: parseJson(json, this.refs) }))
  })

  When(
    'I update every {entity} where {word} is {string} with:',
    async function (this: FeatureWorld, entity: string, field: string, value: string, json: string) {
      const filter = { [field]: cellValue(entity, field, value, this.refs) }
      await this.act((c) => c.execute(entity, 'updateMany', { filter, data: parseJson(json, this.refs) }))
    },
  )
  When(
    'I delete every {entity} where {word} is {string}',
    async function (this: FeatureWorld, entity: string, field: string, value: string) {
      const filter = { [field]: cellValue(entity, field, value, this.refs) }
      await this.act((c) => c.execute(entity, 'deleteMany', { filter }))
    },
  )
  When(
    'I delete every {entity} matching:',
    async function (this: FeatureWorld, entity: string, json: string) {
      await this.act((c) => c.execute(entity, 'deleteMany', { filter: parseJson(json, this.refs) }))
    },
  )

  When('I start a transaction', function (this: FeatureWorld) {
    return begin(this, false)
  })
  When('I start a nested transaction', function (this: FeatureWorld) {
    return begin(this, true)
  })
  When('I commit the transaction', function (this: FeatureWorld) {
    return commit(this)
  })
  When('I roll back the transaction', function (this: FeatureWorld) {
    return rollBack(this)
  })
}
