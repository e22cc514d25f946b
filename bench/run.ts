/**
 * `npm run bench`: PostgreSQL, SQLite and the daemon against their raw baselines and the peer libraries,
 * then the conformance suite's wall time on the embedded backends, `dbal --version` and the install of
 * the package with one driver; the targets (issue 15) checked; reports/bench.json, bench.md and a chart
 * per workload in reports/bench/. BENCH_SCALE=0.1 for a quick look, BENCH_ONLY=regex for some workloads.
 * Exits 1 when a target is missed, after writing the reports.
 */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fastestPeer, writeBench, type Extra, type Section, type Target } from './lib/report.ts'
import { ratio } from './lib/measure.ts'
import { startup } from './startup.ts'

// The DBAL is measured as users run it, compiled (lib/dist.ts): built before anything imports it.
const build = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' })
if (build.status !== 0) throw new Error(`npm run build failed (exit ${build.status})`)
const { runDaemon } = await import('./daemon.ts')
const { runPostgres } = await import('./postgres.ts')
const { runSqlite } = await import('./sqlite.ts')
const { CLI } = await import('./lib/dist.ts')

const root = fileURLToPath(new URL('..', import.meta.url))
const t0 = performance.now()
const log = (line: string) =>
  process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(0)} s] ${line}\n`)

/** `dbal test --backends embedded`: its wall time, and each backend's own. */
async function suiteWall(): Promise<Extra[]> {
  const dir = mkdtempSync(join(tmpdir(), 'dbal-bench-suite-'))
  try {
    const start = performance.now()
    const code = await new Promise<number | null>((resolve) =>
      spawn(process.execPath, [CLI, 'test', '--backends', 'embedded', '--quiet', '--report-dir', dir], {
        cwd: root,
        stdio: 'ignore',
      }).on('close', resolve),
    )
    const wall = (performance.now() - start) / 1000
    if (code !== 0)
      throw new Error(`the embedded suite failed (exit ${code}): its figures would mean nothing`)
    const backends = readFileSync(join(dir, 'results.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"type":"backend"'))
      .map((l) => JSON.parse(l) as { backend: string; durationMs: number })
    return [
      { name: 'conformance suite, all embedded backends in parallel (wall)', value: wall, unit: 's' },
      ...backends.map((b) => ({
        name: `conformance suite on ${b.backend} (vectors, within that run)`,
        value: b.durationMs / 1000,
        unit: 's',
      })),
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const figure = (s: Section, workload: string, subject: string) => {
  const f = s.results.find((r) => r.workload === workload)?.figures.get(subject)
  if (!f) throw new Error(`${s.key}: no figure for ${subject} on ${workload}`)
  return f
}

function targets(pg: Section, sqlite: Section, daemon: Section, extras: readonly Extra[]): Target[] {
  const out: Target[] = []
  const at = (measure: string, target: string, value: number, holds: boolean) =>
    out.push({ measure, target, value, holds })
  const read = (s: Section, w: string, subject: string, base: string) =>
    ratio(figure(s, w, subject), figure(s, w, base))
  const pgRead = read(pg, 'read by id', 'DBAL client', 'pg (named prepared)')
  at('postgres read by id: DBAL client / raw pg named prepared', '≤ 1.05', pgRead, pgRead <= 1.05)
  for (const w of ['read by id', 'read by id, 8 in flight']) {
    const r = pg.results.find((x) => x.workload === w)!
    const peer = fastestPeer(pg, r)
    if (!peer) continue
    const v = ratio(r.figures.get('DBAL client')!, peer.figure)
    at(`postgres ${w}: DBAL client / fastest ORM (${peer.name})`, '< 1.00', v, v < 1)
  }
  const sq = read(sqlite, 'read by id', 'DBAL client', 'better-sqlite3')
  at('sqlite read by id: DBAL client / raw better-sqlite3', '≤ 1.3', sq, sq <= 1.3)
  const acl = [pg, sqlite].flatMap((s) =>
    s.results.map((r) => ({
      s,
      r,
      v: ratio(r.figures.get('DBAL client + ACL')!, r.figures.get('DBAL client')!),
    })),
  )
  const worst = acl.sort((a, b) => b.v - a.v)[0]!
  at(`ACL on / off, worst workload (${worst.s.key}: ${worst.r.workload})`, '≤ 1.05', worst.v, worst.v <= 1.05)
  const many = read(pg, 'createMany 100', 'DBAL client', 'pg (named prepared)')
  at('postgres createMany 100: DBAL client / raw multi-row insert', '≤ 1.20', many, many <= 1.2)
  const w = 'read by id over the wire'
  const rt =
    figure(daemon, w, 'daemon (sqlite)').median /
    (figure(daemon, w, 'ws echo').median + figure(daemon, w, 'DBAL client on sqlite, in process').median)
  at("daemon sequential round trip / (ws echo + the backend's own time), sqlite", '≤ 1.3', rt, rt <= 1.3)
  const w64 = 'read by id, 64 in flight'
  const fl = figure(daemon, w64, 'daemon (sqlite)').median / figure(daemon, w64, 'ws echo').median
  at('daemon 64 in flight, sqlite reads, default config, service token / ws echo', '≥ 0.8', fl, fl >= 0.8)
  const suite = extras.find((e) => e.name.includes('(wall)'))
  if (suite) at('full suite on all embedded backends, wall time (s)', '< 60', suite.value, suite.value < 60)
  const version = extras.find((e) => e.name.startsWith('dbal --version'))
  if (version) at('dbal --version, compiled (s)', '< 0.3', version.value / 1000, version.value < 300)
  return out
}

log('postgres')
const pg = await runPostgres(log)
log('sqlite')
const sqlite = await runSqlite(log)
log('daemon')
const daemon = await runDaemon(log)
log('the conformance suite on the embedded backends')
const extras = await suiteWall()
log('start-up and install size')
const s = startup()
extras.push(
  {
    name: 'dbal --version, compiled bin of the installed package (median of 7)',
    value: s.compiledMs,
    unit: 'ms',
  },
  { name: 'dbal --version through tsx in the checkout, warm', value: s.tsxWarmMs, unit: 'ms' },
  {
    name: 'npm install of the package and better-sqlite3',
    value: s.installS,
    unit: 's',
    note: 'native compile included',
  },
  {
    name: 'node_modules of that install',
    value: s.installMb,
    unit: 'MB',
    note: `${s.packages} top-level entries`,
  },
)
const checked = targets(pg, sqlite, daemon, extras)
const md = writeBench([pg, sqlite, daemon], extras, checked)
for (const t of checked)
  process.stdout.write(
    `${t.holds ? 'ok  ' : 'MISS'} ${t.measure}: ${t.value.toFixed(2)} (target ${t.target})\n`,
  )
process.stdout.write(`${md} (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`)
process.exitCode = checked.every((t) => t.holds) ? 0 : 1
