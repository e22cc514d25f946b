/**
 * The Gherkin features inside a `dbal test` run: which feature files (a shard takes whole files, cut
 * like the vector cases), what they add to the suite hash (their contents and the tag expression), and
 * running them after the vectors on every backend that ran. Cucumber is loaded only here and only when
 * features run: without it (an application that did not install it) the features are said not run.
 */
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConfigError } from '../core/config-error.ts'
import type { Backend } from './backend.ts'
import { contentHash } from './certificate.ts'
import { partition, type Shard } from './shard.ts'
import type { SuiteOptions } from './suite.ts'

/** The project's features/ (next to harness/, in the checkout and in the package alike). */
export const DEFAULT_FEATURES = fileURLToPath(new URL('../features/', import.meta.url))

/**
 * What `dbal test` runs from its options: vectors and features by default; `--features` (or
 * `--no-vectors`) only the features, `--no-features` only the vectors; `--tags` selects scenarios.
 */
export function featureChoice(
  v: { features?: boolean; 'no-features'?: boolean; 'no-vectors'?: boolean; tags?: string },
  dir: string,
): { features?: { paths: string[]; tags?: string } } {
  if (v['no-features'] && (v.features || v['no-vectors'] || v.tags !== undefined))
    throw new ConfigError('--no-features', '', 'cannot go with --features, --no-vectors or --tags')
  if (v['no-features']) return {}
  return { features: { paths: [dir], ...(v.tags !== undefined ? { tags: v.tags } : {}) } }
}

export interface FeatureSelection {
  /** Feature files or folders. */
  readonly paths: readonly string[]
  /** A cucumber tag expression (`@acl and not @slow`). */
  readonly tags?: string
  /** Where cucumber's own reports go (`cucumber/<backend>.html|.xml|.ndjson`). */
  readonly reportDir: string
}

function walk(p: string): string[] {
  if (!existsSync(p)) return []
  if (!statSync(p).isDirectory()) return p.endsWith('.feature') ? [p] : []
  return readdirSync(p)
    .sort()
    .flatMap((f) => walk(join(p, f)))
}

/** The feature files of the selection (of this shard's part, when sharded), in name order. */
export function featureFiles(sel: FeatureSelection, shard?: Shard): string[] {
  const all = [...new Set(sel.paths.flatMap(walk))].sort()
  if (!shard) return all
  const keys = all.map((f) => relative(process.cwd(), f))
  const mine = new Set(partition(keys, shard.count)[shard.index - 1])
  return all.filter((_, i) => mine.has(keys[i]!))
}

/** The suite hash with the features in it: their contents and which scenarios the tags select. */
export function featuresHash(vectorsHash: string, sel: FeatureSelection | undefined): string {
  if (!sel) return vectorsHash
  const files = featureFiles(sel)
  const h = createHash('sha256').update(vectorsHash).update('\0')
  if (files.length) h.update(contentHash(files, process.cwd()))
  return `sha256:${h
    .update('\0')
    .update(sel.tags ?? '')
    .digest('hex')}`
}

export async function runFeatureFiles(
  sel: FeatureSelection,
  files: readonly string[],
  backends: readonly Backend[],
  runId: string,
  o: SuiteOptions,
): Promise<void> {
  if (files.length === 0) {
    o.log?.(`Features: none found in ${sel.paths.join(', ')}${o.shard ? ' for this shard' : ''}`)
    return
  }
  let runner: typeof import('./features/runner.ts')
  try {
    runner = await import('./features/runner.ts')
  } catch (e) {
    o.log?.(
      `Features not run: @cucumber/cucumber could not be loaded (${(e as Error).message.split('\n')[0]})`,
    )
    return
  }
  o.log?.(
    `Features: ${files.length} files${sel.tags ? `, tags ${sel.tags}` : ''}, on ${backends.map((b) => b.name).join(', ')}`,
  )
  await runner.runFeatures({
    backends,
    required: o.required,
    ...(sel.tags ? { tags: sel.tags } : {}),
    paths: files,
    runId,
    emit: o.emit,
    reportDir: sel.reportDir,
    ...(o.log ? { log: o.log } : {}),
  })
}
