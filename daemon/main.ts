/**
 * `dbal daemon --config FILE`: starts the daemon, prints one line with its URL on standard output (a
 * supervisor or the harness waits for it), and on SIGTERM or SIGINT shuts down gracefully.
 */
import { ConfigError } from '../core/config-error.ts'
import { environmentProblem, inputError } from '../core/problems.ts'
import { shownUrl, withoutPassword } from '../core/url.ts'
import { loadConfig, type DaemonConfig } from './config.ts'
import { PROTOCOL_VERSION } from './protocol.ts'
import { startDaemon } from './server.ts'

/** The line announcing the daemon is ready; the harness reads the URL from it. */
export const READY = /^dbal daemon listening on (wss?:\/\/\S+)/m

/** Set to 1: the daemon also shuts down when its standard input ends (its parent is gone). */
export const STOP_ON_STDIN_EOF = 'DBAL_DAEMON_STOP_ON_STDIN_EOF'

/**
 * A failed start as the key of the config that caused it (the backend, the port, the TLS files), or
 * `e` itself when it is not the user's to fix. Errors of the backend arrive as the adapter's; Node's
 * system errors of the listening socket and the TLS files name their address or path.
 */
function startError(c: DaemonConfig, e: unknown): unknown {
  const problem = e instanceof ConfigError ? undefined : environmentProblem(e)
  if (problem === undefined) return e
  const { path, syscall, code } = e as { path?: unknown; syscall?: unknown; code?: unknown }
  if (c.tls && (path === c.tls.cert || path === c.tls.key))
    return new ConfigError(c.file, path === c.tls.cert ? 'tls.cert' : 'tls.key', `${path}: ${problem}`)
  if (typeof code === 'string' && code.startsWith('ERR_OSSL_'))
    return new ConfigError(c.file, 'tls', `not a usable certificate and key: ${problem}`)
  if (syscall === 'listen' || syscall === 'getaddrinfo')
    return new ConfigError(c.file, 'listen', `${c.listen.host}:${c.listen.port}: ${problem}`)
  const url = c.backend.url
  return new ConfigError(
    c.file,
    url ? 'backend.url' : 'backend',
    url ? `${shownUrl(url)}: ${withoutPassword(problem, url)}` : problem,
  )
}

export async function daemonCommand(configFile: string, out: (line: string) => void): Promise<number> {
  let config: DaemonConfig
  try {
    config = loadConfig(configFile)
  } catch (e) {
    throw inputError(configFile, '', e)
  }
  const warn = (line: string) => process.stderr.write(`dbal daemon: ${line}\n`)
  const daemon = await startDaemon(config, { log: warn }).catch((e: unknown) => {
    throw startError(config, e)
  })
  out(`dbal daemon listening on ${daemon.url} (backend ${config.backend.name}, protocol ${PROTOCOL_VERSION})`)
  // Listeners stay installed: a second signal during the drain must not kill the process mid-request.
  const signal = await new Promise<string>((resolve) => {
    process.on('SIGTERM', () => resolve('SIGTERM'))
    process.on('SIGINT', () => resolve('SIGINT'))
    // A daemon started by a harness goes away with it, even when the harness dies without a word.
    if (process.env[STOP_ON_STDIN_EOF] === '1')
      process.stdin.on('end', () => resolve('standard input closed')).resume()
  })
  warn(`${signal}: finishing in-flight requests`)
  await daemon.close()
  warn('stopped')
  return 0
}
