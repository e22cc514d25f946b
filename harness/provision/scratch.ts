/**
 * A scratch database for one registered backend and one harness run: a database of its own on the
 * server the backend needs (found as provision/servers.ts says), a file in a temporary folder, or
 * memory; `drop` removes it. Also used by the tests.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AdapterEntry, ServerName } from '../../adapters/registry.ts'
import { MARIADB } from './mariadb.ts'
import { FERRETDB, MONGO } from './mongo.ts'
import { POSTGRES } from './postgres.ts'
import { shownUrl } from '../../core/url.ts'
import { provisionDatabase, type ServerSpec } from './servers.ts'

export const SERVERS: Readonly<Record<ServerName, ServerSpec>> = {
  postgres: POSTGRES,
  mariadb: MARIADB,
  ferretdb: FERRETDB,
  mongo: MONGO,
}

export interface ScratchDatabase {
  /** Absent: in memory. */
  readonly url?: string
  /** Where it is, for reports (the password never shown). */
  readonly where: string
  drop(): Promise<void>
}

export type Placement = 'memory' | 'file'

/**
 * `placement` chooses for an embedded backend: memory (the default) or a file, which a daemon in
 * another process needs. A backend with no file form stays in memory.
 */
export async function scratchDatabase(
  entry: Pick<AdapterEntry, 'server' | 'fileUrl'>,
  runId: string,
  suffix: string,
  placement: Placement = 'memory',
): Promise<ScratchDatabase | { notRun: string }> {
  if (entry.server) {
    const db = await provisionDatabase(SERVERS[entry.server], runId, suffix)
    if ('notRun' in db) return db
    return { url: db.url, where: `${shownUrl(db.url)} (${db.source})`, drop: () => db.drop() }
  }
  if (placement === 'memory' || !entry.fileUrl) return { where: 'in memory', drop: async () => {} }
  const dir = mkdtempSync(join(tmpdir(), `dbal-${suffix}-`))
  return {
    url: entry.fileUrl(dir),
    where: 'a file in a temporary folder',
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  }
}
