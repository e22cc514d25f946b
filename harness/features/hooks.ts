/**
 * The scenario's life: Before skips it when it is tagged with a capability the backend does not
 * declare (the reason goes into the report as a log line), else gives it a client on a fresh
 * database; AfterStep records what the step observed; After refuses a transaction left open.
 */
import { After, AfterStep, Before } from '@cucumber/cucumber'
import { DBALClient } from '../../core/client.ts'
import { schema } from '../../core/schema.ts'
import { observe, type Seen } from '../observe.ts'
import { caseIds } from '../run.ts'
import { observationKey, observations, SKIP_PREFIX, targetNamed } from './shared.ts'
import { abandon } from './transactions.ts'
import type { FeatureWorld } from './world.ts'

/**
 * The stories check what credentials do, not how long scrypt takes (the same cheaper cost as the
 * vectors, stored with each hash); a daemon hashes with its own configured cost.
 */
const FEATURE_SCRYPT = { N: 1024, r: 8, p: 1 } as const

const HOUR = 3_600_000
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/

/**
 * Stories set times relative to now ("expired 48 hours ago"); backends run them seconds apart, so such
 * a time is shown as whole hours from now (`<now-48h>`) to compare alike. Times within a day are left
 * to observe(), which shows them as `<now>`.
 */
function relativeTime(v: unknown, now: number): unknown {
  if (typeof v === 'string' && ISO.test(v)) {
    const hours = Math.round((Date.parse(v) - now) / HOUR)
    return Math.abs(hours) >= 24 && Math.abs(hours) <= 24 * 400 ? `<now${hours > 0 ? '+' : ''}${hours}h>` : v
  }
  if (Array.isArray(v)) return v.map((x) => relativeTime(x, now))
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, relativeTime(x, now)]))
  return v
}

const relativeTimes = (s: Seen, now = Date.now()): Seen =>
  s?.status === 'success' ? { status: 'success', output: relativeTime(s.output, now) } : s

/** The capabilities a scenario's tags require. */
export const requiredCapabilities = (tags: readonly { name: string }[]): string[] =>
  tags.map((t) => t.name.replace(/^@/, '')).filter((t) => schema.capabilities.has(t))

export function defineHooks(): void {
  Before(async function (this: FeatureWorld, { pickle }) {
    const target = targetNamed(this.parameters.backend)
    const missing = requiredCapabilities(pickle.tags).filter(
      (c) => !target.caps[c as keyof typeof target.caps],
    )
    if (missing.length) {
      this.log(`${SKIP_PREFIX}${missing.join(', ')}`)
      return 'skipped'
    }
    const p = target.prov
    this.base = p.freshExecutor
      ? new DBALClient({ executor: await p.freshExecutor() })
      : new DBALClient({
          adapter: await p.fresh(),
          scrypt: FEATURE_SCRYPT,
          ids: caseIds(`${pickle.uri}#${pickle.name}`),
        })
    return undefined
  })

  AfterStep(function (this: FeatureWorld, { testCaseStartedId, testStepId }) {
    observations.set(
      observationKey(testCaseStartedId, testStepId),
      observe(relativeTimes(this.seen), this.ids),
    )
    this.seen = undefined
  })

  After(async function (this: FeatureWorld) {
    if (await abandon(this))
      throw new Error('the scenario ended inside an open transaction (rolled back): commit or roll it back')
  })
}
