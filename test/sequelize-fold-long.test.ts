/**
 * Case-insensitive matching on long non-ASCII text (CONTRACT §5: simple lowercase mapping, code point by
 * code point) gives the reference's answer on MariaDB, whose `dbal_fold` is a stored function: folded one
 * character at a time over the whole string it was quadratic (30 s, the statement timeout, for 80,000
 * characters). 200,000 non-ASCII characters must fold within the default request timeout, with
 * ASCII and non-ASCII pieces mixed so both branches run. If the server is unreachable this fails.
 */
import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { DBALClient } from '../core/client.ts'
import { freshAdapter, type Provisioned } from '../harness/backend.ts'
import { backendNamed } from '../harness/backends.ts'

const sequelizeMariadbBackend = backendNamed('sequelize-mariadb')
import { MemoryAdapter } from '../reference/memory.ts'
import { FAST_SCRYPT } from './helpers.ts'
import { skipMariadb } from './servers.ts'

const TEXT = `${'ΌΣΟΣ ÉLODIE '.repeat(10_000)}${'plain ascii '.repeat(2000)}İSTANBUL ǅ 𐐀 END`

async function answers(db: DBALClient): Promise<number[]> {
  const owner = await db.users.create({ username: 'owner', email: 'owner@example.com' })
  await db.luaScripts.create({ name: 'long', code: 'return 1', description: TEXT, createdBy: owner.id })
  const n = (needle: string, op = '$contains') => db.luaScripts.count({ description: { [op]: needle } })
  return Promise.all([
    n('όσοσ élodie όσοσ'),
    n('istanbul ǆ 𐐨 end', '$endsWith'),
    n('όσοσ', '$startsWith'),
    n('ascii plain ascii'),
    n('ΌΣΟΣ ÉLODIE İ'),
  ])
}

describe('long non-ASCII text matching on MariaDB', { skip: skipMariadb }, () => {
  let p: Provisioned | undefined
  after(() => p?.cleanup())
  it('gives the reference answers for 200,000 characters', async () => {
    const expected = await answers(new DBALClient({ adapter: new MemoryAdapter(), scrypt: FAST_SCRYPT }))
    assert.deepEqual(expected, [1, 1, 1, 1, 0])
    const prov = await sequelizeMariadbBackend.provision(`fold-${process.pid}`)
    if ('notRun' in prov) return assert.fail(prov.notRun)
    p = prov
    assert.deepEqual(
      await answers(new DBALClient({ adapter: await freshAdapter(p), scrypt: FAST_SCRYPT })),
      expected,
    )
  })
})
