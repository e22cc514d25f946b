/** A database of the benchmark's own on the PostgreSQL server ($DBAL_POSTGRES_URL or the local one). */
import pg from 'pg'

async function admin(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    await c.query(sql)
  } finally {
    await c.end()
  }
}

export async function scratchPostgres(suffix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const server = process.env.DBAL_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
  const name = `dbal_bench_${suffix}_${process.pid}`
  await admin(server, `CREATE DATABASE ${name}`)
  const u = new URL(server)
  u.pathname = `/${name}`
  return { url: u.toString(), drop: () => admin(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) }
}
