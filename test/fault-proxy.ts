/**
 * A TCP relay in front of a daemon that misbehaves as a network does (issue 16): it delays every chunk
 * (in order, both ways), drops traffic while keeping the connections open (a partition: nothing arrives
 * and nothing says so), drops only the replies (the request arrives and is applied, its answer is lost),
 * cuts every connection, and refuses new ones; `restore()` ends all of it. Unlike test/daemon-helpers.ts's
 * tcpProxy, which only swallows replies and cuts, this one models a partition that heals.
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net'

export interface FaultProxy {
  readonly port: number
  /** Milliseconds added to every chunk, both ways (0: none). */
  delayMs: number
  /** 'none', 'replies' (daemon → client lost), 'both' (a partition: nothing crosses). */
  drop: 'none' | 'replies' | 'both'
  /** New connections are closed at once (the daemon looks down). */
  refuse: boolean
  /** Ends every connection now (both sides see a reset). */
  cut(): void
  /** Back to a healthy network: no delay, no drops, connections accepted. */
  restore(): void
  /** Connections relayed so far. */
  readonly connections: number
  close(): Promise<void>
}

export async function faultProxy(targetPort: number): Promise<FaultProxy> {
  const pairs = new Set<[Socket, Socket]>()
  let accepted = 0
  const state = { delayMs: 0, drop: 'none' as FaultProxy['drop'], refuse: false }

  /** Relays `from` to `to`, each chunk after the delay in force when it arrived, in arrival order. */
  const relay = (from: Socket, to: Socket, isReply: boolean) => {
    let last = Promise.resolve()
    from.on('data', (b: Buffer) => {
      if (state.drop === 'both' || (isReply && state.drop === 'replies')) return
      const delay = state.delayMs
      last = last.then(async () => {
        if (delay > 0) await new Promise((r) => setTimeout(r, delay))
        if (!to.destroyed) to.write(b)
      })
    })
  }

  const server = createServer((client) => {
    if (state.refuse) return void client.destroy()
    accepted++
    const upstream = connect(targetPort, '127.0.0.1')
    const pair: [Socket, Socket] = [client, upstream]
    pairs.add(pair)
    relay(client, upstream, false)
    relay(upstream, client, true)
    const end = () => {
      pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    for (const s of pair) s.on('close', end).on('error', end)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const cut = () => {
    for (const [c, u] of pairs) (c.resetAndDestroy(), u.destroy())
  }

  return {
    port: (server.address() as AddressInfo).port,
    get delayMs() {
      return state.delayMs
    },
    set delayMs(v: number) {
      state.delayMs = v
    },
    get drop() {
      return state.drop
    },
    set drop(v: FaultProxy['drop']) {
      state.drop = v
    },
    get refuse() {
      return state.refuse
    },
    set refuse(v: boolean) {
      state.refuse = v
    },
    get connections() {
      return accepted
    },
    cut,
    restore() {
      Object.assign(state, { delayMs: 0, drop: 'none', refuse: false })
    },
    close() {
      cut()
      return new Promise((r) => server.close(() => r()))
    },
  }
}
