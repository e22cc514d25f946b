/**
 * One chart per workload: a bar per subject, its length the time relative to the baseline (1 = as fast
 * as the raw driver; longer is slower), its colour the subject's everywhere, the figure written beside
 * it. Plain SVG text, no script, so it renders in a README, a browser or a CI artifact alike.
 */
import type { Figure } from './measure.ts'

const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#76b7b2',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
]

/** A colour per subject name, the same in every chart of a run. */
export function colours(names: readonly string[]): Map<string, string> {
  return new Map(names.map((n, k) => [n, PALETTE[k % PALETTE.length]!]))
}

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`)

export interface Bar {
  readonly subject: string
  readonly figure: Figure
  /** Relative to the baseline: > 1 slower. */
  readonly ratio: number
}

export function chart(
  title: string,
  baseline: string,
  bars: readonly Bar[],
  colour: ReadonlyMap<string, string>,
): string {
  const label = 200
  const width = 760
  const plot = width - label - 150
  const row = 26
  const top = 44
  const height = top + bars.length * row + 30
  const max = Math.max(1.5, ...bars.map((b) => b.ratio))
  const x = (r: number) => label + (r / max) * plot
  const lines = bars.map((b, k) => {
    const y = top + k * row
    const value =
      b.figure.unit === 'µs/op'
        ? `${b.figure.median.toFixed(0)} µs`
        : `${Math.round(b.figure.median).toLocaleString('en')}/s`
    return [
      `<text x="${label - 8}" y="${y + 16}" text-anchor="end">${esc(b.subject)}</text>`,
      `<rect x="${label}" y="${y + 4}" width="${Math.max(1, x(b.ratio) - label).toFixed(1)}" height="${row - 8}" fill="${colour.get(b.subject) ?? '#888'}"/>`,
      `<text x="${(x(b.ratio) + 6).toFixed(1)}" y="${y + 16}">${b.ratio.toFixed(2)}× · ${value}</text>`,
    ].join('')
  })
  const one = x(1).toFixed(1)
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="12" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`,
    `<text x="12" y="36" fill="#555">time relative to ${esc(baseline)} (1× = as fast; longer bars are slower), median of the rounds</text>`,
    ...lines,
    `<line x1="${one}" x2="${one}" y1="${top}" y2="${height - 24}" stroke="#333" stroke-dasharray="4 3"/>`,
    `<text x="${one}" y="${height - 10}" text-anchor="middle" fill="#333">1×</text>`,
    '</svg>',
    '',
  ].join('\n')
}
