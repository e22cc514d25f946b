/**
 * The mutator (scripts/mutate/): the mutants it finds in code and never in comments, strings or types,
 * each applied as a change of its span only; and the scores the report computes from outcomes.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { writeMutationReport, type Tried } from '../scripts/mutate/report.ts'
import { applyMutant, mutantsOf } from '../scripts/mutate/sites.ts'

const SOURCE = `// a < b && c in a comment
type T = true | false
const s = 'x === y || z'
export function f(a: number, b: number, ok: boolean): string {
  if (!ok) return 'no' + a
  return a <= b && a !== 0 ? 'yes' : String(a - b)
}
`

describe('the mutator', () => {
  const mutants = mutantsOf('f.ts', SOURCE)
  const applied = mutants.map((m) => applyMutant(SOURCE, m))

  it('finds each operator in code, none in comments, strings or types', () => {
    assert.deepEqual(
      mutants.map((m) => `${m.line} ${m.operator} ${m.original} → ${m.replacement}`),
      [
        '5 condition !ok → true',
        '5 condition !ok → false',
        '5 negation ! → ',
        '6 condition a <= b && a !== 0 → true',
        '6 condition a <= b && a !== 0 → false',
        '6 logical && → ||',
        '6 boundary <= → <',
        '6 comparison <= → >',
        '6 equality !== → ===',
        '6 arithmetic - → +',
      ],
    )
    // `'no' + a` is concatenation: no arithmetic mutant for it.
    assert.ok(!mutants.some((m) => m.line === 5 && m.operator === 'arithmetic'))
  })

  it('changes only the mutant span', () => {
    assert.ok(applied.includes(SOURCE.replace('a <= b', 'a < b')))
    assert.ok(applied.includes(SOURCE.replace('if (!ok)', 'if (ok)')))
    assert.ok(applied.includes(SOURCE.replace('String(a - b)', 'String(a + b)')))
    for (const text of applied) assert.equal(text.slice(0, 60), SOURCE.slice(0, 60))
  })

  it('scores per folder and file, a timeout counted as killed, survivors listed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dbal-mutation-'))
    try {
      const at = (file: string, i: number) => ({ ...mutants[i]!, file })
      const tried: Tried[] = [
        { mutant: at('a/x.ts', 0), outcome: 'killed', by: 'sqlite' },
        { mutant: at('a/x.ts', 1), outcome: 'timeout', by: 'sqlite' },
        { mutant: at('a/y.ts', 2), outcome: 'survived' },
        { mutant: at('b/z.ts', 3), outcome: 'killed', by: 'reference' },
      ]
      const score = writeMutationReport(dir, tried, 0.9, 12)
      assert.deepEqual(
        [...score],
        [
          ['a/', 2 / 3],
          ['b/', 1],
        ],
      )
      const json = JSON.parse(readFileSync(join(dir, 'mutation.json'), 'utf8')) as {
        files: Record<string, { score: number }>
        survivors: { file: string; line: number }[]
      }
      assert.equal(json.files['a/y.ts']!.score, 0)
      assert.deepEqual(
        json.survivors.map((s) => `${s.file}:${s.line}`),
        ['a/y.ts:5'],
      )
      assert.match(readFileSync(join(dir, 'mutation.md'), 'utf8'), /a\/y\.ts:5 \(negation\)/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
