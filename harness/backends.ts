/**
 * Every backend the harness knows, built from the registry (adapters/registry.ts): each registered
 * adapter through the seam, the daemon over two of them, and the ACL decorator over two more.
 */
import { REGISTRY } from '../adapters/registry.ts'
import type { Backend } from './backend.ts'
import { throughAcl } from './backends/acl.ts'
import { adapterBackend } from './backends/adapter.ts'
import { daemonBackend } from './backends/remote.ts'

const seam = REGISTRY.map(adapterBackend)
const named = (name: string) => seam.find((b) => b.name === name)!

export const BACKENDS: readonly Backend[] = [
  named('reference'),
  daemonBackend('remote', 'sqlite'),
  daemonBackend('remote-postgres', 'postgres'),
  ...seam.filter((b) => b.name !== 'reference'),
  // The whole suite again through the ACL decorator as the system caller (CONTRACT §7): the decorator
  // works above the seam, the same for every backend, so two backends of different kinds suffice.
  throughAcl(named('reference')),
  throughAcl(named('sqlite')),
]

/** The backend of that name; throws for a name that is not one (a typo in a test). */
export function backendNamed(name: string): Backend {
  const b = BACKENDS.find((x) => x.name === name)
  if (!b) throw new Error(`no backend named ${name}`)
  return b
}

/** Named groups for --backends: `embedded` needs no server, `all` is every backend. */
export const GROUPS: Record<string, (b: Backend) => boolean> = {
  embedded: (b) => b.kind === 'embedded',
  all: () => true,
}

/**
 * What `dbal backends` lists: every backend above, and `endpoint`, the daemon `dbal test --endpoint URL`
 * certifies (it exists only with a URL, so it is not in BACKENDS and no --backends group selects it).
 */
export const LISTED: readonly Pick<Backend, 'name' | 'kind' | 'description' | 'env'>[] = [
  ...BACKENDS,
  {
    name: 'endpoint',
    kind: 'server',
    description: 'A daemon started elsewhere: dbal test --endpoint ws://host:port --token T',
    env: ['DBAL_ENDPOINT_TOKEN'],
  },
]
