/**
 * `dbal daemon --config FILE`: starts the daemon, prints one line with its URL on standard output (a
 * supervisor or the harness waits for it), and on SIGTERM or SIGINT shuts down gracefully.
 */
import { loadConfig } from './config.ts'
import { PROTOCOL_VERSION } from './protocol.ts'
import { startDaemon } from './server.ts'

/** The line announcing the daemon is ready; the harness reads the URL from it. */
export const READY = /^dbal daemon listening on (wss?:\/\/\S+)/m

/** Set to 1: the daemon also shuts down when its standard input ends (its parent is gone). */
export const STOP_ON_STDIN_EOF = 'DBAL_DAEMON_STOP_ON_STDIN_EOF'

export async function daemonCommand(configFile: string, out: (line: string) => void): Promise<number> {
  const config = loadConfig(configFile)
  const warn = (line: string) => process.stderr.write(`dbal daemon: ${line}\n`)
  const daemon = await startDaemon(config, { log: warn })
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
