/** schema/ is the contract as data: it loads, a mistake in it is named by file and key, the types are current. */
import assert from 'node:assert/strict'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { generateTypes } from '../core/codegen.ts'
import { ConfigError } from '../core/config-error.ts'
import { loadSchema, schema, SCHEMA_DIR } from '../core/schema.ts'

const temps: string[] = []
after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })))

/** A copy of schema/ with one file edited; returns the error loading it throws. */
function broken(file: string, edit: (text: string) => string): ConfigError {
  const dir = mkdtempSync(join(tmpdir(), 'dbal-schema-'))
  temps.push(dir)
  cpSync(SCHEMA_DIR, dir, { recursive: true })
  const path = join(dir, file)
  const before = readFileSync(path, 'utf8')
  const after = edit(before)
  assert.notEqual(after, before, `the edit of ${file} changed nothing`)
  writeFileSync(path, after)
  try {
    loadSchema(dir)
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`)
    assert.ok(e.message.includes(path), `message does not name ${path}: ${e.message}`)
    return e
  }
  return assert.fail(`a schema with a broken ${file} loaded`)
}

describe('the real schema', () => {
  it('loads the eight public entities and the internal LoginAttempt', () => {
    const pub = schema.entities
      .filter((e) => !e.internal)
      .map((e) => e.name)
      .sort()
    assert.deepEqual(pub, [
      'ComponentHierarchy',
      'Credential',
      'LuaScript',
      'Package',
      'PageView',
      'Session',
      'User',
      'Workflow',
    ])
    assert.ok(schema.entity.get('LoginAttempt')?.internal)
    assert.deepEqual(
      loadSchema(SCHEMA_DIR).entities.map((e) => e.name),
      schema.entities.map((e) => e.name),
    )
  })
  it('maps snake_case storage names to camelCase wire names', () => {
    const f = schema.entity.get('Credential')!.field.get('passwordHash')!
    assert.equal(f.column, 'password_hash')
    assert.ok(f.secret && f.sensitive && !f.writable)
    assert.equal(schema.entity.get('ComponentHierarchy')!.field.get('pageId')!.column, 'page_id')
  })
  it('has the uniques, relations and page limits of the contract', () => {
    const uniques = (n: string) =>
      schema.entity.get(n)!.uniques.map((u) => u.fields.map((f) => f.name).join('+'))
    assert.deepEqual(uniques('User').sort(), ['email', 'username'])
    assert.deepEqual(uniques('Package'), ['name+version'])
    const fk = (n: string, f: string) => schema.entity.get(n)!.field.get(f)!.foreignKey
    assert.deepEqual(fk('Credential', 'username'), {
      entity: 'User',
      field: 'username',
      onDelete: 'cascade',
      onUpdate: 'cascade',
    })
    assert.equal(fk('Session', 'userId')!.onDelete, 'cascade')
    assert.equal(fk('ComponentHierarchy', 'parentId')!.onDelete, 'cascade')
    for (const [n, f] of [
      ['Workflow', 'createdBy'],
      ['LuaScript', 'createdBy'],
      ['Package', 'installedBy'],
    ] as const)
      assert.equal(fk(n, f)!.onDelete, 'restrict')
    assert.deepEqual(schema.entity.get('Session')!.page, { defaultLimit: 50, maxLimit: 200 })
    assert.equal(schema.entity.get('Session')!.updatedField!.name, 'lastActivity')
  })
})

describe('facts every backend reads instead of deriving them', () => {
  const e = (name: string) => schema.entity.get(name)!
  const names = (rs: readonly { entity: { name: string }; field: { name: string } }[]) =>
    rs.map((r) => `${r.entity.name}.${r.field.name}`)

  it('references and referrers are the same foreign keys, with their targets and actions', () => {
    const [w] = e('Workflow').references
    assert.deepEqual(
      [w?.target.name, w?.targetField.name, w?.onDelete, w?.onUpdate, w?.name],
      ['User', 'id', 'restrict', 'restrict', 'workflows_created_by_fkey'],
    )
    assert.ok(e('User').referrers.includes(w!), 'the same object from either end')
    assert.ok(names(e('User').referrers).includes('Session.userId'))
    assert.deepEqual(names(e('ComponentHierarchy').referrers), ['ComponentHierarchy.parentId'])
    for (const x of schema.entities)
      assert.deepEqual(
        x.references.map((r) => r.field),
        x.foreignKeys,
        `${x.name}: one reference per foreign key`,
      )
  })

  it('the creation order puts every referenced entity first, the deletion order last', () => {
    const at = (order: readonly { name: string }[], n: string) => order.findIndex((x) => x.name === n)
    assert.equal(schema.creationOrder.length, schema.entities.length)
    for (const r of schema.entities.flatMap((x) => x.references)) {
      if (r.target === r.entity) continue
      assert.ok(at(schema.creationOrder, r.target.name) < at(schema.creationOrder, r.entity.name), r.name)
      assert.ok(at(schema.deletionOrder, r.entity.name) < at(schema.deletionOrder, r.target.name), r.name)
    }
  })

  it('names every constraint once: primary, unique, index and foreign key', () => {
    const c = (n: string) => {
      const found = schema.constraints.get(n)
      return found && [found.kind, found.entity.name, found.fields.map((f) => f.name).join()]
    }
    assert.deepEqual(c('users_pkey'), ['primary', 'User', 'id'])
    assert.deepEqual(c('users_username_key'), ['unique', 'User', 'username'])
    assert.deepEqual(c('users_role_idx'), ['index', 'User', 'role'])
    assert.deepEqual(c('workflows_created_by_fkey'), ['foreignKey', 'Workflow', 'createdBy'])
    assert.equal(e('User').primaryKey, 'users_pkey')
    const kept = schema.constraints.get('credentials_username_key')?.cascadedFrom
    assert.equal(kept?.name, 'users_username_key', 'a renamed username repeats the parent key first')
  })

  it('a cycle of foreign keys between entities is refused, naming its entities', () => {
    const e = broken('entities/user.yaml', (t) =>
      t.replace(
        /^fields:\n/m,
        'fields:\n  last_workflow_id: { type: uuid, foreign_key: { entity: Workflow, field: id } }\n',
      ),
    )
    assert.equal(e.key, 'fields.last_workflow_id.foreign_key')
    assert.match(e.message, /User, Workflow form a cycle/)
  })
})

describe('a mistake in schema/ is a ConfigError naming the file and the key', () => {
  it('a misspelt field key', () => {
    const e = broken('entities/user.yaml', (t) => t.replace('max_length: 50', 'max_lenght: 50'))
    assert.equal(e.key, 'fields.username.max_lenght')
    assert.ok(e.message.includes('fields.username.max_lenght'), e.message)
  })
  it('a misspelt entity key', () => {
    const e = broken('entities/workflow.yaml', (t) => t.replace('namespace:', 'namspace:'))
    assert.ok(e.message.includes('namspace'), e.message)
  })
  it('an unknown type', () => {
    const e = broken('entities/page_view.yaml', (t) => t.replace('type: integer', 'type: int'))
    assert.equal(e.key, 'fields.level.type')
    assert.ok(e.message.includes('fields.level.type'), e.message)
  })
  it('a foreign key to a missing entity, or a missing field', () => {
    const e = broken('entities/workflow.yaml', (t) =>
      t.replace(
        '{ entity: User, field: id, on_delete: restrict }',
        '{ entity: Users, field: id, on_delete: restrict }',
      ),
    )
    assert.equal(e.key, 'fields.created_by.foreign_key')
    assert.ok(e.message.includes('Users'), e.message)
    const f = broken('entities/session.yaml', (t) =>
      t.replace(
        '{ entity: User, field: id, on_delete: cascade }',
        '{ entity: User, field: uid, on_delete: cascade }',
      ),
    )
    assert.equal(f.key, 'fields.user_id.foreign_key')
  })
  it('an unknown referential action', () => {
    const e = broken('entities/session.yaml', (t) => t.replace('on_delete: cascade', 'on_delete: nullify'))
    assert.equal(e.key, 'fields.user_id.foreign_key.on_delete')
  })
  it('an index on a missing field', () => {
    const e = broken('entities/user.yaml', (t) => t.replace('- fields: [role]', '- fields: [rol]'))
    assert.equal(e.key, 'indexes[0].fields')
  })
  it('broken YAML names the line', () => {
    const e = broken('entities/user.yaml', (t) => t.replace('  role:\n', '  role:\n   - [unclosed\n'))
    assert.match(e.message, /line \d+/)
  })
  it('a duplicate key', () => {
    const e = broken('entities/user.yaml', (t) =>
      t.replace('    max_length: 50\n', '    max_length: 50\n    max_length: 60\n'),
    )
    assert.match(e.message, /max_length|unique/i)
  })
  it('a misspelt key in errors.yaml and operations.yaml', () => {
    const e = broken('errors.yaml', (t) =>
      t.replace('NOT_FOUND:            { status: 404', 'NOT_FOUND:            { stauts: 404'),
    )
    assert.equal(e.key, 'errors.NOT_FOUND.stauts')
    const o = broken('operations.yaml', (t) => t.replace('  PageView:\n', '  PageVeiw:\n'))
    assert.equal(o.key, 'entities.PageVeiw')
  })
})

describe('generated types', () => {
  it('core/types.generated.ts is current', () => {
    const actual = readFileSync(new URL('../core/types.generated.ts', import.meta.url), 'utf8')
    assert.ok(generateTypes(schema) === actual, 'core/types.generated.ts is stale: run `npx dbal generate`')
  })
  it('a schema change shows in the generated types', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dbal-schema-'))
    temps.push(dir)
    cpSync(SCHEMA_DIR, dir, { recursive: true })
    const path = join(dir, 'entities/user.yaml')
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace(
        'values: [user, admin, god, supergod]',
        'values: [user, admin, god, supergod, guest]',
      ),
    )
    assert.match(
      generateTypes(loadSchema(dir)),
      /export type UserRole = 'user' \| 'admin' \| 'god' \| 'supergod' \| 'guest'/,
    )
  })
})
