/**
 * FerretDB (a server that speaks the MongoDB wire protocol and stores in SQLite) for the `ferretdb`
 * backend. `ferretdbBinary` builds the version pinned by the Go module in tools/ferretdb once, into
 * .tmp/ferretdb/; `startFerretDB` runs it on a free loopback port with its data in a temporary folder,
 * or uses the one `DBAL_FERRETDB_URL` names. `npm run ferretdb:build` runs this file to fill the cache.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { accessSync, chmodSync, constants, cpSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs'
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import type * as Mongo from 'mongodb'
import { requirePeer } from '../../adapters/peer.ts'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const MODULE = join(ROOT, 'tools', 'ferretdb')
const CACHE = join(ROOT, '.tmp', 'ferretdb')
const FERRETDB = 'github.com/FerretDB/FerretDB'

export type Log = (line: string) => void

/** The FerretDB version that tools/ferretdb/go.mod requires: the one place it is written. */
export function ferretdbVersion(): string {
  const mod = readFileSync(join(MODULE, 'go.mod'), 'utf8')
  const version = /^\s*require\s+github\.com\/FerretDB\/FerretDB\s+(v\S+)/m.exec(mod)?.[1]
  if (!version) throw new Error(`${MODULE}/go.mod does not require ${FERRETDB}`)
  return version
}

/** `go` on PATH, else where the official tarball installs it. */
export function findGo(): string {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean)
  for (const go of [...dirs.map((d) => join(d, 'go')), '/usr/local/go/bin/go']) {
    try {
      accessSync(go, constants.X_OK)
      return go
    } catch {}
  }
  throw new Error(
    'FerretDB is built from source with Go, and `go` is neither on PATH nor at /usr/local/go/bin/go: ' +
      'install Go 1.24 or later, or set DBAL_FERRETDB_URL to a running FerretDB',
  )
}

let building: Promise<string> | undefined

/** The cached FerretDB binary, built first if missing (minutes the first time). */
export function ferretdbBinary(log?: Log): Promise<string> {
  const binary = join(CACHE, `ferretdb-${ferretdbVersion()}`)
  try {
    accessSync(binary, constants.X_OK)
    return Promise.resolve(binary)
  } catch {}
  building ??= build(binary, log).finally(() => (building = undefined))
  return building
}

/**
 * `go build` of FerretDB's own cmd/ferretdb. Built so, its version package panics at start unless the
 * module holds build/version/version.txt (upstream generates it), which the published module lacks. The
 * module cache is read-only and -overlay may not replace files in it, so the build uses a copy of the
 * module with that file added, through a replace in a go.mod beside the copy (-modfile). Each build
 * works in a folder of its own and renames the result into place, so concurrent builds never clash.
 */
async function build(binary: string, log?: Log): Promise<string> {
  const go = findGo()
  const version = ferretdbVersion()
  log?.(`building FerretDB ${version} with ${go} into ${binary} (takes minutes the first time)`)
  mkdirSync(CACHE, { recursive: true })
  const work = mkdtempSync(join(CACHE, 'build-'))
  const env = { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0' }
  const goRun = (args: string[]) =>
    run(go, args, { cwd: MODULE, env, maxBuffer: 64 << 20 }).catch((e: unknown) => {
      const stderr = String((e as { stderr?: unknown }).stderr ?? '').trim()
      throw new Error(`go ${args[0]} for FerretDB failed: ${stderr || String(e)}`, { cause: e })
    })
  try {
    const { stdout } = await goRun(['mod', 'download', '-json', FERRETDB])
    const src = join(work, 'src')
    cpSync((JSON.parse(stdout) as { Dir: string }).Dir, src, { recursive: true })
    makeWritable(src)
    writeFileSync(join(src, 'build', 'version', 'version.txt'), `${version}\n`)
    const mod = readFileSync(join(MODULE, 'go.mod'), 'utf8')
    writeFileSync(join(work, 'go.mod'), `${mod}\nreplace ${FERRETDB} => ${src}\n`)
    cpSync(join(MODULE, 'go.sum'), join(work, 'go.sum'))
    const out = join(work, 'ferretdb')
    const flags = [`-modfile=${join(work, 'go.mod')}`, '-buildvcs=false', '-trimpath']
    await goRun(['build', ...flags, '-o', out, `${FERRETDB}/cmd/ferretdb`])
    const { stdout: shown } = await run(out, ['--version'])
    if (!shown.includes(`version: ${version}`)) throw new Error(`built FerretDB reports: ${shown}`)
    renameSync(out, binary)
    return binary
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

/** The module cache's files and folders are read-only; the copy must take a new file and be removable. */
function makeWritable(dir: string): void {
  chmodSync(dir, 0o755)
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    chmodSync(join(e.parentPath, e.name), e.isDirectory() ? 0o755 : 0o644)
  }
}

export interface FerretDB {
  /** `mongodb://127.0.0.1:PORT/`, or `DBAL_FERRETDB_URL`. */
  readonly url: string
  /** Stops the server and removes its data (nothing when it was started elsewhere). */
  stop(): Promise<void>
}

/**
 * A FerretDB answering MongoDB commands: `DBAL_FERRETDB_URL`, else one started here; with `own`, always
 * one started here (a test that stops its server must not stop a shared one).
 */
export async function startFerretDB(
  options: { log?: Log; timeoutMs?: number; own?: boolean } = {},
): Promise<FerretDB> {
  const given = process.env.DBAL_FERRETDB_URL
  if (given && !options.own) return { url: given, stop: async () => {} }
  const binary = await ferretdbBinary(options.log)
  const dir = mkdtempSync(join(tmpdir(), 'dbal-ferretdb-'))
  mkdirSync(join(dir, 'data'))
  const port = await freePort()
  const child = spawn(
    binary,
    [
      '--handler=sqlite',
      `--sqlite-url=${pathToFileURL(join(dir, 'data'))}/`,
      `--listen-addr=127.0.0.1:${port}`,
      `--state-dir=${dir}`,
      '--debug-addr=-', // its HTTP debug listener defaults to 127.0.0.1:8088 for every instance
      '--telemetry=disable',
      '--log-level=error',
    ],
    { cwd: dir, env: { ...process.env, DO_NOT_TRACK: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const kill = () => child.kill('SIGKILL')
  process.once('exit', kill)
  const stop = async () => {
    process.removeListener('exit', kill)
    await terminate(child)
    rmSync(dir, { recursive: true, force: true })
  }
  const url = `mongodb://127.0.0.1:${port}/`
  try {
    await waitUntilReady(child, port, url, options.timeoutMs ?? 30_000)
  } catch (e) {
    await stop()
    throw e
  }
  return { url, stop }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

/** Resolves once the port accepts connections and answers `ping`; rejects with stderr if the server exits. */
async function waitUntilReady(
  child: ChildProcess,
  port: number,
  url: string,
  timeoutMs: number,
): Promise<void> {
  let output = ''
  const keep = (b: Buffer) => void (output = (output + b.toString()).slice(-4000))
  child.stdout!.on('data', keep)
  child.stderr!.on('data', keep)
  const deadline = Date.now() + timeoutMs
  const died = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`FerretDB exited (${signal ?? `code ${code}`}) before answering: ${output.trim()}`)),
    )
    child.once('error', reject)
  })
  died.catch(() => {})
  const ready = (async () => {
    while (!(await accepts(port))) {
      if (exited(child)) return
      if (Date.now() > deadline) throw new Error(`FerretDB did not listen on ${port} within ${timeoutMs} ms`)
      await new Promise((r) => setTimeout(r, 25))
    }
    if (!exited(child)) await ping(url, Math.max(1000, deadline - Date.now()))
  })()
  await Promise.race([ready, died])
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

async function ping(url: string, timeoutMs: number): Promise<void> {
  const { MongoClient } = requirePeer<typeof Mongo>('FerretDB provisioning', 'mongodb')
  const client = new MongoClient(url, { serverSelectionTimeoutMS: timeoutMs })
  try {
    await client.db('admin').command({ ping: 1 })
  } finally {
    await client.close()
  }
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null

/** SIGTERM, then SIGKILL if it has not exited within 5 s. */
async function terminate(child: ChildProcess): Promise<void> {
  if (exited(child)) return
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await gone
  clearTimeout(timer)
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const t0 = Date.now()
  const binary = await ferretdbBinary((line) => process.stderr.write(`${line}\n`))
  process.stderr.write(`FerretDB binary: ${binary} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n`)
}
