/**
 * `dbal --version` start-up, median of 7 runs: the compiled bin of an installed package against the
 * checkout's tsx path (cold tsx cache and warm); and `npm install <tarball> better-sqlite3` into an
 * empty project: its time (native compile included) and the size of node_modules. Part of
 * `npm run bench` (run.ts); `npx tsx bench/startup.ts` prints the figures alone.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

export interface Startup {
  readonly compiledMs: number
  readonly tsxColdMs: number
  readonly tsxWarmMs: number
  readonly installS: number
  readonly installMb: number
  readonly packages: number
}

export function startup(): Startup {
  const dir = mkdtempSync(join(tmpdir(), 'dbal-bench-startup-'))
  const app = join(dir, 'app')
  mkdirSync(app)
  try {
    return measureIn(dir, app)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function median(
  app: string,
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  fresh?: () => void,
): number {
  const times: number[] = []
  for (let i = 0; i < 7; i++) {
    fresh?.()
    const t = performance.now()
    const r = spawnSync(cmd, args, { cwd: app, env, encoding: 'utf8' })
    times.push(performance.now() - t)
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`)
  }
  return times.sort((a, b) => a - b)[3]!
}

function measureIn(dir: string, app: string): Startup {
  const packed = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: root,
    encoding: 'utf8',
  })
  const tarball = join(
    dir,
    (JSON.parse(packed.slice(packed.indexOf('['))) as [{ filename: string }])[0].filename,
  )
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'bench', private: true, type: 'module' }))
  const env = { ...process.env, npm_config_nodedir: process.env.npm_config_nodedir ?? '/usr' }
  const t0 = performance.now()
  execFileSync('npm', ['install', '--no-audit', '--no-fund', tarball, 'better-sqlite3@12'], { cwd: app, env })
  const installS = (performance.now() - t0) / 1000
  const du = execFileSync('du', ['-sm', join(app, 'node_modules')], { encoding: 'utf8' }).split('\t')[0]
  const packages = readdirSync(join(app, 'node_modules')).filter((n) => !n.startsWith('.')).length
  const compiledMs = median(app, join(app, 'node_modules', '.bin', 'dbal'), ['--version'])
  const cache = join(dir, 'tsx-tmp')
  const tsxColdMs = median(
    app,
    'node',
    [join(root, 'bin', 'dbal.js'), '--version'],
    { ...process.env, TMPDIR: cache },
    () => rmSync(cache, { recursive: true, force: true }),
  )
  const tsxWarmMs = median(app, 'node', [join(root, 'bin', 'dbal.js'), '--version'])
  return { compiledMs, tsxColdMs, tsxWarmMs, installS, installMb: Number(du), packages }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const s = startup()
  process.stdout.write(
    [
      `dbal --version, median of 7: compiled (installed) ${s.compiledMs.toFixed(0)} ms; ` +
        `tsx (checkout) ${s.tsxColdMs.toFixed(0)} ms cold cache, ${s.tsxWarmMs.toFixed(0)} ms warm`,
      `npm install <tarball> better-sqlite3: ${s.installS.toFixed(1)} s, node_modules ${s.installMb} MB, ${s.packages} top-level entries`,
      '',
    ].join('\n'),
  )
}
