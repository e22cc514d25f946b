/**
 * The remote backend: a DBALClient whose operations run in a daemon (daemon/PROTOCOL.md). The daemon
 * holds the database credentials; the application holds a URL and a token.
 *
 *   const db = remoteClient({ url: 'wss://dbal.internal:8765', token: process.env.DBAL_TOKEN })
 */
import { DBALClient } from '../../core/client.ts'
import { DBALError } from '../../core/errors.ts'
import { RemoteExecutor, type CallOptions, type RemoteOptions } from './executor.ts'

export { RemoteExecutor, type CallOptions, type RemoteOptions }
export { RoundRobinExecutor, roundRobin } from './round-robin.ts'

export function remoteExecutor(options: RemoteOptions): RemoteExecutor {
  return new RemoteExecutor(options)
}

export interface RemoteClientOptions extends RemoteOptions {
  /**
   * Say so to connect without a token: the daemon then serves only `credentials.verify` and
   * `auth.whoami` (a login form's client). Without a token and without this, construction fails.
   */
  readonly unauthenticated?: true
}

/** A client of the daemon at `url`, as the caller its token names (a service token: the system caller). */
export function remoteClient(options: RemoteClientOptions): DBALClient {
  const { unauthenticated, ...rest } = options ?? ({} as RemoteClientOptions)
  const field = (name: string, error: string) =>
    new DBALError('VALIDATION_ERROR', {
      fields: [{ field: `options.${name}`, error: `remoteClient: ${error}` }],
    })
  if (typeof rest.url !== 'string' || rest.url === '')
    throw field('url', 'required: ws://host:port or wss://host:port')
  const hasToken = typeof rest.token === 'string' && rest.token !== ''
  if (!hasToken && unauthenticated !== true)
    throw field(
      'token',
      'required: a service token or a session token (or unauthenticated: true for a client that may only call credentials.verify)',
    )
  if (hasToken && unauthenticated === true)
    throw field('unauthenticated', 'does not apply with options.token')
  return new DBALClient({ executor: new RemoteExecutor(rest) })
}
