/**
 * The conformance suite through several daemons at once: a harness Backend (harness/backend.ts) whose
 * executor for each case is a RoundRobinExecutor over daemons already started on one database, as
 * harness/backends/remote.ts does for one daemon. An actor's step gets a session that lives for that
 * step only, created through the service round-robin (on one daemon) and used by a connection to the
 * NEXT daemon, so every `as:` step also checks that a session made on one daemon holds on another.
 */
import { RoundRobinExecutor, roundRobin } from '../adapters/remote/index.ts'
import type { Backend, Provision } from '../harness/backend.ts'
import { connectTo, CONNECT_MS, StepSessions, TIMEOUT_MS } from '../harness/backends/remote.ts'

/** The suite on daemons at `urls` (all on one database, test.reset enabled, accepting `token`). */
export function roundRobinBackend(name: string, urls: readonly string[], token: string): Backend {
  return {
    name,
    kind: 'server',
    description: `${urls.length} daemons on one database behind a round-robin client`,
    async provision(): Promise<Provision> {
      let current: RoundRobinExecutor | undefined
      let turn = 0
      // Actors connect to the daemons in turn too, independently of the service calls.
      const connect = (token: string) => connectTo(urls[turn++ % urls.length]!)(token)
      return {
        where: urls.join(', '),
        async freshExecutor() {
          await current?.close()
          current = roundRobin(urls, { token, requestTimeoutMs: TIMEOUT_MS, connectTimeoutMs: CONNECT_MS })
          await current.reset()
          return new StepSessions(current, connect)
        },
        cleanup: async () => current?.close(),
      }
    },
  }
}
