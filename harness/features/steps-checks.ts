/**
 * The checks: on the last action's outcome (success, the error's code, fields and details, the value,
 * the names a list holds and their order) and on the database as the system sees it afterwards.
 */
import { Then, type DataTable } from '@cucumber/cucumber'
import { DBALError } from '../../core/errors.ts'
import type { Row } from '../../core/validate.ts'
import { compare } from '../vectors/match.ts'
import { cellValue, commaList, naturalName, parseJson } from './values.ts'
import type { FeatureWorld } from './world.ts'

const show = (v: unknown) => JSON.stringify(v)

function expectMatch(expected: unknown, actual: unknown, what: string): void {
  const m = compare(expected, actual, false)
  if (m) throw new Error(`${what} ${m.path}: ${m.reason}\nactual: ${show(actual)}`)
}

function items(value: unknown): Row[] {
  if (Array.isArray(value)) return value as Row[]
  const data = (value as { data?: unknown } | null)?.data
  if (Array.isArray(data)) return data as Row[]
  throw new Error(`the result is not a list: ${show(value)}`)
}

/** The names of a list's rows: the label each was saved under, else its natural name. */
function names(w: FeatureWorld): string[] {
  return items(w.lastValue()).map((r) => w.labelOf(r.id) ?? naturalName(r) ?? show(r))
}

function sameList(want: readonly string[], got: readonly string[], what: string): void {
  if (show(want) !== show(got))
    throw new Error(`expected ${what} ${want.join(', ') || 'nothing'}, got ${got.join(', ') || 'nothing'}`)
}

type TreeNode = Row & { children: TreeNode[] }

function outline(w: FeatureWorld, nodes: readonly TreeNode[], depth = 0): string[] {
  return nodes.flatMap((n) => [
    `${'  '.repeat(depth)}${w.labelOf(n.id) ?? String(n.componentType)}`,
    ...outline(w, n.children, depth + 1),
  ])
}

async function readCode(w: FeatureWorld, entity: string, label: string): Promise<string> {
  if (w.frames.length)
    throw new Error('a transaction is open: checks run outside it (commit or roll back first)')
  return w.trusted.execute(entity, 'read', { id: w.row(label).id }).then(
    () => 'found',
    (e: unknown) => (e instanceof DBALError ? e.code : Promise.reject(e)),
  )
}

function outcomeChecks(): void {
  Then('it succeeds', function (this: FeatureWorld) {
    this.lastValue()
  })
  Then('it fails with {code}', function (this: FeatureWorld, code: string) {
    const e = this.lastError()
    if (e.code !== code) throw new Error(`expected ${code}, got ${String(e.code)} ${show(e.details ?? {})}`)
  })
  Then('the error names the field(s) {string}', function (this: FeatureWorld, list: string) {
    const fields = (
      (this.lastError().details as { fields?: { field: string }[] } | undefined)?.fields ?? []
    ).map((f) => f.field)
    sameList([...commaList(list)].sort(), [...new Set(fields)].sort(), 'the failing fields')
  })
  Then('the error says {string}', function (this: FeatureWorld, message: string) {
    const got = this.lastError().message
    if (got !== message) throw new Error(`expected the message "${message}", got "${String(got)}"`)
  })
  Then('the error details include:', function (this: FeatureWorld, json: string) {
    expectMatch(parseJson(json, this.refs), this.lastError().details ?? {}, 'the error details')
  })
  Then('the error asks to wait at most {int} seconds', function (this: FeatureWorld, max: number) {
    const after = (this.lastError().details as { retryAfter?: unknown } | undefined)?.retryAfter
    if (typeof after !== 'number' || after < 1 || after > max)
      throw new Error(`expected retryAfter between 1 and ${max} seconds, got ${show(after)}`)
  })
}

function valueChecks(): void {
  Then('the result is:', function (this: FeatureWorld, json: string) {
    expectMatch(parseJson(json, this.refs), this.lastValue(), 'the result')
  })
  Then('the result is {int}', function (this: FeatureWorld, n: number) {
    if (this.lastValue() !== n) throw new Error(`expected ${n}, got ${show(this.lastValue())}`)
  })
  Then('the result is {bool}', function (this: FeatureWorld, b: boolean) {
    if (this.lastValue() !== b) throw new Error(`expected ${b}, got ${show(this.lastValue())}`)
  })
  Then('the result has {int} item(s)', function (this: FeatureWorld, n: number) {
    const got = items(this.lastValue()).length
    if (got !== n) throw new Error(`expected ${n} items, got ${got}: ${names(this).join(', ')}`)
  })
  Then('the result lists {string}', function (this: FeatureWorld, list: string) {
    sameList(commaList(list), names(this), 'in this order')
  })
  Then('the result lists {string} in any order', function (this: FeatureWorld, list: string) {
    sameList([...commaList(list)].sort(), [...names(this)].sort(), 'in any order')
  })
  Then('the result starts with {string}', function (this: FeatureWorld, list: string) {
    const want = commaList(list)
    sameList(want, names(this).slice(0, want.length), 'first')
  })
  Then('the result ends with {string}', function (this: FeatureWorld, list: string) {
    const want = commaList(list)
    sameList(want, names(this).slice(-want.length), 'last')
  })
  Then('the total is {int}', function (this: FeatureWorld, n: number) {
    const total = (this.lastValue() as { total?: unknown }).total
    if (total !== n) throw new Error(`expected a total of ${n}, got ${show(total)}`)
  })
  Then('there are more results', function (this: FeatureWorld) {
    if ((this.lastValue() as { hasMore?: unknown }).hasMore !== true)
      throw new Error('expected hasMore: true')
  })
  Then('there are no more results', function (this: FeatureWorld) {
    if ((this.lastValue() as { hasMore?: unknown }).hasMore !== false)
      throw new Error('expected hasMore: false')
  })
  Then('the result does not contain {string}', function (this: FeatureWorld, text: string) {
    const l = this.last
    const all = show(l?.status === 'error' ? l.error : l?.output)
    if (all.includes(text)) throw new Error(`"${text}" appears in ${all}`)
  })
  Then('the result shows no {word}', function (this: FeatureWorld, key: string) {
    const l = this.last
    const all = show(l?.status === 'error' ? l.error : l?.output)
    if (all.includes(`"${key}":`)) throw new Error(`a ${key} appears in ${all}`)
  })
}

function databaseChecks(): void {
  Then('there is/are {int} {entity}', async function (this: FeatureWorld, n: number, entity: string) {
    const got = await this.system((c) => c.execute(entity, 'count', {}))
    if (got !== n) throw new Error(`expected ${n}, the system counts ${show(got)}`)
  })
  Then(
    'the {entity} {string} has:',
    async function (this: FeatureWorld, entity: string, label: string, t: DataTable) {
      const want = Object.fromEntries(
        Object.entries(t.rowsHash()).map(([k, v]) => [k, cellValue(entity, k, v, this.refs)]),
      )
      const row = await this.system((c) => c.execute(entity, 'read', { id: this.row(label).id }))
      expectMatch(want, row, `the ${label}`)
    },
  )
  Then(
    'the {entity} {string} still exists',
    async function (this: FeatureWorld, entity: string, label: string) {
      const code = await readCode(this, entity, label)
      if (code !== 'found') throw new Error(`expected "${label}" to exist, reading it gave ${code}`)
    },
  )
  Then(
    'the {entity} {string} no longer exists',
    async function (this: FeatureWorld, entity: string, label: string) {
      const code = await readCode(this, entity, label)
      if (code !== 'NOT_FOUND') throw new Error(`expected "${label}" to be gone, reading it gave ${code}`)
    },
  )
  Then(
    'the component tree of the page {string} is:',
    async function (this: FeatureWorld, page: string, text: string) {
      const tree = await this.system((c) => c.components.getTree(this.row(page).id as string))
      const want = text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => l.trimEnd())
      const got = outline(this, tree as unknown as TreeNode[])
      if (show(want) !== show(got))
        throw new Error(`expected the tree\n${want.join('\n')}\ngot\n${got.join('\n')}`)
    },
  )
  Then(
    '{string} can log in with the password {string}',
    async function (this: FeatureWorld, u: string, pw: string) {
      await this.system((c) =>
        c.credentials.verify({ username: this.row(u).username as string, password: pw }),
      )
    },
  )
  Then(
    '{string} cannot log in with the password {string}',
    async function (this: FeatureWorld, u: string, pw: string) {
      const username = this.row(u).username as string
      const code = await this.trusted.credentials.verify({ username, password: pw }).then(
        () => 'success',
        (e: unknown) => (e instanceof DBALError ? e.code : Promise.reject(e)),
      )
      if (code !== 'UNAUTHORIZED') throw new Error(`expected UNAUTHORIZED, got ${code}`)
    },
  )
}

export function defineCheckSteps(): void {
  outcomeChecks()
  valueChecks()
  databaseChecks()
}
