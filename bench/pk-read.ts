/**
 * Primary-key read: the SQLite adapter against raw better-sqlite3 in the same run, best of 15 rounds
 * of 20,000 reads each. Prints both times and the ratio (the target is at most 2×).
 *   npm run bench
 */
import Database from 'better-sqlite3'
import { sqliteAdapter } from '../adapters/sqlite/index.ts'

const TS = '2030-01-01T00:00:00.000Z'
const ids = Array.from(
  { length: 500 },
  (_, i) => `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
)
const N = 20_000
const ROUNDS = 15
const TARGET = 2

const adapter = sqliteAdapter()
await adapter.migrate()
await adapter.createMany(
  'User',
  ids.map((id, i) => ({
    id,
    username: `user${i}`,
    email: `user${i}@example.com`,
    role: 'user',
    createdAt: TS,
    updatedAt: TS,
  })),
)

const db = new Database(':memory:')
db.exec(
  'CREATE TABLE users (id TEXT PRIMARY KEY, username TEXT, email TEXT, role TEXT, created_at TEXT, updated_at TEXT)',
)
const insert = db.prepare('INSERT INTO users VALUES (?, ?, ?, ?, ?, ?)')
ids.forEach((id, i) => insert.run(id, `user${i}`, `user${i}@example.com`, 'user', TS, TS))
const raw = db.prepare(
  'SELECT id, username, email, role, created_at AS createdAt, updated_at AS updatedAt FROM users WHERE id = ?',
)

if (JSON.stringify(await adapter.read('User', ids[7]!)) !== JSON.stringify(raw.get(ids[7])))
  throw new Error('the adapter and raw SQL read different rows')

let viaAdapter = Infinity
let direct = Infinity
for (let round = 0; round < ROUNDS; round++) {
  let t = performance.now()
  for (let i = 0; i < N; i++) await adapter.read('User', ids[i % 500]!)
  viaAdapter = Math.min(viaAdapter, performance.now() - t)
  t = performance.now()
  for (let i = 0; i < N; i++) raw.get(ids[i % 500])
  direct = Math.min(direct, performance.now() - t)
}
const us = (ms: number) => ((ms / N) * 1000).toFixed(2)
const ratio = viaAdapter / direct
process.stdout.write(
  `sqlite primary-key read: adapter ${us(viaAdapter)} µs, raw better-sqlite3 ${us(direct)} µs, ratio ${ratio.toFixed(2)}× (target ≤ ${TARGET}×)\n`,
)
await adapter.close()
process.exitCode = ratio <= TARGET ? 0 : 1
