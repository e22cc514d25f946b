/**
 * Steps that say who is acting and what already exists. Setup runs as the trusted system caller and
 * fails the step when the DBAL refuses it: a scenario's Given is never in doubt.
 */
import { Given, type DataTable } from '@cucumber/cucumber'
import type { Row } from '../../core/validate.ts'
import { defaultLabel, parseJson, tableRows, withName } from './values.ts'
import type { FeatureWorld } from './world.ts'

const HOUR = 3_600_000
const email = (username: string) => `${username}@example.com`
/** A token long enough for the contract (≥ 16 characters) and unique per label. */
export const tokenOf = (label: string) => `session-token-${label}`

async function createAs(w: FeatureWorld, entity: string, input: Row, label?: string): Promise<Row> {
  const row = (await w.system((c) => c.execute(entity, 'create', input))) as Row
  w.save(label ?? defaultLabel(entity, row), row)
  return row
}

async function signIn(w: FeatureWorld, caller: string): Promise<void> {
  if (w.frames.length) throw new Error('a transaction is open: change the caller before starting it')
  if (caller === 'system' || caller === 'anonymous') {
    w.caller = { kind: caller }
    return
  }
  const label = `actor_${caller}`
  const user =
    w.saved.get(label) ??
    (await createAs(w, 'User', { username: label, email: email(label), role: caller }, label))
  w.caller = { kind: 'user', user }
}

function session(w: FeatureWorld, user: string, label: string, hours: number) {
  const input = {
    userId: w.row(user).id,
    token: tokenOf(label),
    expiresAt: new Date(Date.now() + hours * HOUR).toISOString(),
  }
  return createAs(w, 'Session', input, label)
}

/** `member-##` with 7 → `member-07`: the run of `#` is the zero-padded number. */
function numbered(pattern: string, n: number): string {
  const m = /#+/.exec(pattern)
  if (!m) throw new Error(`"${pattern}" has no # for the number`)
  return pattern.replace(m[0], String(n).padStart(m[0].length, '0'))
}

export function defineSetupSteps(): void {
  Given('I am {caller}', function (this: FeatureWorld, caller: string) {
    return signIn(this, caller)
  })
  Given('I am signed in as {string}', function (this: FeatureWorld, label: string) {
    if (this.frames.length) throw new Error('a transaction is open: change the caller before starting it')
    const user = this.row(label)
    if (typeof user.role !== 'string') throw new Error(`"${label}" is not a user`)
    this.caller = { kind: 'user', user }
  })

  Given('there is a(n) {role} {string}', async function (this: FeatureWorld, role: string, name: string) {
    await createAs(this, 'User', { username: name, email: email(name), role }, name)
  })
  Given('these {entity} exist:', async function (this: FeatureWorld, entity: string, table: DataTable) {
    for (const input of tableRows(entity, table.hashes(), this.refs)) await createAs(this, entity, input)
  })
  Given(
    'there is a(n) {entity} {string} with:',
    async function (this: FeatureWorld, entity: string, label: string, json: string) {
      await createAs(this, entity, withName(entity, label, parseJson(json, this.refs) as Row), label)
    },
  )
  Given(
    '{int} users have signed up as {string}',
    async function (this: FeatureWorld, count: number, pattern: string) {
      const items = Array.from({ length: count }, (_, i) => {
        const username = numbered(pattern, i + 1)
        return { username, email: email(username) }
      })
      await this.system((c) => c.users.createMany(items))
    },
  )

  Given('{string} has the password {string}', async function (this: FeatureWorld, user: string, pw: string) {
    await this.system((c) => c.credentials.set({ username: this.row(user).username as string, password: pw }))
  })
  Given(
    '{string} has mistyped the password {int} time(s)',
    async function (this: FeatureWorld, user: string, times: number) {
      const username = this.row(user).username as string
      for (let i = 0; i < times; i++) {
        const code = await this.trusted.credentials.verify({ username, password: 'not the password' }).then(
          () => 'success',
          (e: unknown) => (e as { code?: string }).code,
        )
        if (code !== 'UNAUTHORIZED') throw new Error(`attempt ${i + 1} gave ${code}, not UNAUTHORIZED`)
      }
    },
  )

  Given(
    '{string} has a session {string} that expires in {int} hour(s)',
    async function (this: FeatureWorld, user: string, label: string, hours: number) {
      await session(this, user, label, hours)
    },
  )
  Given(
    '{string} had a session {string} that expired {int} hour(s) ago',
    async function (this: FeatureWorld, user: string, label: string, hours: number) {
      await session(this, user, label, -hours)
    },
  )

  Given(
    'there is a page {string} at level {int}',
    async function (this: FeatureWorld, slug: string, level: number) {
      await createAs(this, 'PageView', { slug, title: slug, level, layout: {} }, slug)
    },
  )
  Given(
    'the page {string} has these components:',
    async function (this: FeatureWorld, page: string, table: DataTable) {
      const pageId = this.row(page).id
      for (const r of table.hashes()) {
        const input: Row = { pageId, componentType: r.type, order: Number(r.order ?? 0) }
        if (r.parent) input.parentId = this.row(r.parent).id
        if (r.props) input.props = parseJson(r.props, this.refs)
        await createAs(this, 'ComponentHierarchy', input, r.name)
      }
    },
  )
}
