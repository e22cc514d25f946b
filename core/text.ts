/**
 * Text rules every backend shares (CONTRACT §5): case folding by the Unicode *simple* lowercase mapping,
 * code point by code point, and binary (code point) ordering.
 */

/** Code points whose full lowercase mapping (what JavaScript applies) differs from the simple one. */
const SIMPLE_EXCEPTIONS = new Map<number, string>([[0x130, 'i']])

function foldCodePoint(cp: number): string {
  const special = SIMPLE_EXCEPTIONS.get(cp)
  if (special !== undefined) return special
  // A single code point lowercases without context (no final-sigma rule); anything that expands
  // to several code points under the full mapping keeps itself, as the simple mapping does.
  const ch = String.fromCodePoint(cp)
  const lower = ch.toLowerCase()
  return lower.length === ch.length || [...lower].length === 1 ? lower : ch
}

// eslint-disable-next-line no-control-regex
const ASCII_ONLY = /^[\x00-\x7f]*$/

/** Unicode simple lowercase, code point by code point: 'ΌΣΟΣ' → 'όσοσ', 'İ' → 'i'. */
export function foldCase(s: string): string {
  if (ASCII_ONLY.test(s)) return s.toLowerCase()
  let out = ''
  for (const ch of s) out += foldCodePoint(ch.codePointAt(0)!)
  return out
}

/** Every code point that the fold changes, as parallel strings: the table behind SQL `translate()`. */
export function foldTable(): { from: string; to: string } {
  let from = ''
  let to = ''
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue
    const ch = String.fromCodePoint(cp)
    const folded = foldCodePoint(cp)
    if (folded !== ch) {
      from += ch
      to += folded
    }
  }
  return { from, to }
}

/** Compares by Unicode code point (what UTF-8 byte order and COLLATE "C" give), not by UTF-16 unit. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    // Surrogates (0xD800–0xDFFF) encode code points above 0xFFFF: they sort after every BMP unit.
    const sx = x >= 0xd800 && x <= 0xdfff
    const sy = y >= 0xd800 && y <= 0xdfff
    if (sx !== sy) return sx ? 1 : -1
    return x < y ? -1 : 1
  }
  return a.length - b.length
}

/** Length in code points, the unit of every length limit. */
export function codePointLength(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    // A low surrogate completes the pair before it; a lone surrogate counts as one, as `[...s]` does.
    const low = c >= 0xdc00 && c <= 0xdfff
    if (!low || i === 0 || !(s.charCodeAt(i - 1) >= 0xd800 && s.charCodeAt(i - 1) <= 0xdbff)) n++
  }
  return n
}
