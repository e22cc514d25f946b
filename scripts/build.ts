/**
 * `npm run build` (and `npm pack`, through prepack): dist/ as the package ships it. tsc emits ESM and
 * declarations; the declarations' relative imports are rewritten from .ts to .js (tsc's
 * rewriteRelativeImportExtensions does so in JavaScript only: microsoft/TypeScript#61037); and what the
 * code reads at run time is copied beside it, mirroring the source tree, so every
 * `new URL('../schema/', import.meta.url)` finds from dist/ what it finds from the sources.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const dist = join(root, 'dist')

/** Read at run time: the schema (core), the vectors and ACL matrix (harness), the features, known deviations. */
const ASSETS = ['schema', 'contracts', 'features', 'harness/deviations']

/** `from './x.ts'`, `import('./x.ts')`: relative specifiers only, never a package's. */
const TS_SPECIFIER = /(\bfrom\s+|\bimport\s*\(\s*)(['"])(\.{1,2}\/[^'"]*?)\.ts\2/g

function files(dir: string, suffix: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(suffix))
    .map((f) => join(dir, f))
}

rmSync(dist, { recursive: true, force: true })
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
  stdio: 'inherit',
})
if (compiled.status !== 0) process.exit(compiled.status ?? 1)

const left: string[] = []
for (const file of files(dist, '.d.ts')) {
  const text = readFileSync(file, 'utf8').replace(TS_SPECIFIER, '$1$2$3.js$2')
  writeFileSync(file, text)
  if (/(\bfrom\s+|\bimport\s*\(\s*)['"]\.{1,2}\/[^'"]*\.ts['"]/.test(text)) left.push(file)
}
if (left.length) {
  process.stderr.write(`build: .ts imports left in ${left.join(', ')}\n`)
  process.exit(1)
}

for (const asset of ASSETS) cpSync(join(root, asset), join(dist, asset), { recursive: true })
// daemon/child.ts starts daemons as `node ../bin/dbal.js daemon ...` relative to itself.
mkdirSync(join(dist, 'bin'), { recursive: true })
writeFileSync(
  join(dist, 'bin', 'dbal.js'),
  "#!/usr/bin/env node\n// Written by scripts/build.ts: the compiled CLI, for daemon/child.ts.\nimport '../harness/cli.js'\n",
)
