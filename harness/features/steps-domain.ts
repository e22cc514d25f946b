/**
 * The entity-specific actions, in the words of the stories: signing up and logging in, sessions,
 * pages by slug and level, building and reshaping a component tree, saving scripts and installing
 * packages. Each runs as the current caller and records its outcome.
 */
import { When, type DataTable } from '@cucumber/cucumber'
import type { Row } from '../../core/validate.ts'
import { tokenOf } from './steps-setup.ts'
import { commaList } from './values.ts'
import type { FeatureWorld } from './world.ts'

const HOUR = 3_600_000

const username = (w: FeatureWorld, label: string) => w.row(label).username as string

async function createUser(w: FeatureWorld, input: Row): Promise<void> {
  w.save(input.username as string, await w.act((c) => c.users.create(input as never)))
}

function author(w: FeatureWorld): string {
  if (w.caller.kind !== 'user') throw new Error('a script is saved by the signed-in user: sign in first')
  return w.caller.user.id as string
}

function userSteps(): void {
  When(
    'I sign up as {string} with email {string}',
    function (this: FeatureWorld, name: string, email: string) {
      return createUser(this, { username: name, email })
    },
  )
  When(
    'I create the user {string} with role {role}',
    function (this: FeatureWorld, name: string, role: string) {
      return createUser(this, { username: name, email: `${name}@example.com`, role })
    },
  )
  When(
    'I change the role of {string} to {role}',
    async function (this: FeatureWorld, label: string, role: string) {
      this.refresh(await this.act((c) => c.users.update(this.row(label).id as string, { role } as never)))
    },
  )
  When(
    'I change the email of {string} to {string}',
    async function (this: FeatureWorld, label: string, email: string) {
      this.refresh(await this.act((c) => c.users.update(this.row(label).id as string, { email })))
    },
  )
  When('I search the users for {string}', async function (this: FeatureWorld, query: string) {
    await this.act((c) => c.users.search(query))
  })
  When(
    'I search the users for {string}, at most {int}',
    async function (this: FeatureWorld, q: string, n: number) {
      await this.act((c) => c.users.search(q, { limit: n }))
    },
  )
}

function credentialSteps(): void {
  When(
    'I set the password of {string} to {string}',
    async function (this: FeatureWorld, label: string, pw: string) {
      await this.act((c) => c.credentials.set({ username: username(this, label), password: pw }))
    },
  )
  When(
    'I log in as {string} with the password {string}',
    async function (this: FeatureWorld, name: string, pw: string) {
      // A name nobody has saved is tried as typed: a login form does not know who exists.
      const u = this.saved.get(name)?.username ?? name
      await this.act((c) => c.credentials.verify({ username: u as string, password: pw }))
    },
  )
  When('I mark the first login of {string} as done', async function (this: FeatureWorld, label: string) {
    await this.act((c) => c.credentials.setFirstLogin({ username: username(this, label), firstLogin: false }))
  })
  When(
    'I ask whether {string} is logging in for the first time',
    async function (this: FeatureWorld, label: string) {
      await this.act((c) => c.credentials.getFirstLogin({ username: username(this, label) }))
    },
  )
  When('I remove the password of {string}', async function (this: FeatureWorld, label: string) {
    await this.act((c) => c.credentials.deleteByUsername({ username: username(this, label) }))
  })
}

function sessionSteps(): void {
  When('I resolve the token of the session {string}', async function (this: FeatureWorld, label: string) {
    await this.act((c) => c.sessions.resolve(this.row(label).token as string))
  })
  When('I resolve the token {string}', async function (this: FeatureWorld, token: string) {
    await this.act((c) => c.sessions.resolve(token))
  })
  When('I purge the expired sessions', async function (this: FeatureWorld) {
    await this.act((c) => c.sessions.purgeExpired())
  })
  When(
    'I extend the session {string} by {int} hour(s)',
    async function (this: FeatureWorld, label: string, h: number) {
      const expiresAt = new Date(Date.now() + h * HOUR).toISOString()
      this.refresh(await this.act((c) => c.sessions.update(this.row(label).id as string, { expiresAt })))
    },
  )
  When(
    'I open a session {string} for {string} with the token {string}',
    async function (this: FeatureWorld, label: string, user: string, token: string) {
      const input = {
        userId: this.row(user).id as string,
        token,
        expiresAt: new Date(Date.now() + HOUR).toISOString(),
      }
      this.save(label, await this.act((c) => c.sessions.create(input)))
    },
  )
  When(
    'I open a session {string} for {string}',
    async function (this: FeatureWorld, label: string, user: string) {
      const input = {
        userId: this.row(user).id as string,
        token: tokenOf(label),
        expiresAt: new Date(Date.now() + HOUR).toISOString(),
      }
      this.save(label, await this.act((c) => c.sessions.create(input)))
    },
  )
}

function pageSteps(): void {
  When('I open the page {string}', async function (this: FeatureWorld, slug: string) {
    await this.act((c) => c.pages.readBySlug(slug))
  })
  When('I list the pages at level {int}', async function (this: FeatureWorld, level: number) {
    await this.act((c) => c.pages.listByLevel(level))
  })
  When(
    'I create a page {string} at level {int}',
    async function (this: FeatureWorld, slug: string, level: number) {
      this.save(slug, await this.act((c) => c.pages.create({ slug, title: slug, level, layout: {} })))
    },
  )
}

function componentSteps(): void {
  const add = async (
    w: FeatureWorld,
    type: string,
    label: string,
    pageId: unknown,
    parentId: unknown,
    order: number,
  ) => {
    const input = { pageId, componentType: type, order, ...(parentId ? { parentId } : {}) }
    w.save(label, await w.act((c) => c.components.create(input as never)))
  }
  When(
    'I add a {string} component {string} to the page {string} at position {int}',
    function (this: FeatureWorld, type: string, label: string, page: string, order: number) {
      return add(this, type, label, this.row(page).id, undefined, order)
    },
  )
  When(
    'I add a {string} component {string} under {string} at position {int}',
    function (this: FeatureWorld, type: string, label: string, parent: string, order: number) {
      const p = this.row(parent)
      return add(this, type, label, p.pageId, p.id, order)
    },
  )
  When(
    'I ask for the component tree of the page {string}',
    async function (this: FeatureWorld, page: string) {
      await this.act((c) => c.components.getTree(this.row(page).id as string))
    },
  )
  When(
    'I move the component {string} under {string} at position {int}',
    async function (this: FeatureWorld, label: string, parent: string, order: number) {
      const id = this.row(label).id as string
      this.refresh(await this.act((c) => c.components.move(id, this.row(parent).id as string, order)))
    },
  )
  When(
    'I move the component {string} to the top level at position {int}',
    async function (this: FeatureWorld, label: string, order: number) {
      this.refresh(await this.act((c) => c.components.move(this.row(label).id as string, null, order)))
    },
  )
  When('I reorder the components:', async function (this: FeatureWorld, table: DataTable) {
    const components = table
      .hashes()
      .map((r) => ({ id: this.row(r.component!).id as string, order: Number(r.order) }))
    await this.act((c) => c.components.reorder(components))
  })
}

function scriptAndPackageSteps(): void {
  const save = async (w: FeatureWorld, name: string, globals: string[] | undefined, code: string) => {
    const input = { name, code, createdBy: author(w), ...(globals ? { allowedGlobals: globals } : {}) }
    w.save(name, await w.act((c) => c.luaScripts.create(input)))
  }
  When('I save a script {string} with code:', function (this: FeatureWorld, name: string, code: string) {
    return save(this, name, undefined, code)
  })
  When(
    'I save a script {string} allowing {string} with code:',
    function (this: FeatureWorld, name: string, globals: string, code: string) {
      return save(this, name, commaList(globals), code)
    },
  )
  When(
    'I change the code of the script {string} to:',
    async function (this: FeatureWorld, name: string, code: string) {
      this.refresh(await this.act((c) => c.luaScripts.update(this.row(name).id as string, { code })))
    },
  )
  When('I install the package {string}', async function (this: FeatureWorld, label: string) {
    const by = this.caller.kind === 'user' ? (this.caller.user.id as string) : null
    const patch = { isInstalled: true, installedAt: new Date().toISOString(), installedBy: by }
    this.refresh(await this.act((c) => c.packages.update(this.row(label).id as string, patch)))
  })
  When('I uninstall the package {string}', async function (this: FeatureWorld, label: string) {
    const patch = { isInstalled: false, installedAt: null, installedBy: null }
    this.refresh(await this.act((c) => c.packages.update(this.row(label).id as string, patch)))
  })
}

export function defineDomainSteps(): void {
  userSteps()
  credentialSteps()
  sessionSteps()
  pageSteps()
  componentSteps()
  scriptAndPackageSteps()
}
