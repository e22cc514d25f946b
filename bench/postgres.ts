/**
 * PostgreSQL: raw `pg` (named prepared and unnamed), Kysely, Drizzle, Prisma, Sequelize and the DBAL at
 * its three levels, all on one database of their own (created here, dropped after), the same tables
 * (the DBAL's, migrated by it), the same dataset and the same pool size.
 */
import { load } from './lib/data.ts'
import { scratchPostgres } from './lib/postgres-db.ts'
import { adapterSubject, clientSubject } from './lib/dbal.ts'
import { postgresAdapter } from './lib/dist.ts'
import type { Section } from './lib/report.ts'
import type { Subject } from './lib/subject.ts'
import { checkAgreement, runWorkloads } from './lib/workloads.ts'
import { drizzleSubject } from './pg/drizzle.ts'
import { kyselySubject } from './pg/kysely.ts'
import { prismaSubject } from './pg/prisma.ts'
import { rawPg } from './pg/raw.ts'
import { sequelizeSubject } from './pg/sequelize.ts'

export const POOL = 8
export const PG_PEERS = ['Kysely', 'Drizzle (prepared)', 'Prisma 7 (adapter-pg)', 'Sequelize']

export async function runPostgres(log: (line: string) => void): Promise<Section> {
  const db = await scratchPostgres('orms')
  const url = db.url
  const subjects: Subject[] = []
  const notRun: { subject: string; reason: string }[] = []
  try {
    const adapter = postgresAdapter({ url, pool: POOL })
    await adapter.migrate()
    log('postgres: loading 10,000 users, 10,000 pages, a tree of 200 components')
    await load(adapter)
    subjects.push(
      rawPg(url, POOL, true),
      rawPg(url, POOL, false),
      kyselySubject(url, POOL),
      drizzleSubject(url, POOL),
    )
    const prisma = await prismaSubject(url, POOL)
    if ('reason' in prisma) notRun.push({ subject: 'Prisma 7 (adapter-pg)', reason: prisma.reason })
    else subjects.push(prisma)
    subjects.push(
      sequelizeSubject(url, POOL),
      adapterSubject(adapter),
      clientSubject(adapter, false),
      clientSubject(adapter, true),
    )
    await checkAgreement(subjects)
    const results = await runWorkloads(subjects, log)
    return {
      title: `PostgreSQL (pool ${POOL})`,
      key: 'postgres',
      baseline: 'pg (named prepared)',
      peers: PG_PEERS,
      results,
      notRun,
    }
  } finally {
    for (const s of subjects) await s.close().catch(() => undefined)
    await db.drop()
  }
}
