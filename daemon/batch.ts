/**
 * `tx.batch {calls: [{method, params?}]}` (PROTOCOL.md §11): operations run in order inside one
 * daemon-side transaction, so nothing waits on the network while it holds its lock. The first failure
 * rolls everything back; its error goes back with `details.call`, the index of the call that failed.
 */
import { asDBALError, DBALError, validationError } from '../core/errors.ts'
import { isPlainObject } from '../core/values.ts'
import { operationOf, type OperationRef } from './protocol.ts'

export async function batchCalls(
  params: unknown,
  maxCalls: number,
  run: (ref: OperationRef, params: unknown) => Promise<unknown>,
): Promise<unknown[]> {
  const calls = isPlainObject(params) && Object.keys(params).join(',') === 'calls' ? params.calls : undefined
  if (!Array.isArray(calls) || calls.length === 0 || calls.length > maxCalls)
    throw validationError([{ field: 'calls', error: `must be a list of 1 to ${maxCalls} {method, params?}` }])
  const refs = calls.map((c: unknown, i) => {
    const ok = isPlainObject(c) && Object.keys(c).every((k) => k === 'method' || k === 'params')
    const ref = ok && typeof c.method === 'string' ? operationOf(c.method) : undefined
    if (!ref)
      throw validationError([
        { field: `calls[${i}]`, error: 'must be {method, params?} naming an operation' },
      ])
    return { ref, params: (c as { params?: unknown }).params }
  })
  const out: unknown[] = []
  for (const [i, c] of refs.entries()) {
    try {
      out.push((await run(c.ref, c.params)) ?? null)
    } catch (e) {
      const err = asDBALError(e)
      throw new DBALError(err.code, { ...err.details, call: i }, { cause: err.cause })
    }
  }
  return out
}
