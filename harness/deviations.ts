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

export const DEVIATION_TYPES = ['notimpl', 'notyet', 'never'] as const

export interface Deviation {
  readonly backend: string
  /** A case name; `*` matches any run of characters. */
  readonly case: string
  readonly step?: number
  readonly type: (typeof DEVIATION_TYPES)[number]
  readonly reason: string
  /** The error code the backend gives instead, where it gives one. */
  readonly error?: string
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
        x.object(['backend', 'case', 'step', 'type', 'reason', 'error'])
        return {
          backend: x.child('backend').string(),
          case: x.child('case').string(),
          step: x.optional('step', (y) => y.number()),
          type: x.child('type').oneOf(DEVIATION_TYPES),
          reason: x.child('reason').string(),
          error: x.optional('error', (y) => y.string()),
          file: path,
        }
      })
    })
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
