/** core/url.ts: a database URL is shown without its password, whatever its shape. */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { shownUrl, withoutPassword } from '../core/url.ts'

test('a URL loses its password, and nothing else', () => {
  assert.equal(shownUrl('postgres://ann:s3cret@db:5432/x'), 'postgres://ann:***@db:5432/x')
  assert.equal(shownUrl('postgres://ann@db:5432/x'), 'postgres://ann@db:5432/x')
  assert.equal(shownUrl('/var/lib/app.db'), '/var/lib/app.db')
})

test('a URL that does not parse still loses what looks like its password', () => {
  const shown = shownUrl('postgres://ann:s3cret@db:notaport/x')
  assert.ok(!shown.includes('s3cret'), shown)
  assert.match(shown, /^postgres:\/\/ann:\*\*\*@/)
})

test('a driver message repeating the password loses it, encoded or not', () => {
  const url = 'mariadb://root:p%40ss@h/x'
  assert.equal(withoutPassword('denied for p@ss and p%40ss', url), 'denied for *** and ***')
})
