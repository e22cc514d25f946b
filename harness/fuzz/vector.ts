/**
 * Writes a fuzz case as a vector file of the project's format (contracts/vector.schema.json), ready to
 * be moved into contracts/regressions/ once the mismatch is fixed.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { stringify } from 'yaml'
import { inputError } from '../../core/problems.ts'
import type { Case, Step } from '../vectors/model.ts'

function stepDoc(s: Step): Record<string, unknown> {
  const e = s.expected
  const expected =
    e.status === 'error'
      ? { status: 'error', error: { code: e.error!.code } }
      : { status: 'success', output: e.output, ...(e.exact ? { exact: true } : {}) }
  return { action: s.action, entity: s.entity, input: s.input, ...(s.save ? { save: s.save } : {}), expected }
}

export function vectorText(c: Case, description: string): string {
  const doc = { schemaVersion: '1.0.0', description, cases: [{ name: c.name, steps: c.steps.map(stepDoc) }] }
  return stringify(doc, { lineWidth: 110 })
}

export function writeVector(path: string, c: Case, description: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, vectorText(c, description))
  } catch (e) {
    throw inputError('--report-dir', dirname(path), e)
  }
}
