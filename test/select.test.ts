/**
 * `--backends` / `--require` / $DBAL_REQUIRE words (harness/select.ts): names, groups, and `-word` to
 * leave out what an earlier word chose, as .ci/run's `all,-mongo` does.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BACKENDS } from '../harness/backends.ts'
import { selectBackends } from '../harness/select.ts'

const names = (spec: string) => selectBackends(spec).map((b) => b.name)

test('all but one: every backend in registry order, without it', () => {
  const all = BACKENDS.map((b) => b.name)
  assert.ok(all.includes('mongo'))
  assert.deepEqual(
    names('all,-mongo'),
    all.filter((n) => n !== 'mongo'),
  )
})

test('a group can be left out, and a later word adds back', () => {
  const embedded = BACKENDS.filter((b) => b.kind === 'embedded').map((b) => b.name)
  assert.ok(names('all,-embedded').every((n) => !embedded.includes(n)))
  assert.deepEqual(names('embedded,-sqlite,sqlite'), [...embedded.filter((n) => n !== 'sqlite'), 'sqlite'])
})

test('an unknown name after the minus is refused like any unknown name; nothing left is refused', () => {
  assert.throws(() => selectBackends('all,-nope'), /unknown backend/)
  assert.throws(() => selectBackends('sqlite,-sqlite'), /no backend named/)
})
