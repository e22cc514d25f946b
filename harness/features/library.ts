/**
 * Loads the step library through cucumber's loadSupport, once per process (and per set of extra
 * support files, which the self-tests add). loadSupport imports files, and an ESM module evaluates
 * only once, so each load goes through a generated entry module that registers everything anew.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { loadSupport, type ISupportCodeLibrary } from '@cucumber/cucumber/api'

/** support.ts under tsx, support.js once compiled: the sibling of this very file. */
const SUPPORT = new URL(
  `./support${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`,
  import.meta.url,
)

const loaded = new Map<string, Promise<ISupportCodeLibrary>>()
let loads = 0

function entrySource(extra: readonly string[]): string {
  const n = ++loads
  const imports = extra.map((p) => `await import(${JSON.stringify(`${pathToFileURL(p).href}?load=${n}`)})`)
  return [
    `import { defineSupport } from ${JSON.stringify(SUPPORT.href)}`,
    'defineSupport()',
    ...imports,
    '',
  ].join('\n')
}

async function load(cwd: string, extra: readonly string[]): Promise<ISupportCodeLibrary> {
  const dir = mkdtempSync(join(tmpdir(), 'dbal-features-'))
  const entry = join(dir, 'entry.mjs')
  writeFileSync(entry, entrySource(extra))
  try {
    return await loadSupport(
      {
        sources: { paths: [], defaultDialect: 'en', names: [], tagExpression: '', order: 'defined' },
        support: { importPaths: [entry] },
      },
      { cwd },
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The library with `extra` support files (absolute paths) registered after the step library. */
export function stepLibrary(cwd: string, extra: readonly string[] = []): Promise<ISupportCodeLibrary> {
  const key = extra.join('\n')
  let p = loaded.get(key)
  if (!p) loaded.set(key, (p = load(cwd, extra)))
  return p
}
