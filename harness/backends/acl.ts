/**
 * A backend rerun through the ACL decorator as the system caller (the way abstract-level reruns its
 * suite through a sublevel): the whole suite must give the same results as without it.
 */
import { AclAdapter } from '../../core/acl/adapter.ts'
import { SYSTEM } from '../../core/acl/actor.ts'
import type { Backend } from '../backend.ts'

export function throughAcl(b: Backend): Backend {
  return {
    name: `${b.name}+acl`,
    kind: b.kind,
    description: `${b.description}, through the ACL decorator as the system caller`,
    ...(b.server ? { server: b.server } : {}),
    env: b.env,
    async provision(runId) {
      const p = await b.provision(runId)
      if ('notRun' in p) return p
      const { fresh } = p
      if (!fresh) return { notRun: `${b.name} is reached above the adapter seam: the ACL runs in its daemon` }
      return {
        where: `${p.where}, through the ACL`,
        cleanup: () => p.cleanup(),
        fresh: async () => new AclAdapter(await fresh(), SYSTEM),
      }
    },
  }
}
