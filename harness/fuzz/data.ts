/**
 * Random datasets: PageView rows and component trees, valid on purpose (schema/entities/*.yaml limits),
 * built from text that stresses case folding and ordering (CONTRACT §5 Case, Sort): Turkish dotted and
 * dotless i, final sigma, ß, titlecase digraphs, characters beyond the BMP, combining marks, empty
 * strings, strings at their maximum length, nulls and absent optionals, nested JSON for dot paths.
 */
import type { Random } from './random.ts'

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

export interface PageRow {
  /** The name the create step is saved as: `$<ref>.id` refers to the row. */
  readonly ref: string
  readonly input: { readonly [key: string]: Json }
}

export interface ComponentRow {
  readonly ref: string
  /** The page's ref, and the parent's ref (null: a root). */
  readonly page: string
  readonly parent: string | null
  readonly input: { readonly [key: string]: Json }
}

/** Pieces of text; none starts with `$` (a vector reference, refs.ts). */
export const PIECES: readonly string[] = [
  'i',
  'I',
  'ı',
  'İ',
  'ς',
  'σ',
  'Σ',
  'ß',
  'ẞ',
  'SS',
  'ǅ',
  'ǆ',
  'Ǆ',
  'ǈ',
  '😀',
  '𝔘',
  '𐐷',
  'e\u0301',
  'é',
  'É',
  'Ω',
  'ω',
  '\u212a',
  'k',
  'ſ',
  's',
  'a',
  'A',
  'z',
  'Z',
  '_',
  '%',
  ' ',
  'Ab',
  'page',
  'ΌΣΟΣ',
  'Straße',
  'İstanbul',
  'ısı',
  '0',
  '9',
  '-',
  '\u0307',
  'ﬁ',
  '\u00a0',
]

/** A title-like string of 1..4 pieces (never empty: titles have min_length 1). */
export function text(r: Random, max = 4): string {
  let s = ''
  for (let n = r.int(1, max); n > 0; n--) s += r.pick(PIECES)
  return s
}

/**
 * A string of exactly `length` code points (the schema's limits count code points, not UTF-16 units
 * or bytes): one repeated unit, some beyond the BMP (4 bytes in UTF-8), and a different last one.
 */
export function longText(r: Random, length: number): string {
  const unit = r.pick(['a', 'é', 'ß', 'Σ', 'ı', 'İ', 'ǅ', '😀', '𝔘', '\u0301'])
  return unit.repeat(length - 1) + r.pick(['z', 'ς', 'K', '𐐷'])
}

function jsonValue(r: Random, depth: number): Json {
  switch (r.int(0, depth > 1 ? 4 : 6)) {
    case 0:
      return null
    case 1:
      return r.chance(0.5)
    case 2:
      return r.pick([0, -1, 1.5, 42, 1e15, -0.25])
    case 3:
      return r.chance(0.2) ? '' : text(r)
    case 4:
      return r.int(0, 5)
    case 5:
      return [text(r), r.int(0, 3), null]
    default:
      return jsonObject(r, depth + 1)
  }
}

/** A layout/props object: keys `a`, `k`, `n` (the dot paths the filters use) and a unicode key. */
export function jsonObject(r: Random, depth = 0): { [key: string]: Json } {
  const o: { [key: string]: Json } = {}
  if (r.chance(0.7)) o.k = r.chance(0.7) ? r.pick(['x', 'y', 'Σ', 'ß', 'İ']) : jsonValue(r, depth + 1)
  if (r.chance(0.6)) o.n = r.int(0, 9)
  if (depth < 2 && r.chance(0.5)) o.a = { b: r.chance(0.8) ? r.pick(['p', 'q', 'ı', '😀']) : null }
  if (r.chance(0.3)) o[r.pick(['ключ', 'clé', '鍵', 'ǅx'])] = jsonValue(r, depth + 1)
  return o
}

/** Unique by the index, so that sorting by slug last makes every order total (CONTRACT §5 Sort). */
function slug(r: Random, i: number): string {
  const s = `/${r.pick(['a', 'b', 'z', '0', 'p-q'])}${i}`
  // At the 255 limit now and then: long keys of a unique index.
  return r.chance(0.1) ? `${s}-`.padEnd(255, r.pick(['a', '-', '/', '9'])) : s
}

function pageInput(r: Random, i: number): { [key: string]: Json } {
  const row: { [key: string]: Json } = {
    slug: slug(r, i),
    title: r.chance(0.1) ? longText(r, 255) : text(r),
    level: r.int(1, 5),
    layout: jsonObject(r),
  }
  const d = r.int(0, 5)
  if (d === 1) row.description = null
  else if (d === 2) row.description = ''
  else if (d === 3) row.description = longText(r, r.pick([1, 300, 2000]))
  else if (d >= 4) row.description = text(r, 6)
  if (r.chance(0.5)) row.isActive = r.chance(0.5)
  return row
}

export interface Dataset {
  readonly pages: readonly PageRow[]
  readonly components: readonly ComponentRow[]
}

export function dataset(r: Random): Dataset {
  const pages: PageRow[] = []
  for (let i = r.int(2, 9); i > 0; i--)
    pages.push({ ref: `p${pages.length}`, input: pageInput(r, pages.length) })
  const components: ComponentRow[] = []
  for (const page of r.some(pages, r.int(0, 2)))
    for (let n = r.int(1, 5); n > 0; n--) {
      const mine = components.filter((c) => c.page === page.ref)
      const parent = mine.length && r.chance(0.6) ? r.pick(mine).ref : null
      const i = components.length
      components.push({
        ref: `c${i}`,
        page: page.ref,
        parent,
        input: {
          // Unique by the index: the component sorts end with it, so no order depends on ids.
          componentType: r.chance(0.1)
            ? `${longText(r, 96)}#${String(i).padStart(3, '0')}`
            : `${text(r, 2)}#${i}`,
          ...(r.chance(0.7) ? { order: r.int(0, 5) } : {}),
          ...(r.chance(0.6) ? { props: jsonObject(r) } : {}),
        },
      })
    }
  return { pages, components }
}
