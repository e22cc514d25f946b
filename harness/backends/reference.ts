import { MemoryAdapter } from '../../reference/memory.ts'
import type { Backend } from '../backend.ts'

export const referenceBackend: Backend = {
  name: 'reference',
  kind: 'embedded',
  description: 'In-memory reference implementation (the oracle)',
  async provision() {
    let current: MemoryAdapter | undefined
    return {
      where: 'in memory',
      async fresh() {
        await current?.close()
        return (current = new MemoryAdapter())
      },
      async cleanup() {
        await current?.close()
      },
    }
  },
}
