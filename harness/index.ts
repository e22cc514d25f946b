/**
 * `@metabuilder/dbal/harness`, for adapter authors: the conformance vectors shipped with the package,
 * their loader, and the runner that checks a backend against them (what `dbal test` runs). A stable,
 * documented surface for it is the next issue's; this is what the harness offers today.
 */
export type { Backend, BackendKind, Provision, Provisioned } from './backend.ts'
export { freshAdapter } from './backend.ts'
export { testCommand, type TestOptions } from './commands/test.ts'
export { loadDeviations, type Deviation } from './deviations.ts'
export type { Outcome, ResultEvent, StepEvent, Tally } from './results.ts'
export { judge, runCase, runFiles, type RunOptions } from './run.ts'
export { DEFAULT_VECTORS, loadVectorFile, loadVectors } from './vectors/load.ts'
export type { Case, Expected, ExpectedError, Step, VectorFile } from './vectors/model.ts'
