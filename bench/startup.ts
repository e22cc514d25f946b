/**
 * `dbal --version` start-up, median of 7 runs: the compiled bin of an installed package against the
 * checkout's tsx path (cold tsx cache and warm); and `npm install <tarball> better-sqlite3` into an
 * empty project: its time (native compile included) and the size of node_modules.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'dbal-bench-startup-'))
const app = join(dir, 'app')
mkdirSync(app)

function median(
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

const compiled = median(join(app, 'node_modules', '.bin', 'dbal'), ['--version'])
const cache = join(dir, 'tsx-tmp')
const cold = median(
  'node',
  [join(root, 'bin', 'dbal.js'), '--version'],
  { ...process.env, TMPDIR: cache },
  () => rmSync(cache, { recursive: true, force: true }),
)
const warm = median('node', [join(root, 'bin', 'dbal.js'), '--version'])
process.stdout.write(
  [
    `dbal --version, median of 7: compiled (installed) ${compiled.toFixed(0)} ms; ` +
      `tsx (checkout) ${cold.toFixed(0)} ms cold cache, ${warm.toFixed(0)} ms warm`,
    `npm install <tarball> better-sqlite3: ${installS.toFixed(1)} s, node_modules ${du} MB, ${packages} top-level entries`,
    '',
  ].join('\n'),
)
rmSync(dir, { recursive: true, force: true })
