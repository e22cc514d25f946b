/**
 * Runs the Gherkin features (features/*.feature) on backends through cucumber's JavaScript API, one
 * backend after another (cucumber's support code registry is global to the process): each scenario on
 * a fresh database, its steps joining the results stream as suite `features`, and cucumber's own HTML,
 * JUnit and message reports written to `reportDir/cucumber/<backend>.html|.xml|.ndjson`.
 */
import { mkdirSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { Writable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { loadConfiguration, runCucumber, type ISupportCodeLibrary } from '@cucumber/cucumber/api'
import type { Capabilities } from '../../core/adapter.ts'
import type { Backend, Provisioned } from '../backend.ts'
import { DEFAULT_FEATURES } from '../features.ts'
import { observe } from '../observe.ts'
import type { ResultEvent } from '../results.ts'
import { StepEvents, type Envelope } from './events.ts'
import { stepLibrary } from './library.ts'
import { dropTarget, setTarget } from './shared.ts'

export interface FeatureOptions {
  readonly backends: readonly Backend[]
  /** Backends whose not running matters: a provisioning failure of one is logged as such. */
  readonly required: ReadonlySet<string>
  /** A cucumber tag expression (`@acl and not @slow`); default: every scenario. */
  readonly tags?: string
  /** Feature files or folders; default: the project's features/. */
  readonly paths?: readonly string[]
  readonly runId: string
  readonly emit: (e: ResultEvent) => void
  readonly reportDir: string
  readonly log?: (line: string) => void
  /** Extra support files registered after the step library (the self-tests' deliberate mistakes). */
  readonly support?: readonly string[]
}

/** The project root: cucumber runs there, so a scenario's file reads `features/sign-up.feature`. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url))

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!
const discard = () => new Writable({ write: (_c, _e, done) => done() })

/** Writes what cucumber prints on stderr (parse errors, formatter problems) to the log. */
function logStream(log: ((line: string) => void) | undefined, backend: string): Writable {
  return new Writable({
    write(chunk: Buffer, _e, done) {
      for (const line of chunk.toString().split('\n'))
        if (line.trim()) log?.(`features on ${backend}: ${line}`)
      done()
    },
  })
}

async function capabilitiesOf(p: Provisioned): Promise<Capabilities> {
  return (p.freshExecutor ? await p.freshExecutor() : await p.fresh()).capabilities()
}

async function runCucumberOn(b: Backend, o: FeatureOptions, library: ISupportCodeLibrary): Promise<void> {
  const out = join(o.reportDir, 'cucumber', b.name)
  const paths = (o.paths ?? [DEFAULT_FEATURES]).map((p) => resolve(p))
  const environment = { cwd: PROJECT_ROOT, stdout: discard(), stderr: logStream(o.log, b.name) }
  const { runConfiguration } = await loadConfiguration(
    {
      file: false,
      provided: {
        paths,
        tags: o.tags ?? '',
        strict: true,
        publish: false,
        format: ['summary', ['html', `${out}.html`], ['junit', `${out}.xml`], ['message', `${out}.ndjson`]],
        formatOptions: { junit: { suiteName: `features on ${b.name}` } },
        worldParameters: { backend: b.name },
      },
    },
    environment,
  )
  const events = new StepEvents(b.name, (uri) => relative(PROJECT_ROOT, resolve(PROJECT_ROOT, uri)), o.emit)
  await runCucumber({ ...runConfiguration, support: library }, environment, (e) =>
    events.onMessage(e as Envelope),
  )
}

async function runBackend(b: Backend, o: FeatureOptions, library: ISupportCodeLibrary): Promise<void> {
  const required = o.required.has(b.name) ? ' (required)' : ''
  const prov = await b.provision(o.runId).catch((e: unknown) => {
    o.log?.(`features on ${b.name}${required}: provisioning failed: ${message(e)}`)
    return undefined
  })
  // A backend that cannot run here is reported once, by the vector run's backend event.
  if (!prov || 'notRun' in prov) return
  try {
    setTarget({ name: b.name, prov, caps: await capabilitiesOf(prov) })
    await runCucumberOn(b, o, library)
  } catch (e) {
    o.log?.(`features on ${b.name}${required}: aborted: ${message(e)}`)
    // Scenarios that never ran must not look like a short pass: the abort is a failed step of its own.
    o.emit({
      type: 'step',
      backend: b.name,
      suite: 'features',
      file: 'features',
      case: '(the feature run)',
      step: 0,
      action: 'run the features',
      entity: 'features',
      outcome: 'fail',
      durationMs: 0,
      reason: `aborted: ${message(e)}`,
      tags: [],
      ...observe(undefined, new Map()),
    })
  } finally {
    dropTarget(b.name)
    await prov.cleanup().catch((e: unknown) => o.log?.(`warning: cleanup of ${b.name} failed: ${message(e)}`))
  }
}

/** Runs the features on each backend in turn; step events go to `o.emit`. */
export async function runFeatures(o: FeatureOptions): Promise<void> {
  mkdirSync(join(o.reportDir, 'cucumber'), { recursive: true })
  const library = await stepLibrary(
    PROJECT_ROOT,
    o.support?.map((p) => resolve(p)),
  )
  for (const b of o.backends) await runBackend(b, o, library)
}
