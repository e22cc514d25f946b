/** CONTRACT §5 case and order: Unicode simple lowercase per code point; code point (UTF-8 byte) order. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { codePointLength, compareCodePoints, foldCase, foldTable } from '../core/text.ts'

describe('foldCase', () => {
  it('the contract examples', () => {
    assert.equal(foldCase('ÉLODIE'), 'élodie')
    assert.equal(foldCase('ΌΣΟΣ'), 'όσοσ')
    assert.equal(foldCase('İ'), 'i')
    assert.notEqual(
      'ΌΣΟΣ'.toLowerCase(),
      'όσοσ',
      'JavaScript applies the final-sigma rule; the fold must not',
    )
  })
  it('no context: a final sigma stays σ, inside a word and alone', () => {
    assert.equal(foldCase('ΟΔΟΣ ΚΑΙ Σ'), 'οδοσ και σ')
  })
  it('one code point gives one code point (simple, not full, mapping)', () => {
    assert.equal(foldCase('İSTANBUL'), 'istanbul')
    assert.equal(foldCase('ẞ'), 'ß')
    assert.equal(foldCase('ß'), 'ß')
    assert.equal(foldCase('ǅ'), 'ǆ')
    assert.equal(foldCase('\u212A'), 'k') // KELVIN SIGN
    assert.equal(foldCase('\u2126'), 'ω') // OHM SIGN
  })
  it('folds code points above the BMP', () => {
    assert.equal(foldCase('𐐀𐐁'), '𐐨𐐩') // Deseret
    assert.equal(foldCase('A😀B'), 'a😀b')
  })
  it('ASCII fast path and the general path agree', () => {
    assert.equal(foldCase('Hello, WORLD_%'), 'hello, world_%')
    assert.equal(foldCase('Hello, WORLD_%é'), 'hello, world_%é')
    assert.equal(foldCase(''), '')
  })
  it('is idempotent and never changes the number of code points, for every code point', () => {
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue
      const f = foldCase(String.fromCodePoint(cp))
      if ([...f].length !== 1 || foldCase(f) !== f)
        assert.fail(`U+${cp.toString(16)} folds to ${JSON.stringify(f)}`)
    }
  })
  it('foldTable is the fold as parallel strings (behind SQL translate())', () => {
    const { from, to } = foldTable()
    const a = [...from]
    const b = [...to]
    assert.equal(a.length, b.length)
    assert.ok(a.length > 1000)
    for (let i = 0; i < a.length; i++) assert.equal(foldCase(a[i]!), b[i])
    assert.ok(a.includes('İ') && a.includes('Σ') && !a.includes('σ'))
  })
})

describe('compareCodePoints', () => {
  const sign = (n: number) => Math.sign(n)
  it('orders by code point where UTF-16 order differs', () => {
    assert.ok('\uFF61' > '😀', 'UTF-16 puts U+FF61 after the surrogate pair')
    assert.equal(sign(compareCodePoints('\uFF61', '😀')), -1)
    assert.equal(sign(compareCodePoints('😀', '\uFF61')), 1)
    assert.deepEqual(['😀', '\uFF61', '\uE000', 'z'].sort(compareCodePoints), ['z', '\uE000', '\uFF61', '😀'])
  })
  it('equal, prefix, ASCII, case (binary, not locale)', () => {
    assert.equal(compareCodePoints('abc', 'abc'), 0)
    assert.equal(sign(compareCodePoints('ab', 'abc')), -1)
    assert.equal(sign(compareCodePoints('B', 'a')), -1)
    assert.equal(sign(compareCodePoints('é', 'f')), 1)
    assert.equal(sign(compareCodePoints('😀', '😁')), -1)
    assert.equal(sign(compareCodePoints('', 'a')), -1)
  })
  it('agrees with UTF-8 byte order on random strings', () => {
    const pool = [
      0x41, 0x61, 0xe9, 0x3a3, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xff61, 0xffff, 0x10000, 0x1f600, 0x10ffff,
    ]
    let seed = 42
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n)
    const str = () => String.fromCodePoint(...Array.from({ length: rnd(4) }, () => pool[rnd(pool.length)]!))
    for (let i = 0; i < 5000; i++) {
      const a = str()
      const b = str()
      assert.equal(
        sign(compareCodePoints(a, b)),
        Buffer.compare(Buffer.from(a), Buffer.from(b)),
        `${JSON.stringify(a)} vs ${JSON.stringify(b)}`,
      )
    }
  })
})

describe('codePointLength', () => {
  it('counts code points, not UTF-16 units or graphemes', () => {
    assert.equal(codePointLength(''), 0)
    assert.equal(codePointLength('abc'), 3)
    assert.equal(codePointLength('😀😀'), 2)
    assert.equal(codePointLength('é'), 1)
    assert.equal(codePointLength('e\u0301'), 2)
    assert.equal(codePointLength('👩‍💻'), 3)
  })
  it('counts a lone surrogate as one, like the string iterator', () => {
    for (const s of ['\ud800', '\udc00', 'a\ud800b', '\ud800\ud800', '\udc00\ud800', '😀\ud83d'])
      assert.equal(codePointLength(s), [...s].length, JSON.stringify(s))
  })
})
