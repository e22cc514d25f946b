/**
 * Interleaved rounds: every round runs each subject once, in an order rotated round by round, so that a
 * slow spell of the machine (the other core busy, a GC, the server's checkpoint) falls on every subject
 * alike instead of on whoever ran then. After a warm-up round, at least 7 measured rounds; the figure is
 * the median round, the spread the lowest and highest round.
 */

/** One operation of a subject; `i` counts operations, so a subject can walk through its ids. */
export type Op = (i: number) => Promise<unknown>

export interface Plan {
  /** Operations per round and subject. */
  readonly ops: number
  /** Operations kept running at once (1: one after another). */
  readonly inFlight: number
  readonly rounds: number
}

export interface Figure {
  /** Sequential: µs per operation; in flight: operations per second. */
  readonly median: number
  readonly min: number
  readonly max: number
  readonly unit: 'µs/op' | 'ops/s'
  readonly rounds: number
}

export const DEFAULT_ROUNDS = 7

async function runRound(op: Op, ops: number, inFlight: number, offset: number): Promise<number> {
  const t0 = performance.now()
  if (inFlight === 1) for (let i = 0; i < ops; i++) await op(offset + i)
  else {
    let next = 0
    const worker = async () => {
      while (next < ops) await op(offset + next++)
    }
    await Promise.all(Array.from({ length: inFlight }, worker))
  }
  return performance.now() - t0
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
}

/** Figures per subject name, measured in interleaved rounds after one warm-up round each. */
export async function measure(subjects: ReadonlyMap<string, Op>, plan: Plan): Promise<Map<string, Figure>> {
  const names = [...subjects.keys()]
  const times = new Map<string, number[]>(names.map((n) => [n, []]))
  let offset = 0
  for (let round = -1; round < plan.rounds; round++) {
    const order = names.map((_, k) => names[(k + Math.max(round, 0)) % names.length]!)
    for (const name of order) {
      const ms = await runRound(subjects.get(name)!, plan.ops, plan.inFlight, offset)
      if (round >= 0) times.get(name)!.push(ms)
    }
    offset += plan.ops
  }
  const sequential = plan.inFlight === 1
  const value = (ms: number) => (sequential ? (ms * 1000) / plan.ops : (plan.ops * 1000) / ms)
  return new Map(
    names.map((n) => {
      const vs = times.get(n)!.map(value)
      return [
        n,
        {
          median: median(vs),
          min: Math.min(...vs),
          max: Math.max(...vs),
          unit: sequential ? 'µs/op' : 'ops/s',
          rounds: vs.length,
        },
      ]
    }),
  )
}

/** How many times slower `x` is than `base` (> 1: slower), whichever the unit. */
export function ratio(x: Figure, base: Figure): number {
  return x.unit === 'µs/op' ? x.median / base.median : base.median / x.median
}
