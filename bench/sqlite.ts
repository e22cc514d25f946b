/**
 * SQLite: raw better-sqlite3, Drizzle, Prisma (adapter-better-sqlite3) and the DBAL at its three levels,
 * all on one database file (WAL) in a temporary folder, its tables the DBAL's, migrated by it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { load } from './lib/data.ts'
import { adapterSubject, clientSubject } from './lib/dbal.ts'
import { sqliteAdapter } from './lib/dist.ts'
import type { Section } from './lib/report.ts'
import type { Subject } from './lib/subject.ts'
import { checkAgreement, runWorkloads } from './lib/workloads.ts'
import { prismaSqliteSubject } from './pg/prisma.ts'
import { drizzleSqlite } from './sqlite/drizzle.ts'
import { rawSqlite } from './sqlite/raw.ts'

export const SQLITE_PEERS = ['Drizzle (prepared)', 'Prisma 7 (adapter-better-sqlite3)']

export async function runSqlite(log: (line: string) => void): Promise<Section> {
  const dir = mkdtempSync(join(tmpdir(), 'dbal-bench-sqlite-'))
  const file = join(dir, 'bench.db')
  const subjects: Subject[] = []
  const notRun: { subject: string; reason: string }[] = []
  try {
    const adapter = sqliteAdapter({ filename: file })
    await adapter.migrate()
    log('sqlite: loading 10,000 users, 10,000 pages, a tree of 200 components')
    await load(adapter)
    subjects.push(rawSqlite(file), drizzleSqlite(file))
    const prisma = await prismaSqliteSubject(file)
    if ('reason' in prisma) notRun.push({ subject: SQLITE_PEERS[1]!, reason: prisma.reason })
    else subjects.push(prisma)
    subjects.push(adapterSubject(adapter), clientSubject(adapter, false), clientSubject(adapter, true))
    await checkAgreement(subjects)
    const results = await runWorkloads(subjects, log)
    return {
      title: 'SQLite (one file, WAL)',
      key: 'sqlite',
      baseline: 'better-sqlite3',
      peers: SQLITE_PEERS,
      results,
      notRun,
    }
  } finally {
    for (const s of subjects) await s.close().catch(() => undefined)
    rmSync(dir, { recursive: true, force: true })
  }
}
