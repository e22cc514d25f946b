/** Every backend the harness knows. Each adapter's harness entry lives next to its provisioning. */
import type { Backend } from './backend.ts'
import { referenceBackend } from './backends/reference.ts'

export const BACKENDS: readonly Backend[] = [
  referenceBackend,
]

/** Named groups for --backends: `embedded` needs no server, `all` is every backend. */
export const GROUPS: Record<string, (b: Backend) => boolean> = {
  embedded: (b) => b.kind === 'embedded',
  all: () => true,
}
