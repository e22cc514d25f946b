/**
 * Known deviations of a backend from the reference (Ibis style): typed, with a reason, and still run.
 * A deviating step that fails is `xfail`; one that passes is `xpass`, reported as a failure so the
 * stale entry is noticed and removed. Files: harness/deviations/*.yaml, each a list of entries.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { Reader } from '../core/config-error.ts'

export const DEVIATION_TYPES = ['bug', 'notimpl', 'notyet', 'never'] as const

/**
 * What the backend gives instead of the reference's outcome: an error code, or a success with a different
 * output. Checked: a step that deviates in another way than ledgered is a failure, not an xfail.
 */
export type DeviationExpected =
  { readonly status: 'error'; readonly code: string } | { readonly status: 'success' }

export interface Deviation {
  readonly backend: string
  /** A case name; `*` matches any run of characters. */
  readonly case: string
  readonly step?: number
  readonly type: (typeof DEVIATION_TYPES)[number]
  readonly reason: string
  /** An issue or upstream bug report, for the reader of the ledger. */
  readonly link?: string
  readonly expected: DeviationExpected
  readonly file: string
}

const DIR = fileURLToPath(new URL('./deviations/', import.meta.url))

const glob = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`)

export function loadDeviations(dir = DIR): Deviation[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .flatMap((f) => {
      const path = join(dir, f)
      const r = new Reader(path, '', parse(readFileSync(path, 'utf8')) ?? [])
      return r.items().map((x) => {
        x.object(['backend', 'case', 'step', 'type', 'reason', 'link', 'expected'])
        const expected = x.child('expected')
        return {
          backend: x.child('backend').string(),
          case: x.child('case').string(),
          step: x.optional('step', (y) => y.number()),
          type: x.child('type').oneOf(DEVIATION_TYPES),
          reason: x.child('reason').string(),
          link: x.optional('link', (y) => y.string()),
          expected: expectedOf(expected),
          file: path,
        }
      })
    })
}

/** `expected: success`, or `expected: { error: CODE }`. */
function expectedOf(r: Reader): DeviationExpected {
  if (r.value === 'success') return { status: 'success' }
  r.object(['error'])
  return { status: 'error', code: r.child('error').string() }
}

/** Whether the step's actual outcome is the ledgered one (a failure to match is a new deviation). */
export function deviatesAsLedgered(d: Deviation, actual: { status: string; error?: unknown } | undefined) {
  if (!actual) return false
  if (d.expected.status === 'success') return actual.status === 'success'
  return actual.status === 'error' && (actual.error as { code?: unknown }).code === d.expected.code
}

/** The deviation that covers a step of a case on a backend, if any. */
export function deviationFor(
  list: readonly Deviation[],
  backend: string,
  caseName: string,
  step: number,
): Deviation | undefined {
  return list.find(
    (d) => d.backend === backend && glob(d.case).test(caseName) && (d.step === undefined || d.step === step),
  )
}
