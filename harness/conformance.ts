/**
 * `runConformance({ factory })`: the whole suite against any adapter factory (abstract-level's
 * `suite({ test, factory })` is the model), streaming the same result events `dbal test` writes. The
 * vectors include the ACL matrix and stories (`as:` steps run through the ACL decorator over the
 * adapter), transactions and the regression vectors. `dbal certify` is built on it.
 */
import type { AdapterFactory, Capabilities, ManagedAdapter } from '../core/adapter.ts'
import type { Backend } from './backend.ts'
import { managed } from './backends/adapter.ts'
import type { Deviation } from './deviations.ts'
import { tallies, type ResultEvent, type StepEvent, type Tally } from './results.ts'
import { runSuite } from './suite.ts'
import { DEFAULT_VECTORS, loadVectors } from './vectors/load.ts'
import type { VectorFile } from './vectors/model.ts'

export interface ConformanceOptions {
  /** Builds the adapter under test; called again only if a case closed the last one. */
  readonly factory: AdapterFactory
  /** The name results carry; default: the adapter's own `name`. */
  readonly name?: string
  /** Vector files or folders; default: every vector shipped with the package. */
  readonly vectors?: readonly string[]
  /** The vector files already loaded (instead of `vectors`). */
  readonly files?: readonly VectorFile[]
  /** The adapter's known deviations (format: harness/deviations.ts); default: none. */
  readonly deviations?: readonly Deviation[]
  /** Every result event, as it happens. */
  readonly onEvent?: (e: ResultEvent) => void
  /** After each case, for progress. */
  readonly onCase?: () => void
}

export interface ConformanceResult {
  readonly backend: string
  /** False when the adapter could not be provisioned or the run aborted (`reason` says why). */
  readonly ran: boolean
  readonly reason?: string
  readonly where?: string
  readonly capabilities?: Capabilities
  readonly tally: Tally
  /** Failed steps and deviations that no longer happen (XPASS). */
  readonly failures: readonly StepEvent[]
  readonly events: readonly ResultEvent[]
  readonly files: readonly VectorFile[]
  /** True when it ran and nothing failed. */
  readonly passed: boolean
}

/** A backend made of a factory: provisioned like every registered adapter (harness/backends/adapter.ts). */
export function factoryBackend(name: string, factory: AdapterFactory, first?: ManagedAdapter): Backend {
  return {
    name,
    kind: 'embedded',
    description: 'an adapter given by its factory',
    async provision() {
      let ready = first
      first = undefined
      const open = async () => {
        const a = ready ?? (await factory({}))
        ready = undefined
        return a
      }
      return managed(open, { where: 'where its factory put it', drop: async () => {} })
    },
  }
}

/** Runs `backend` alone through the suite. Also what `dbal certify --endpoint` runs. */
export async function runBackend(
  backend: Backend,
  o: Omit<ConformanceOptions, 'factory' | 'name'> = {},
): Promise<ConformanceResult> {
  const files = o.files ?? loadVectors(o.vectors ?? [DEFAULT_VECTORS])
  const events: ResultEvent[] = []
  await runSuite({
    backends: [backend],
    required: new Set([backend.name]),
    files,
    deviations: o.deviations ?? [],
    emit: (e) => {
      events.push(e)
      o.onEvent?.(e)
    },
    onCase: () => o.onCase?.(),
  })
  const status = events.find((e) => e.type === 'backend')
  const tally = tallies(events).byBackend.get(backend.name) ?? tallies([]).total
  const failures = events.filter(
    (e): e is StepEvent => e.type === 'step' && (e.outcome === 'fail' || e.outcome === 'xpass'),
  )
  const ran = status?.type === 'backend' && status.status === 'run'
  return {
    backend: backend.name,
    ran,
    ...(status?.type === 'backend' && status.reason ? { reason: status.reason } : {}),
    ...(status?.type === 'backend' && status.where ? { where: status.where } : {}),
    ...(status?.type === 'backend' && status.capabilities
      ? { capabilities: status.capabilities as Capabilities }
      : {}),
    tally,
    failures,
    events,
    files,
    passed: ran && tally.failed === 0,
  }
}

export async function runConformance(o: ConformanceOptions): Promise<ConformanceResult> {
  const first = await o.factory({})
  return runBackend(factoryBackend(o.name ?? first.name, o.factory, first), o)
}
