/**
 * The workloads, each run on every subject in interleaved rounds, after a check that every subject
 * answers it alike (the same row, the same total, the same tree): a fast subject that reads the wrong
 * thing must not win. Writes use rows of their own per subject, so no subject's insert collides with
 * another's.
 */
import { listOffset, searchTerm, TREE, TREE_PAGE, userId, userRow } from './data.ts'
import { DEFAULT_ROUNDS, measure, type Figure, type Op } from './measure.ts'
import { treeSize, type Subject } from './subject.ts'

export interface Workload {
  readonly name: string
  readonly ops: number
  readonly inFlight: number
  /** `k`: the subject's number, which keeps its writes apart from the others'. */
  readonly op: (s: Subject, k: number) => Op
}

/** Operations per round scale with BENCH_SCALE (0.1 for a quick look; 1 for the figures). */
const scale = Number(process.env.BENCH_SCALE ?? 1)
const ops = (n: number) => Math.max(2, Math.round(n * scale))

/**
 * Reads first, writes last: the writes add rows (about 2,000 a subject), and a count or a search after
 * them would scan a table that grew during the run.
 */
export const WORKLOADS: readonly Workload[] = [
  { name: 'read by id', ops: ops(1000), inFlight: 1, op: (s) => (i) => s.readById(userId(i * 7919)) },
  {
    name: 'read by id, 8 in flight',
    ops: ops(4000),
    inFlight: 8,
    op: (s) => (i) => s.readById(userId(i * 7919)),
  },
  { name: 'list 20, filter + sort', ops: ops(150), inFlight: 1, op: (s) => (i) => s.list(listOffset(i)) },
  {
    name: 'search $contains (case-insensitive)',
    ops: ops(100),
    inFlight: 1,
    op: (s) => (i) => s.search(searchTerm(i)),
  },
  { name: 'count with a filter', ops: ops(200), inFlight: 1, op: (s) => () => s.count() },
  { name: 'getTree (200 nodes)', ops: ops(100), inFlight: 1, op: (s) => () => s.getTree(TREE_PAGE) },
  { name: 'insert one', ops: ops(200), inFlight: 1, op: (s, k) => (i) => s.insertOne(userRow(i, k)) },
  {
    name: 'createMany 100',
    ops: ops(15),
    inFlight: 1,
    op: (s, k) => (i) => s.createMany(Array.from({ length: 100 }, (_, j) => userRow(1e6 + i * 100 + j, k))),
  },
  {
    name: 'update one',
    ops: ops(300),
    inFlight: 1,
    op: (s, k) => (i) => s.updateOne(userId(i * 31), `w${k}x${i}@update.example.com`),
  },
]

/** Throws unless every subject reads the same row, page, search, count and tree. */
export async function checkAgreement(subjects: readonly Subject[]): Promise<void> {
  const seen = await Promise.all(
    subjects.map(async (s) => {
      const row = (await s.readById(userId(42))) as { id?: string } | undefined
      const page = await s.list(40)
      return JSON.stringify({
        id: row?.id,
        page: [page.rows.length, page.total, (page.rows as { id: string }[]).map((r) => r.id)],
        search: (await s.search('ER42')).length,
        count: await s.count(),
        tree: treeSize(await s.getTree(TREE_PAGE)),
      })
    }),
  )
  const [first] = seen
  const expected = JSON.parse(first!) as { tree: number }
  if (expected.tree !== TREE)
    throw new Error(`${subjects[0]!.name} built a tree of ${expected.tree} nodes, not ${TREE}`)
  seen.forEach((x, k) => {
    if (x !== first)
      throw new Error(`${subjects[k]!.name} answers differently:\n  ${x}\n  ${subjects[0]!.name}: ${first}`)
  })
}

export interface Result {
  readonly workload: string
  readonly figures: ReadonlyMap<string, Figure>
}

/** Every workload on every subject; `log` reports progress (a line per workload). */
export async function runWorkloads(
  subjects: readonly Subject[],
  log: (line: string) => void,
  workloads: readonly Workload[] = WORKLOADS,
): Promise<Result[]> {
  const out: Result[] = []
  // BENCH_ONLY=regex runs only the workloads it matches (while profiling one).
  const only = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : undefined
  for (const w of workloads.filter((x) => !only || only.test(x.name))) {
    const t0 = performance.now()
    const ops = new Map(subjects.map((s, k) => [s.name, w.op(s, k)]))
    const figures = await measure(ops, { ops: w.ops, inFlight: w.inFlight, rounds: DEFAULT_ROUNDS })
    out.push({ workload: w.name, figures })
    log(`  ${w.name}: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  }
  return out
}
