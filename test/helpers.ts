/** Shared by the unit tests: a client on the reference adapter with a fixed clock, and error helpers. */
import assert from 'node:assert/strict'
import { spawn, type SpawnOptions } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { DBALClient } from '../core/client.ts'
import { DBALError, type ErrorCode, type FieldError } from '../core/errors.ts'
import type { ScryptParams } from '../core/password.ts'
import { MemoryAdapter } from '../reference/memory.ts'

/** 2030-01-01T00:00:00.000Z: every test clock starts here. */
export const T0 = Date.parse('2030-01-01T00:00:00.000Z')
export const iso = (ms: number) => new Date(ms).toISOString()

/** Cheap scrypt parameters for tests that are not about cost. */
export const FAST_SCRYPT: ScryptParams = { N: 1024, r: 8, p: 1 }

export interface Clock {
  now: number
  advance(ms: number): void
}

export function testClient(options: { scrypt?: ScryptParams } = {}): {
  client: DBALClient
  clock: Clock
  adapter: MemoryAdapter
} {
  const clock: Clock = {
    now: T0,
    advance(ms) {
      this.now += ms
    },
  }
  const adapter = new MemoryAdapter()
  const client = new DBALClient({ adapter, clock: () => clock.now, scrypt: options.scrypt ?? FAST_SCRYPT })
  return { client, clock, adapter }
}

/** Awaits a rejection with this DBAL code and returns the error. */
export async function rejects(
  p: Promise<unknown> | (() => Promise<unknown>),
  code: ErrorCode,
): Promise<DBALError> {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (e) {
    assert.ok(e instanceof DBALError, `expected a DBALError, got ${String(e)}`)
    assert.equal(e.code, code, `expected ${code}, got ${e.code} ${JSON.stringify(e.details)}`)
    return e
  }
  assert.fail(`expected ${code}, but it resolved`)
}

/** Runs `fn`, expects VALIDATION_ERROR (thrown or rejected) and returns details.fields. */
export async function fieldErrors(fn: () => unknown): Promise<FieldError[]> {
  const e = await rejects(async () => fn(), 'VALIDATION_ERROR')
  const fields = e.details?.fields
  assert.ok(Array.isArray(fields), 'VALIDATION_ERROR without details.fields')
  return fields
}

/** The failing fields' names, sorted. */
export const names = (fields: FieldError[]) => fields.map((f) => f.field).sort()

/** Expects VALIDATION_ERROR naming exactly these fields. */
export async function failsOn(fn: () => unknown, ...expected: string[]): Promise<FieldError[]> {
  const fields = await fieldErrors(fn)
  assert.deepEqual(names(fields), [...expected].sort(), JSON.stringify(fields))
  return fields
}

let seq = 0
/** A unique suffix for usernames, slugs, names. */
export const uniq = () => `${++seq}`

export const newUser = (c: DBALClient, username = `user_${uniq()}`) =>
  c.users.create({ username, email: `${username}@example.com` })

export const newPage = (c: DBALClient, level = 1, slug = `page-${uniq()}`) =>
  c.pages.create({ slug, title: `Title ${slug}`, level, layout: {} })

export const newComponent = (c: DBALClient, pageId: string, parentId: string | null = null, order = 0) =>
  c.components.create({ pageId, parentId, componentType: 'Box', order })

export const newWorkflow = (c: DBALClient, createdBy: string) =>
  c.workflows.create({ name: `wf-${uniq()}`, trigger: 'manual', triggerConfig: {}, steps: {}, createdBy })

/** Rows for tests that talk to an adapter directly (below the client): fixed ids and timestamps. */
export const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`
export const TS = '2030-01-01T00:00:00.000Z'
export const userRow = (n: number, username = `user${n}`) => ({
  id: ID(n),
  username,
  email: `${username}@example.com`,
  role: 'user',
  createdAt: TS,
  updatedAt: TS,
})

const CLI = fileURLToPath(new URL('../harness/cli.ts', import.meta.url))

export interface CliRun {
  /** The exit code (null: ended by a signal, e.g. the timeout). */
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * `dbal ARGS` in a child process, run as bin/dbal.js runs it (through tsx). $DBAL_REQUIRE is cleared:
 * the CLI adds its backends to a run, and each test chooses its own. Asynchronous, so that tests may
 * run several at once.
 */
export function dbal(args: readonly string[], options: Omit<SpawnOptions, 'stdio'> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      timeout: 120_000,
      ...options,
      env: { ...process.env, DBAL_REQUIRE: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    child.on('error', reject)
    child.on('close', (status) => resolve({ status, stdout, stderr }))
  })
}
