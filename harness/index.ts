/**
 * `@metabuilder/dbal/harness`, for adapter authors (docs/adapters.md): `runConformance({ factory })`,
 * the whole suite against any adapter factory, and what `dbal certify` writes; the conformance
 * vectors shipped with the package, their loader and runner; the registry of the backends we ship.
 */
export type { Backend, BackendKind, Provision, Provisioned } from './backend.ts'
export { freshAdapter } from './backend.ts'
export { testCommand, type TestOptions } from './commands/test.ts'
export { loadDeviations, type Deviation } from './deviations.ts'
export type { Outcome, ResultEvent, StepEvent, Tally } from './results.ts'
export { judge, runCase, runFiles, type RunOptions } from './run.ts'
export { DEFAULT_VECTORS, loadVectorFile, loadVectors } from './vectors/load.ts'
export type { Case, Expected, ExpectedError, Step, VectorFile } from './vectors/model.ts'
export {
  factoryBackend,
  runBackend,
  runConformance,
  type ConformanceOptions,
  type ConformanceResult,
} from './conformance.ts'
export { certificateOf, type Certificate, type Subject } from './certificate.ts'
export { REGISTRY, registryEntry, type AdapterEntry, type OpenOptions } from '../adapters/registry.ts'
export { loadFactory } from './load-adapter.ts'

// For adapters that evaluate queries themselves (a document or file store): the reference's meaning of
// a filter, and the code-point order and case folding of CONTRACT §5.
export { matches } from '../reference/match.ts'
export { compareCodePoints, foldCase } from '../core/text.ts'
