/**
 * The CI seed set: test/fuzz.test.ts runs each seed's first CI_ITERATIONS programs on every backend it
 * can reach. Fixed, so CI is deterministic; new campaigns use new seeds (docs/fuzz.md).
 */
export const CI_SEEDS: readonly number[] = [1, 2, 3, 5, 8, 13, 21, 34]
export const CI_ITERATIONS = 15
