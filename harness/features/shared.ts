/**
 * What the feature runner and the step library share inside one process: the backend the scenarios
 * run on now (cucumber's world parameters must be JSON, so they carry only its name) and what each
 * step observed (the AfterStep hook records it, the runner puts it into the step's result event).
 */
import type { Capabilities } from '../../core/adapter.ts'
import type { Provisioned } from '../backend.ts'
import type { Observation } from '../observe.ts'

export interface Target {
  readonly name: string
  readonly prov: Provisioned
  readonly caps: Capabilities
}

const targets = new Map<string, Target>()

export function setTarget(t: Target): void {
  targets.set(t.name, t)
}

export function dropTarget(name: string): void {
  targets.delete(name)
}

export function targetNamed(name: string): Target {
  const t = targets.get(name)
  if (!t) throw new Error(`no backend ${name} is being run: features run through runFeatures()`)
  return t
}

/** Keyed by `observationKey`; the runner takes (and deletes) each entry when the scenario ends. */
export const observations = new Map<string, Observation>()

export const observationKey = (testCaseStartedId: string, testStepId: string) =>
  `${testCaseStartedId}/${testStepId}`

/** The prefix of the log line a skipped scenario's Before hook writes; the runner reads it back. */
export const SKIP_PREFIX = 'backend lacks '
