/**
 * The ACL matrix (issue 4, item 6): every caller × entity × operation × target row, with the outcome the
 * independent oracle (./oracle.ts) computes from schema/acl.yaml, written to contracts/acl/matrix.yaml.
 * `dbal generate` calls writeAclMatrix(); test/acl-matrix.test.ts fails when the file is stale.
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Document, isMap, isPair, isScalar, visit } from 'yaml'
import {
  accessClass,
  CALLERS,
  decide,
  operationsOf,
  ROLES,
  type CallerRole,
  type RowFacts,
} from './oracle.ts'
import {
  kits,
  meUser,
  PASSWORD,
  sys,
  WRONG_PASSWORD,
  type Kit,
  type Row,
  type StepDoc,
  type Target,
} from './targets.ts'

export const MATRIX_PATH = fileURLToPath(new URL('../../contracts/acl/matrix.yaml', import.meta.url))

/** One call of the matrix: the rows it needs, its input, and what succeeding looks like. */
interface Call {
  readonly op: string
  /** The row(s) it addresses (a target's key, `new row`, `all rows`) and what varies besides. */
  readonly on: string
  readonly variant?: string
  /** Targets set up with their rows; `bare`: set up without its row (a create of it). */
  readonly targets: readonly Target[]
  readonly bare?: Target
  readonly input: Row
  /** The role the call writes, for the oracle. */
  readonly role?: string
  /** The expectation when the oracle allows the call; `visible`: the targets the caller may see. */
  success(visible: readonly Target[]): Row
}

const ok = (output: unknown): Row => ({ status: 'success', output })
const FORBIDDEN: Row = { status: 'error', error: { code: 'FORBIDDEN' } }

const facts = (ts: readonly Target[]): RowFacts[] => ts.map((t) => t.facts)
const key = (t: Target, k: string) => t.keys?.[k] ?? t.show[k]

function sorted(kit: Kit, ts: readonly Target[]): Target[] {
  const field = Object.keys(kit.sort)[0]!
  const v = (t: Target) => t.show[field] as string | number | undefined
  return [...ts].sort((a, b) =>
    v(a) === undefined || v(b) === undefined ? 0 : v(a)! < v(b)! ? -1 : v(a)! > v(b)! ? 1 : 0,
  )
}

/** A create of each kind of row the entity has (User: each role, or none). */
function creates(kit: Kit, ts: readonly Target[]): Call[] {
  if (kit.entity === 'User') {
    return [undefined, ...ROLES].flatMap((role): Call[] => {
      const user = (n: string, withRole = true) => ({
        username: n,
        email: `${n}@example.com`,
        ...(role && withRole ? { role } : {}),
      })
      const variant = `role ${role ?? '(default)'}`
      const on = 'new row'
      return [
        {
          op: 'create',
          on,
          variant,
          targets: [],
          input: user('new_user'),
          role,
          success: () => ok({ username: 'new_user', role: role ?? 'user' }),
        },
        // One item with the role among plain ones: the whole batch stands or falls with it.
        {
          op: 'createMany',
          on,
          variant,
          targets: [],
          input: { items: [user('new_a', false), user('new_b')] },
          role,
          success: () => ok(2),
        },
      ]
    })
  }
  return ts.flatMap((t): Call[] => {
    const { password: _, ...shown } = t.item('new')
    return [
      {
        op: 'create',
        on: `new row (${t.key})`,
        targets: [],
        bare: t,
        input: t.item('new'),
        success: () => ok({ id: '$uuid', ...shown }),
      },
      {
        op: 'createMany',
        on: `new row (${t.key})`,
        targets: [],
        bare: t,
        input: { items: [t.item('new')] },
        success: () => ok(1),
      },
    ]
  })
}

/** The calls on one target row; `ref` is its saved name. */
function onTarget(kit: Kit, t: Target, ref: string): Call[] {
  const id = `${ref}.id`
  const one = (op: string, input: Row, success: Call['success'], extra: Partial<Call> = {}): Call => ({
    op,
    on: t.key,
    targets: [t],
    input,
    success,
    ...extra,
  })
  const n = (vis: readonly Target[]) => ok(vis.length)
  const calls = [
    one('read', { id }, () =>
      ok({ id, ...t.show, ...(kit.entity === 'Credential' ? { passwordHash: '$absent' } : {}) }),
    ),
    one('update', { id, ...kit.patch }, () => ok({ id, ...kit.patch })),
    one('delete', { id }, () => ok(true)),
    one('updateMany', { filter: { id }, data: kit.patch }, n),
    one('deleteMany', { filter: { id } }, n),
  ]
  if (kit.entity === 'User')
    for (const role of ROLES) {
      calls.push(one('update', { id, role }, () => ok({ id, role }), { variant: `role ${role}`, role }))
      calls.push(one('updateMany', { filter: { id }, data: { role } }, n, { variant: `role ${role}`, role }))
    }
  const username = key(t, 'username')
  const byEntity: Record<string, Call[]> = {
    Credential: [
      one('set', { username, password: PASSWORD }, () => ok(true)),
      // The gateway: allowed callers get true or UNAUTHORIZED, never FORBIDDEN.
      one('verify', { username, password: PASSWORD }, () => ok(true), { variant: 'right password' }),
      one(
        'verify',
        { username, password: WRONG_PASSWORD },
        () => ({ status: 'error', error: { code: 'UNAUTHORIZED' } }),
        { variant: 'wrong password' },
      ),
      one('setFirstLogin', { username, firstLogin: false }, () => ok(true)),
      one('getFirstLogin', { username }, () => ok(true)),
      one('deleteByUsername', { username }, () => ok(true)),
    ],
    Session: [one('resolve', { token: key(t, 'token') }, () => ok({ id: key(t, 'userId') }))],
    PageView: [
      one('readBySlug', { slug: key(t, 'slug') }, (vis) =>
        vis.length ? ok({ id, level: key(t, 'level') }) : { status: 'error', error: { code: 'NOT_FOUND' } },
      ),
      one('listByLevel', { level: key(t, 'level') }, (vis) => ({ status: 'success', length: vis.length })),
    ],
    ComponentHierarchy: [
      one('getTree', { pageId: '$page.id' }, (vis) => ({ status: 'success', length: vis.length })),
      one('reorder', { components: [{ id, order: 3 }] }, () => ok(true)),
      one('move', { id, newParentId: null, order: 2 }, () => ok({ id, order: 2 })),
    ],
  }
  return [...calls, ...(byEntity[kit.entity] ?? [])]
}

/** The calls that read every target at once: which rows a caller sees. */
function onAll(kit: Kit, ts: readonly Target[]): Call[] {
  const all = (op: string, input: Row, success: Call['success']): Call => ({
    op,
    on: 'all rows',
    targets: ts,
    input,
    success,
  })
  const calls = [
    all('list', { sort: kit.sort }, (vis) => ({
      status: 'success',
      length: vis.length,
      output: { total: vis.length, data: sorted(kit, vis).map((t) => t.show) },
    })),
    all('count', {}, (vis) => ok(vis.length)),
  ]
  if (kit.entity === 'User')
    calls.push(all('search', { query: 'example' }, (vis) => ({ status: 'success', length: vis.length })))
  if (kit.entity === 'Session') calls.push(all('purgeExpired', {}, () => ok(0)))
  return calls
}

export interface CaseDoc {
  name: string
  steps: StepDoc[]
}

const CLASS_ORDER = ['read', 'verify', 'create', 'update', 'delete']
const BULK = new Set(['updateMany', 'deleteMany'])

/**
 * The cases of one caller on one entity. The setup (above all the scrypt hash of a Credential) is what a
 * case costs, so calls that leave the rows as they were share a case when they share a setup: denied calls
 * (nothing happens), reads, the verify gateway (it only counts failures), and bulk writes that match no
 * row the caller may see (expected to answer 0: touching a hidden row shows). Every other call the oracle
 * allows gets a case of its own. Within a shared case reads come first and deletes last, so that a call
 * wrongly allowed disturbs as few of the steps after it as possible.
 */
function casesOf(caller: CallerRole, kit: Kit, calls: readonly Call[]): CaseDoc[] {
  const groups = new Map<
    string,
    { setup: StepDoc[]; on: string; steps: { c: Call; step: StepDoc; allowed: boolean; none: boolean }[] }
  >()
  const out: CaseDoc[] = []
  for (const c of calls) {
    const own = [...c.targets, ...(c.bare ? [c.bare] : [])].some((t) => t.own)
    const me = own ? [sys('User', meUser(caller), 'me')] : []
    const setup = [...me, ...c.targets.flatMap((t) => t.setup(true)), ...(c.bare ? c.bare.setup(false) : [])]
    const v = decide(caller, kit.entity, c.op, { rows: facts(c.targets), role: c.role })
    const as = caller === 'anonymous' ? 'anonymous' : own ? '$me' : caller
    const step: StepDoc = {
      action: c.op,
      entity: kit.entity,
      as,
      input: c.input,
      expected: v.allowed ? c.success(c.targets.filter((t) => v.visible.includes(t.facts))) : FORBIDDEN,
    }
    const cls = accessClass(kit.entity, c.op)
    const inert = !v.allowed || cls === 'read' || v.gateway || (BULK.has(c.op) && v.visible.length === 0)
    if (!inert) {
      out.push({
        name: `${kit.entity}.${c.op} as ${caller}: ${c.on}${c.variant ? `, ${c.variant}` : ''}`,
        steps: [...setup, step],
      })
      continue
    }
    const sig = JSON.stringify([c.on, setup])
    let g = groups.get(sig)
    if (!g) groups.set(sig, (g = { setup, on: c.on, steps: [] }))
    g.steps.push({
      c,
      step,
      allowed: v.allowed,
      none: v.allowed && !v.gateway && c.targets.length > 0 && v.visible.length === 0,
    })
  }
  const named = ({ c, none }: { c: Call; none: boolean }) =>
    `${c.op}${c.variant ? ` (${c.variant})` : ''}${none ? ' sees none' : ''}`
  for (const g of groups.values()) {
    const rank = (c: Call) => CLASS_ORDER.indexOf(accessClass(kit.entity, c.op))
    const steps = [...g.steps].sort((a, b) => rank(a.c) - rank(b.c))
    const allowed = steps.filter((s) => s.allowed).map(named)
    const denied = steps.filter((s) => !s.allowed).map(named)
    const what = [
      ...(allowed.length ? [allowed.join(', ')] : []),
      ...(denied.length ? [`FORBIDDEN ${denied.join(', ')}`] : []),
    ].join('; ')
    out.push({
      name: `${kit.entity} as ${caller} on ${g.on}: ${what}`,
      steps: [...g.setup, ...steps.map((s) => s.step)],
    })
  }
  return out
}

/** Every case of the matrix, callers outermost. Fails when an operation has no call here. */
export function matrixCases(): CaseDoc[] {
  const out: CaseDoc[] = []
  for (const caller of CALLERS) {
    for (const kit of kits(caller)) {
      const ts = kit.targets(caller)
      const calls = [
        ...creates(kit, ts),
        ...ts.flatMap((t) => onTarget(kit, t, kit.ref(t, caller))),
        ...onAll(kit, ts),
      ]
      const missing = operationsOf(kit.entity).filter((op) => !calls.some((c) => c.op === op))
      if (missing.length) throw new Error(`ACL matrix: no call for ${kit.entity}.${missing.join(', ')}`)
      out.push(...casesOf(caller, kit, calls))
    }
  }
  return out
}

const HEADER = ` Generated from schema/acl.yaml by \`dbal generate\` (harness/acl/matrix.ts): do not edit.
 The ACL matrix (CONTRACT §7): every caller × entity × operation × target row (own / another's, a
 User of each rank, a page of each level), each case on a fresh database: the system creates the rows,
 then the caller runs the operation. Outcomes come from harness/acl/oracle.ts, an evaluator of the
 policy independent of core/acl. \`as: $me\` is the caller created by the case where its setup needs
 the caller's id; otherwise the runner creates \`actor_<role>\`.`

/** The matrix file's text: deterministic, so a stale copy is detected by comparing. */
export function renderAclMatrix(cases: readonly CaseDoc[] = matrixCases()): string {
  const doc = new Document(
    { schemaVersion: '1.0.0', description: 'ACL matrix generated from schema/acl.yaml (CONTRACT §7)', cases },
    { aliasDuplicateObjects: false },
  )
  doc.commentBefore = HEADER
  // Inputs and expectations on one line each: the file stays readable at a few thousand cases.
  visit(doc, {
    Map(_, map) {
      // Setup steps (the system creating rows) on one line each, so the caller's step stands out.
      if (map.has('save') && map.has('action')) map.flow = true
    },
    Pair(_, pair) {
      if (!isPair(pair) || !isScalar(pair.key)) return
      if ((pair.key.value === 'input' || pair.key.value === 'expected') && isMap(pair.value))
        pair.value.flow = true
      if (pair.key.value === 'schemaVersion' && isScalar(pair.value)) pair.value.type = 'QUOTE_DOUBLE'
    },
  })
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true })
}

export interface MatrixStats {
  readonly path: string
  readonly cases: number
  readonly steps: number
}

export function writeAclMatrix(path = MATRIX_PATH): MatrixStats {
  const cases = matrixCases()
  writeFileSync(path, renderAclMatrix(cases))
  return { path, cases: cases.length, steps: cases.reduce((n, c) => n + c.steps.length, 0) }
}
