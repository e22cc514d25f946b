/**
 * The remote backend: a DBALClient whose operations run in a daemon (daemon/PROTOCOL.md). The daemon
 * holds the database credentials; the application holds a URL and a token.
 *
 *   const db = remoteClient({ url: 'wss://dbal.internal:8765', token: process.env.DBAL_TOKEN })
 */
import { DBALClient } from '../../core/client.ts'
import { RemoteExecutor, type CallOptions, type RemoteOptions } from './executor.ts'

export { RemoteExecutor, type CallOptions, type RemoteOptions }

export function remoteExecutor(options: RemoteOptions): RemoteExecutor {
  return new RemoteExecutor(options)
}

export function remoteClient(options: RemoteOptions): DBALClient {
  return new DBALClient({ executor: new RemoteExecutor(options) })
}
