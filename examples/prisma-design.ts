/**
 * The design's usage example (`adapter: 'prisma'`), running: the DBAL client over Prisma 7 (driver
 * adapters, no engines), the Prisma backend chosen by the URL (prisma-sqlite, prisma-postgres or
 * prisma-mariadb). SQLite in a temporary file by default, or a server by URL:
 *
 *   npx tsx examples/prisma-design.ts
 *   npx tsx examples/prisma-design.ts postgres://postgres@127.0.0.1:5432/test
 *   npx tsx examples/prisma-design.ts mariadb://root@127.0.0.1:3306/test
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDbal } from '../core/index.ts'

const dir = mkdtempSync(join(tmpdir(), 'dbal-prisma-example-'))
const url = process.argv[2] ?? `file:${join(dir, 'app.db')}`
const database = { url }

// The system caller sets up the example's people; the design's client then acts as one of them.
const system = await createDbal({ mode: 'development', adapter: 'prisma', database })
const currentUser = await system.users.create({
  username: 'admin_ex',
  email: 'admin@example.com',
  role: 'admin',
})

const client = await createDbal({
  mode: 'development',
  adapter: 'prisma',
  database,
  auth: { user: { id: currentUser.id, username: currentUser.username, role: currentUser.role } },
})

const user = await client.users.create({
  username: 'john',
  email: 'john@example.com',
  role: 'user',
})

const users = await client.users.list({
  filter: { role: 'admin' },
  sort: { createdAt: 'desc' },
  limit: 10,
})

console.log(`created ${user.username} (${user.id}) through adapter: 'prisma' on ${url.split(':')[0]}`)
console.log(`admins: ${users.data.map((u) => u.username).join(', ')} (total ${users.total})`)

// Leaves a server database as it found it.
await system.users.delete(user.id)
await system.users.delete(currentUser.id)
await client.close()
await system.close()
rmSync(dir, { recursive: true, force: true })
