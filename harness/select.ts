/**
 * Turns `--backends` and `--require` words into backends: names, `embedded`, `all`, and `-word` to
 * leave out what an earlier word chose (`all,-mongo`: every backend but one that cannot run here).
 */
import { ConfigError } from '../core/config-error.ts'
import type { Backend } from './backend.ts'
import { BACKENDS, GROUPS } from './backends.ts'

export function selectBackends(spec: string, what = '--backends'): Backend[] {
  let out: Backend[] = []
  for (const word of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const name = word.replace(/^-/, '')
    const group = GROUPS[name]
    const chosen = group ? BACKENDS.filter(group) : BACKENDS.filter((b) => b.name === name)
    if (chosen.length === 0)
      throw new ConfigError(
        what,
        word,
        `unknown backend (known: ${BACKENDS.map((b) => b.name).join(', ')}; groups: ${Object.keys(GROUPS).join(', ')})`,
      )
    if (word.startsWith('-')) out = out.filter((b) => !chosen.includes(b))
    else for (const b of chosen) if (!out.includes(b)) out.push(b)
  }
  if (out.length === 0) throw new ConfigError(what, '', 'no backend named')
  return out
}
