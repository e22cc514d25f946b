/**
 * The transport's floor for the daemon benchmark: a raw `ws` server in a process of its own (as the
 * daemon is, so both round trips cross processes alike) that answers every JSON-RPC request with the
 * row given on its command line, parsing and serializing as a daemon must. Prints its port, then serves
 * until stdin closes.
 */
import { WebSocketServer } from 'ws'
import { SUBPROTOCOL } from '../daemon/protocol.ts'

const row: unknown = JSON.parse(process.argv[2] ?? 'null')
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => SUBPROTOCOL })
wss.on('connection', (ws) =>
  ws.on('message', (d: Buffer) => {
    const req = JSON.parse(d.toString('utf8')) as { id: number }
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: req.id, result: row }))
  }),
)
wss.once('listening', () => process.stdout.write(`${(wss.address() as { port: number }).port}\n`))
process.stdin.on('end', () => wss.close(() => process.exit(0)))
process.stdin.resume()
