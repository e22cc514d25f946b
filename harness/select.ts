/** Turns `--backends` and `--require` words into backends: names, `embedded`, `all`. */
import { ConfigError } from '../core/config-error.ts'
import type { Backend } from './backend.ts'
import { BACKENDS, GROUPS } from './backends.ts'

export function selectBackends(spec: string, what = '--backends'): Backend[] {
  const out: Backend[] = []
  for (const word of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const group = GROUPS[word]
    const chosen = group ? BACKENDS.filter(group) : BACKENDS.filter((b) => b.name === word)
    if (chosen.length === 0)
      throw new ConfigError(
        what,
        word,
        `unknown backend (known: ${BACKENDS.map((b) => b.name).join(', ')}; groups: ${Object.keys(GROUPS).join(', ')})`,
      )
    for (const b of chosen) if (!out.includes(b)) out.push(b)
  }
  if (out.length === 0) throw new ConfigError(what, '', 'no backend named')
  return out
}
