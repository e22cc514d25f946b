/**
 * The rows the ACL matrix runs against, per entity: how the system creates each one (kept to the rows a
 * case needs), the facts the oracle judges it by, and how it looks in a list. A target is one side of an
 * "own row / another's row" distinction: a User of each rank or the caller itself, a page of each level,
 * a row created by (or belonging to) the caller or someone else.
 */
import type { CallerRole, RowFacts } from './oracle.ts'
import { ROLES } from './oracle.ts'

export type Row = Record<string, unknown>

export interface StepDoc {
  action: string
  entity: string
  as?: string
  input: unknown
  save?: string
  expected: Row
}

/** A setup step: the system creates a row and saves it. */
export const sys = (entity: string, input: Row, save: string): StepDoc => ({
  action: 'create',
  entity,
  input,
  save,
  expected: { status: 'success' },
})

export interface Target {
  /** Label in case names, and the name the row is saved under (`$key.id`). */
  readonly key: string
  readonly facts: RowFacts
  /** The setup refers to the caller's own user, which the case then creates as `me`. */
  readonly own: boolean
  /** System steps: the row and what it needs; `withRow: false` only what creating it needs. */
  setup(withRow: boolean): StepDoc[]
  /** How the row appears in a list (a partial match). */
  readonly show: Row
  /** The fields of a new row for it (a create "of" this target: same owner, same level). */
  item(n: string): Row
  /** Values other operations address it by (username, token, slug, ...). */
  readonly keys?: Row
}

export interface Kit {
  readonly entity: string
  targets(caller: CallerRole): Target[]
  /** A patch for update/updateMany (no role), and what the updated row shows of it. */
  readonly patch: Row
  readonly sort: Row
  /** The ref of a target's saved row, `$key` (the caller's own User row is the runner's `$actor_<role>`). */
  ref(t: Target, caller: CallerRole): string
}

export const PASSWORD = 'matrix-password-1'
export const WRONG_PASSWORD = 'matrix-wrong-password'
export const FUTURE = '2099-01-01T00:00:00.000Z'
const LATER = '2099-01-02T00:00:00.000Z'
const OWNER = { username: 'owner', email: 'owner@example.com' }

/** Rows that belong to a user: the caller's own (`me`) or another user's (`owner`, created first). */
function owned(
  entity: string,
  caller: CallerRole,
  row: (owner: string, key: string) => Row,
  show: (key: string) => Row,
): Target[] {
  const make = (key: 'own' | 'other'): Target => {
    const owner = key === 'own' ? '$me' : '$owner'
    const user = key === 'own' ? [] : [sys('User', OWNER, 'owner')]
    return {
      key,
      facts: { id: key },
      own: key === 'own',
      setup: (withRow) => [...user, ...(withRow ? [sys(entity, row(owner, key), key)] : [])],
      show: show(key),
      item: (n) => row(owner, `${key}-${n}`),
    }
  }
  return caller === 'anonymous' ? [make('other')] : [make('own'), make('other')]
}

/** The caller's own user, created by a case whose setup refers to it (saved as `me`). */
export const meUser = (caller: CallerRole) => ({
  username: `me_${caller}`,
  email: `me_${caller}@example.com`,
  role: caller,
})

const userKit: Kit = {
  entity: 'User',
  targets: (caller) => [
    ...(caller === 'anonymous'
      ? []
      : [
          {
            key: 'self',
            facts: { id: 'self', role: caller },
            own: false,
            setup: () => [],
            show: { username: `actor_${caller}`, role: caller },
            item: () => ({}),
          },
        ]),
    ...ROLES.map((r): Target => {
      const key = `other_${r}`
      const row = { username: key, email: `${key}@example.com`, role: r }
      return {
        key,
        facts: { id: key, role: r },
        own: false,
        setup: () => [sys('User', row, key)],
        show: { username: key, role: r },
        item: () => ({}),
      }
    }),
  ],
  patch: { email: 'changed@example.com' },
  sort: { username: 'asc' },
  ref: (t, caller) => (t.key === 'self' ? `$actor_${caller}` : `$${t.key}`),
}

const plainRef = (t: Target) => `$${t.key}`

function credentialKit(caller: CallerRole): Kit {
  const username = (own: boolean) => (own ? meUser(caller).username : OWNER.username)
  return {
    entity: 'Credential',
    targets: () =>
      owned(
        'Credential',
        caller,
        (owner) => ({ username: username(owner === '$me'), password: PASSWORD }),
        (key) => ({ username: username(key === 'own') }),
      ).map((t) => ({
        ...t,
        // A user has one credential: a new one is for the same user (whose setup then omits the row).
        item: () => ({ username: username(t.own), password: PASSWORD }),
        keys: { username: username(t.own) },
      })),
    patch: { firstLogin: false },
    sort: { username: 'asc' },
    ref: plainRef,
  }
}

const token = (key: string) => `matrix-token-${key}-0123456789abcdef`

const sessionKit = (caller: CallerRole): Kit => ({
  entity: 'Session',
  targets: () =>
    // Distinct expiries make the list order (by expiresAt) deterministic: own first.
    owned(
      'Session',
      caller,
      (owner, key) => ({
        userId: `${owner}.id`,
        token: token(key),
        expiresAt: key.startsWith('own') ? FUTURE : LATER,
      }),
      (key) => ({ id: `$${key}.id` }),
    ).map((t) => ({
      ...t,
      keys: { token: token(t.key), userId: t.own ? '$me.id' : '$owner.id' },
    })),
  patch: { expiresAt: '2098-01-01T00:00:00.000Z' },
  sort: { expiresAt: 'asc' },
  ref: plainRef,
})

const pageKit: Kit = {
  entity: 'PageView',
  targets: () =>
    [1, 2, 3, 4, 5].map((level): Target => {
      const row = (slug: string) => ({ slug, title: `Page ${slug}`, level, layout: {} })
      const key = `level${level}`
      const slug = `page-${level}`
      return {
        key,
        facts: { id: key, level },
        own: false,
        setup: () => [sys('PageView', row(slug), key)],
        show: { level },
        item: (n) => row(`${slug}-${n}`),
        keys: { slug, level },
      }
    }),
  patch: { title: 'Changed' },
  sort: { level: 'asc' },
  ref: plainRef,
}

const componentKit: Kit = {
  entity: 'ComponentHierarchy',
  // One target: the policy has no row rule here. Its page is level 1, which every caller may read:
  // getTree reads its page through the PageView level rule, which §7 does not ask for (on a level-4 page
  // an admin may list and read the components but getTree is FORBIDDEN: reported, not encoded here).
  targets: () => [
    {
      key: 'component',
      facts: { id: 'component' },
      own: false,
      setup: (withRow) => [
        sys('PageView', { slug: 'page-1', title: 'Page 1', level: 1, layout: {} }, 'page'),
        ...(withRow
          ? [sys('ComponentHierarchy', { pageId: '$page.id', componentType: 'Box' }, 'component')]
          : []),
      ],
      show: { componentType: 'Box' },
      item: () => ({ pageId: '$page.id', componentType: 'Box' }),
    },
  ],
  patch: { componentType: 'Text' },
  sort: { componentType: 'asc' },
  ref: plainRef,
}

const ownedKit =
  (entity: string, by: string, row: (key: string) => Row, patch: Row) =>
  (caller: CallerRole): Kit => ({
    entity,
    targets: () =>
      owned(
        entity,
        caller,
        (owner, key) => ({ ...row(key), [by]: `${owner}.id` }),
        (key) => ({ name: row(key).name }),
      ),
    patch,
    sort: { name: 'asc' },
    ref: plainRef,
  })

const workflowKit = ownedKit(
  'Workflow',
  'createdBy',
  (key) => ({ name: `wf-${key}`, trigger: 'manual', triggerConfig: {}, steps: {} }),
  { isActive: false },
)
const scriptKit = ownedKit('LuaScript', 'createdBy', (key) => ({ name: `script-${key}`, code: 'return 1' }), {
  timeoutMs: 1000,
})
const packageKit = ownedKit(
  'Package',
  'installedBy',
  (key) => ({ name: `pkg-${key}`, version: '1.0.0', author: 'a', manifest: {} }),
  { isInstalled: true },
)

/** Every entity's kit, for one caller, in the order of the matrix file. */
export const kits = (caller: CallerRole): Kit[] => [
  userKit,
  credentialKit(caller),
  sessionKit(caller),
  pageKit,
  componentKit,
  workflowKit(caller),
  scriptKit(caller),
  packageKit(caller),
]
