/**
 * Who a connection is. A bearer token is either a configured service token (the system caller; compared
 * in constant time against every configured token) or a Session token, resolved to its user through the
 * trusted executor, so an expired or unknown session is UNAUTHORIZED. Nothing a client sends besides the
 * token decides its identity. A session is resolved again when `sessionRecheckMs` has passed, so that a
 * revoked session or a changed role takes effect on a long-lived connection.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { AuthContext, AuthUser, Executor } from '../core/executor.ts'
import { DBALError } from '../core/errors.ts'

export interface Identity {
  /** undefined: the system caller (a service token). */
  readonly auth: AuthContext | undefined
  /** Separates idempotency keys of different callers. */
  readonly scope: string
  readonly kind: 'service' | 'user' | 'anonymous'
  /** For `auth.whoami`: never the token. */
  readonly describe: Record<string, string>
  /** A session token and when it was last resolved. */
  readonly session?: { readonly token: string; readonly checkedAt: number }
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest()
const TOKEN = /^[\x21-\x7e]{1,512}$/

export const ANONYMOUS_IDENTITY: Identity = {
  auth: { anonymous: true },
  scope: 'anonymous',
  kind: 'anonymous',
  describe: { kind: 'anonymous' },
}

export class Authenticator {
  private readonly service: readonly { readonly name: string; readonly digest: Buffer }[]

  constructor(
    serviceTokens: readonly { readonly name: string; readonly token: string }[],
    private readonly trusted: Executor,
    private readonly recheckMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.service = serviceTokens.map((t) => ({ name: t.name, digest: digest(t.token) }))
  }

  /** The service token's name; every configured token is compared, so timing says nothing. */
  private serviceName(token: string): string | undefined {
    const d = digest(token)
    let found: string | undefined
    for (const s of this.service) if (timingSafeEqual(d, s.digest) && found === undefined) found = s.name
    return found
  }

  async authenticate(token: unknown): Promise<Identity> {
    if (typeof token !== 'string' || !TOKEN.test(token))
      throw new DBALError('UNAUTHORIZED', { reason: 'malformed token' })
    const name = this.serviceName(token)
    if (name !== undefined)
      return {
        auth: undefined,
        scope: `service:${name}`,
        kind: 'service',
        describe: { kind: 'service', name },
      }
    const user = (await this.trusted.execute('Session', 'resolve', { token })) as AuthUser
    return {
      auth: { user: { id: user.id, username: user.username, role: user.role } },
      scope: `user:${user.id}`,
      kind: 'user',
      describe: { kind: 'user', id: user.id, username: user.username, role: user.role },
      session: { token, checkedAt: this.now() },
    }
  }

  /** The identity, resolved again if its session check is older than allowed; UNAUTHORIZED once revoked. */
  async current(id: Identity): Promise<Identity> {
    if (!id.session || this.now() - id.session.checkedAt < this.recheckMs) return id
    return this.authenticate(id.session.token)
  }
}

/** `Authorization: Bearer <token>` → the token; undefined when there is no such header. */
export function bearer(header: string | undefined): string | undefined {
  if (header === undefined) return undefined
  return /^Bearer +(\S+)$/i.exec(header)?.[1] ?? ''
}
