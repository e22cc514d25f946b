/**
 * A daemon in a child process, started the way an operator would (`dbal daemon --config FILE`): for the
 * harness's `remote` backends and for fault tests, which need a daemon they can SIGKILL. The config file
 * names its secrets as `${...}` and the values travel in the child's environment, never on its command line.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stringify } from 'yaml'
import { READY, STOP_ON_STDIN_EOF } from './main.ts'

const BIN = fileURLToPath(new URL('../bin/dbal.js', import.meta.url))
const START_TIMEOUT_MS = 30_000

export interface ChildOptions {
  /** A registered backend's name (adapters/registry.ts) and its url. */
  readonly backend: { readonly name: string; readonly url?: string }
  /** 0 (the default): a free port, read back from the ready line. */
  readonly port?: number
  /** Further config sections (limits, auth, ...), merged over the defaults here. */
  readonly config?: Record<string, Record<string, unknown>>
  /** Where the config and the audit log go (default: a new temporary folder, removed by `remove`). */
  readonly dir?: string
  /** The service token (default: a new random one). */
  readonly token?: string
  /** The CLI to run (default bin/dbal.js: the sources in a checkout); bench/ runs the compiled one. */
  readonly cli?: string
  /** Node's own flags for the child (`--cpu-prof`: NODE_OPTIONS refuses it). */
  readonly nodeArgs?: readonly string[]
}

export interface ChildDaemon {
  readonly url: string
  /** http(s)://host:port, for /health and /metrics. */
  readonly httpUrl: string
  readonly port: number
  readonly token: string
  readonly dir: string
  readonly process: ChildProcess
  /** The exit code once it has exited (null: ended by a signal). */
  readonly exited: Promise<number | null>
  /** SIGTERM and wait for the exit (SIGKILL after 15 s); the exit code. */
  stop(): Promise<number | null>
  /** Removes the folder it made. */
  remove(): void
}

export async function spawnDaemon(o: ChildOptions): Promise<ChildDaemon> {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'dbal-daemon-'))
  const token = o.token ?? randomBytes(32).toString('base64url')
  const config: Record<string, Record<string, unknown>> = {
    backend: {
      name: o.backend.name,
      ...(o.backend.url !== undefined ? { url: '${DBAL_DATABASE_URL}' } : {}),
    },
    listen: { host: '127.0.0.1', port: o.port ?? 0 },
    auth: { service_tokens: [{ name: 'harness', token: '${DBAL_SERVICE_TOKEN}' }] },
    audit: { file: join(dir, 'audit.jsonl') },
  }
  for (const [k, v] of Object.entries(o.config ?? {})) config[k] = { ...config[k], ...v }
  const file = join(dir, 'dbal.daemon.yaml')
  writeFileSync(file, stringify(config), { mode: 0o600 })
  const env = {
    ...process.env,
    DBAL_SERVICE_TOKEN: token,
    [STOP_ON_STDIN_EOF]: '1',
    ...(o.backend.url !== undefined ? { DBAL_DATABASE_URL: o.backend.url } : {}),
  }
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), o.cli ?? BIN, 'daemon', '--config', file], {
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))

  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(
      () => reject(new Error(`the daemon did not start within ${START_TIMEOUT_MS} ms: ${stderr.trim()}`)),
      START_TIMEOUT_MS,
    )
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = READY.exec(out)
      if (m) (clearTimeout(timer), resolve(m[1]!))
    })
    void exited.then(
      (code) => (
        clearTimeout(timer),
        reject(
          new Error(`the daemon exited (${code}) before it was ready: ${stderr.trim().split('\n').pop()}`),
        )
      ),
    )
  }).catch((e: unknown) => {
    child.kill('SIGKILL')
    if (!o.dir) rmSync(dir, { recursive: true, force: true })
    throw e
  })
  const port = Number(new URL(url).port)
  return {
    url,
    httpUrl: url.replace(/^ws/, 'http'),
    port,
    token,
    dir,
    process: child,
    exited,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
      child.kill('SIGTERM')
      const t = setTimeout(() => child.kill('SIGKILL'), 15_000)
      return exited.finally(() => clearTimeout(t))
    },
    remove() {
      if (!o.dir) rmSync(dir, { recursive: true, force: true })
    },
  }
}
