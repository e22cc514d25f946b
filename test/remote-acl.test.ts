/**
 * The ACL matrix (contracts/acl/) through the bridge's own `as(user)`: one long-lived session per caller,
 * resolved by the daemon, the way an application uses it (the harness's `remote` backend gives each
 * actor step a session of its own instead, so that no session rows outlive a step). Every step must have
 * the outcome the vectors state, which the reference also meets.
 */
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import { RemoteExecutor } from '../adapters/remote/index.ts'
import { runFiles } from '../harness/run.ts'
import type { StepEvent } from '../harness/results.ts'
import { loadVectors } from '../harness/vectors/load.ts'
import { testDaemon, type TestDaemon } from './daemon-helpers.ts'

const MATRIX = fileURLToPath(new URL('../contracts/acl/matrix.yaml', import.meta.url))

describe('the ACL matrix through the daemon, a session per caller', () => {
  let d: TestDaemon
  before(async () => {
    d = await testDaemon({
      auth: { session_recheck_ms: 0 },
      limits: { rate_per_connection: 1_000_000, rate_per_ip: 10_000_000 },
    })
  })
  after(() => d.stop())

  it('gives every step of contracts/acl/matrix.yaml the outcome it states', async () => {
    const events: StepEvent[] = []
    let current: RemoteExecutor | undefined
    const prov = {
      where: d.url,
      async freshExecutor() {
        await current?.close()
        current = new RemoteExecutor({ url: d.url, token: d.token })
        await current.reset()
        return current
      },
      cleanup: async () => current?.close(),
    }
    await runFiles(prov, loadVectors([MATRIX]), {
      backend: 'remote-as',
      deviations: [],
      emit: (e) => events.push(e),
    })
    await prov.cleanup()
    const actorSteps = events.filter((e) => e.outcome !== 'skip')
    assert.ok(actorSteps.length > 1000, `${actorSteps.length} steps`)
    assert.deepEqual(
      events.filter((e) => e.outcome !== 'pass').map((e) => `${e.case} › ${e.step}: ${e.reason}`),
      [],
    )
    const denied = Number(
      /^dbal_acl_decisions_total\{decision="deny"\} (\d+)/m.exec(d.daemon.metrics.render())?.[1],
    )
    assert.ok(denied > 300, `${denied} denials counted`)
  })
})
