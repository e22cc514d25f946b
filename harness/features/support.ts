/**
 * The whole step library, registered by one call: cucumber's support code registry is global and ESM
 * modules evaluate once, so the runner's entry module calls this on every load (library.ts).
 */
import { setDefaultTimeout, setWorldConstructor } from '@cucumber/cucumber'
import { defineHooks } from './hooks.ts'
import { defineParameterTypes } from './params.ts'
import { defineActionSteps } from './steps-actions.ts'
import { defineCheckSteps } from './steps-checks.ts'
import { defineDomainSteps } from './steps-domain.ts'
import { defineSetupSteps } from './steps-setup.ts'
import { FeatureWorld } from './world.ts'

/** A step over the daemon may wait for a reconnect; a lockout story runs six scrypt checks. */
const STEP_TIMEOUT_MS = 60_000

export function defineSupport(): void {
  setWorldConstructor(FeatureWorld)
  setDefaultTimeout(STEP_TIMEOUT_MS)
  defineParameterTypes()
  defineHooks()
  defineSetupSteps()
  defineActionSteps()
  defineDomainSteps()
  defineCheckSteps()
}
