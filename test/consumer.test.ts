/**
 * The package as an application gets it: `npm pack` (which builds dist/ through prepack), the tarball
 * installed with better-sqlite3 into an empty project in a temporary folder, and used from there by
 * plain `node` and by `tsc` with the stock strict settings of `tsc --init` (skipLibCheck off). Fails when
 * a path, a type or a shipped file breaks a consumer. The project has no pg, sequelize or PGlite, so the
 * adapters that need them must say which package to install.
 *
 * better-sqlite3 is installed with --ignore-scripts and given the native binary the checkout already
 * compiled for the same version and Node: compiling SQLite again takes about two minutes here and tests
 * nothing of ours (bench/startup.ts times the full install, compile included).
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url))
const version = (pkg: string): string =>
  (JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string })
    .version

function run(cmd: string, args: string[], cwd: string): { code: number; out: string; stdout: string } {
  // A new user's shell: CI's DBAL_REQUIRE (servers this project requires) is not the consumer's.
  const { DBAL_REQUIRE: _, ...env } = process.env
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 300_000 })
  return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}`, stdout: r.stdout }
}
/** Its standard output; fails with everything it said when it exits non-zero. */
function ok(cmd: string, args: string[], cwd: string): string {
  const r = run(cmd, args, cwd)
  assert.equal(r.code, 0, `${cmd} ${args.join(' ')} failed:\n${r.out}`)
  return r.stdout
}

/** The TypeScript 5.9 `tsc --init` settings, as its comments advise for Node, with skipLibCheck off. */
const TSCONFIG = {
  compilerOptions: {
    module: 'nodenext',
    target: 'esnext',
    lib: ['esnext'],
    types: ['node'],
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    strict: true,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    noUncheckedSideEffectImports: true,
    moduleDetection: 'force',
    skipLibCheck: false,
    noEmit: true,
  },
}

describe('the packed package in a new project', () => {
  let dir: string
  let app: string
  let packed: string[]

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dbal-consumer-'))
    app = join(dir, 'app')
    mkdirSync(app)
    const json = ok('npm', ['pack', '--json', '--pack-destination', dir], root)
    const [info] = JSON.parse(json.slice(json.indexOf('['))) as [
      { filename: string; files: { path: string }[] },
    ]
    packed = info.files.map((f) => f.path)
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
    )
    const install = ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline']
    const deps = [join(dir, info.filename), `better-sqlite3@${version('better-sqlite3')}`]
    ok('npm', [...install, ...deps, `@types/node@${version('@types/node')}`], app)
    const binary = join('build', 'Release', 'better_sqlite3.node')
    mkdirSync(join(app, 'node_modules', 'better-sqlite3', 'build', 'Release'), { recursive: true })
    copyFileSync(
      join(root, 'node_modules', 'better-sqlite3', binary),
      join(app, 'node_modules', 'better-sqlite3', binary),
    )
    for (const f of ['use.mjs', 'missing.mjs', 'typed.ts', 'mistyped.ts'])
      copyFileSync(here(`fixtures/consumer/${f}`), join(app, f))
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify({ ...TSCONFIG, files: ['typed.ts'] }))
    writeFileSync(join(app, 'tsconfig.bad.json'), JSON.stringify({ ...TSCONFIG, files: ['mistyped.ts'] }))
  })
  after(() => rmSync(dir, { recursive: true, force: true }))

  it('ships the compiled code, the schema and the vectors, and no tests, CI or benchmarks', () => {
    for (const f of [
      'dist/core/index.js',
      'dist/core/index.d.ts',
      'dist/schema/operations.yaml',
      'bin/dbal.js',
    ])
      assert.ok(packed.includes(f), `${f} is not in the tarball`)
    assert.ok(packed.some((f) => f.startsWith('dist/contracts/')))
    const stray = packed.filter((f) => /^(test|\.ci|bench|scripts)\//.test(f) || /(?<!\.d)\.ts$/.test(f))
    assert.deepEqual(stray, [])
  })

  it('runs from plain node: creates a user and lists it on SQLite', () => {
    const out = JSON.parse(ok('node', ['use.mjs'], app)) as Record<string, unknown>
    const created = out.created as { id: string; username: string }
    const page = out.page as { total: number; data: { id: string; username: string }[] }
    assert.equal(created.username, 'ada')
    assert.equal(page.total, 1)
    assert.deepEqual(
      page.data.map((u) => [u.id, u.username]),
      [[created.id, 'ada']],
    )
    assert.equal(out.notFound, 'NOT_FOUND')
    assert.equal(out.vectors, true)
    // Loaded from the installed package, not from this checkout.
    assert.match(String(out.entry), /\/app\/node_modules\/@metabuilder\/dbal\/dist\/core\/index\.js$/)
  })

  it('an adapter whose driver is not installed says which package to install', () => {
    assert.equal(existsSync(join(app, 'node_modules', 'pg')), false)
    const out = JSON.parse(ok('node', ['missing.mjs'], app)) as Record<string, string>
    assert.deepEqual(out, {
      postgres:
        'MissingPeerError: @metabuilder/dbal/postgres: needs the pg package, which is not installed: npm install pg',
      pglite:
        'MissingPeerError: @metabuilder/dbal/pglite: needs the @electric-sql/pglite package, which is not installed: npm install @electric-sql/pglite',
      sequelize:
        'MissingPeerError: @metabuilder/dbal/sequelize: needs the sequelize package, which is not installed: npm install sequelize',
      mongo:
        'MissingPeerError: @metabuilder/dbal/mongo: needs the mongodb package, which is not installed: npm install mongodb',
      prisma:
        'MissingPeerError: @metabuilder/dbal/prisma: needs the @prisma/adapter-pg package, which is not installed: npm install @prisma/adapter-pg',
    })
  })

  it('type-checks a TypeScript consumer with stock strict settings, and reports its type errors', () => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
    ok('node', [tsc, '-p', 'tsconfig.json'], app)
    const bad = run('node', [tsc, '-p', 'tsconfig.bad.json'], app)
    assert.notEqual(bad.code, 0)
    const errors = bad.out.split('\n').filter((l) => /error TS\d+/.test(l))
    // Both wrong lines, and nothing in the package's own declarations.
    assert.deepEqual(
      errors.map((l) => /^mistyped\.ts\((\d+),\d+\): error TS\d+/.exec(l)?.[1]),
      ['5', '6'],
      bad.out,
    )
  })

  it('runs the dbal command compiled, without tsx, and its conformance suite on SQLite', () => {
    assert.equal(existsSync(join(app, 'node_modules', 'tsx')), false)
    const dbal = join(app, 'node_modules', '.bin', 'dbal')
    assert.match(ok(dbal, ['--help'], app), /^Usage: dbal /)
    const reports = join(dir, 'reports')
    const out = ok(dbal, ['test', '--backends', 'sqlite', '--report-dir', reports], app)
    const m = /^(\d+) passed, (\d+) failed, \d+ skipped$/m.exec(out)
    assert.ok(m && Number(m[1]) > 0 && m[2] === '0', out)
    assert.ok(existsSync(join(reports, 'summary.md')))
  })
})
