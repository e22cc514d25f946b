/**
 * Two harness runs at the same time against the same servers both pass: each run provisions its own
 * databases (dbal_<run>_<backend>_xxxxxx) and drops them afterwards, so neither sees the other's rows.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { skipMariadb, skipPostgres } from './servers.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const BACKENDS = 'postgres,sequelize-postgres,sequelize-mariadb'
// Cases that count rows: a run that saw the other run's rows would fail them.
const VECTORS = [
  'contracts/upstream/conformance_cases.yaml',
  'contracts/users.yaml',
  'contracts/cascades.yaml',
]

function run(reportDir: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const args = [
      '--import',
      'tsx',
      'harness/cli.ts',
      'test',
      '--backends',
      BACKENDS,
      '--require',
      BACKENDS,
      '--report-dir',
      reportDir,
      ...VECTORS.flatMap((v) => ['--vectors', v]),
    ]
    // $DBAL_REQUIRE (CI sets `all`) would add every backend to both runs: each run chooses its own.
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: { ...process.env, DBAL_REQUIRE: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', (c: Buffer) => (out += c.toString()))
    child.on('close', (code) => resolve({ code: code ?? 1, out }))
  })
}

async function dbalDatabases(): Promise<string[]> {
  const c = new pg.Client({
    connectionString: process.env.DBAL_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  })
  await c.connect()
  try {
    return (
      await c.query<{ datname: string }>("select datname from pg_database where datname like 'dbal\\_%'")
    ).rows.map((r) => r.datname)
  } finally {
    await c.end()
  }
}

test(
  'two harness runs in parallel against the same servers both pass and leave no database behind',
  { skip: skipPostgres || skipMariadb, timeout: 600_000 },
  async () => {
    const before = new Set(await dbalDatabases())
    const dirs = [mkdtempSync(join(tmpdir(), 'dbal-par-a-')), mkdtempSync(join(tmpdir(), 'dbal-par-b-'))]
    const [a, b] = await Promise.all(dirs.map(run))
    for (const [i, r] of [a!, b!].entries()) {
      assert.equal(r.code, 0, `run ${i} failed:\n${r.out.slice(-3000)}`)
      const m = /^(\d+) passed, 0 failed, 0 skipped$/m.exec(r.out)
      assert.ok(m && Number(m[1]) > 0, r.out.slice(-2000))
      const events = readFileSync(join(dirs[i]!, 'results.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
      const runEvent = events.find((e) => e.type === 'run')
      assert.deepEqual(
        events
          .filter((e) => e.type === 'backend')
          .map((e) => [e.backend, e.status])
          .sort(),
        BACKENDS.split(',')
          .map((n) => [n, 'run'])
          .sort(),
      )
      assert.ok(runEvent.runId)
    }
    const leftover = (await dbalDatabases()).filter((d) => !before.has(d))
    assert.deepEqual(leftover, [], 'each run drops the databases it created')
  },
)
