/**
 * Turns cucumber's message envelopes into the harness's step events: one per Gherkin step of each
 * scenario (Background steps first), emitted when the scenario finishes, so that what its hooks did
 * (a capability skip, a failed setup, a transaction left open) is folded into its steps. An undefined
 * or ambiguous step is a failure with its text, never a skip.
 */
import { observe } from '../observe.ts'
import type { Outcome, StepEvent } from '../results.ts'
import { observationKey, observations, SKIP_PREFIX } from './shared.ts'

// The few fields of cucumber's messages read here (@cucumber/messages), structurally.
interface Duration {
  seconds: number
  nanos: number
}
interface Result {
  status: string
  message?: string
  duration: Duration
}
interface Scenario {
  id: string
  name: string
  examples: {
    tableHeader?: { cells: { value: string }[] }
    tableBody: { id: string; cells: { value: string }[] }[]
  }[]
}
interface Doc {
  uri?: string
  feature?: {
    name: string
    children: { scenario?: Scenario; rule?: { children: { scenario?: Scenario }[] } }[]
  }
}
interface Pickle {
  id: string
  uri: string
  name: string
  astNodeIds: string[]
  tags: { name: string }[]
  steps: { id: string; text: string }[]
}
interface TestCase {
  id: string
  pickleId: string
  testSteps: { id: string; pickleStepId?: string; hookId?: string }[]
}
export interface Envelope {
  gherkinDocument?: Doc
  pickle?: Pickle
  testCase?: TestCase
  testCaseStarted?: { id: string; testCaseId: string }
  testStepFinished?: { testCaseStartedId: string; testStepId: string; testStepResult: Result }
  testCaseFinished?: { testCaseStartedId: string }
  attachment?: { testCaseStartedId?: string; body: string }
}

const ms = (d: Duration) => Math.round((d.seconds * 1000 + d.nanos / 1e6) * 1000) / 1000
const firstLines = (s: string | undefined, n = 6) => (s ?? '').split('\n').slice(0, n).join('\n').trim()

interface Started {
  testCase: TestCase
  results: Map<string, Result>
  logs: string[]
}

export class StepEvents {
  private readonly docs = new Map<string, { feature: string; scenarios: Map<string, Scenario> }>()
  private readonly pickles = new Map<string, Pickle>()
  private readonly testCases = new Map<string, TestCase>()
  private readonly started = new Map<string, Started>()
  private readonly caseNames = new Map<string, Set<string>>()

  constructor(
    private readonly backend: string,
    private readonly displayPath: (uri: string) => string,
    private readonly emit: (e: StepEvent) => void,
  ) {}

  onMessage(e: Envelope): void {
    if (e.gherkinDocument) this.document(e.gherkinDocument)
    else if (e.pickle) this.pickles.set(e.pickle.id, e.pickle)
    else if (e.testCase) this.testCases.set(e.testCase.id, e.testCase)
    else if (e.testCaseStarted) {
      const testCase = this.testCases.get(e.testCaseStarted.testCaseId)!
      this.started.set(e.testCaseStarted.id, { testCase, results: new Map(), logs: [] })
    } else if (e.testStepFinished) {
      const s = this.started.get(e.testStepFinished.testCaseStartedId)
      s?.results.set(e.testStepFinished.testStepId, e.testStepFinished.testStepResult)
    } else if (e.attachment?.testCaseStartedId)
      this.started.get(e.attachment.testCaseStartedId)?.logs.push(e.attachment.body)
    else if (e.testCaseFinished) this.finished(e.testCaseFinished.testCaseStartedId)
  }

  private document(d: Doc): void {
    const scenarios = new Map<string, Scenario>()
    for (const c of d.feature?.children ?? [])
      for (const s of c.rule ? c.rule.children.map((r) => r.scenario) : [c.scenario])
        if (s) scenarios.set(s.id, s)
    this.docs.set(d.uri ?? '', { feature: d.feature?.name ?? '', scenarios })
  }

  /** The scenario's name, with the example row's values for an outline's row; unique within the file. */
  private caseName(p: Pickle): string {
    const s = this.docs.get(p.uri)?.scenarios.get(p.astNodeIds[0]!)
    const row = s?.examples.flatMap((x) => x.tableBody).find((r) => r.id === p.astNodeIds[1])
    let name = s ? s.name : p.name
    if (row) name += ` [${row.cells.map((c) => c.value).join(' | ')}]`
    const seen = this.caseNames.get(p.uri) ?? new Set<string>()
    this.caseNames.set(p.uri, seen)
    let unique = name
    for (let i = 2; seen.has(unique); i++) unique = `${name} #${i}`
    seen.add(unique)
    return unique
  }

  private finished(startedId: string): void {
    const s = this.started.get(startedId)
    if (!s) return
    this.started.delete(startedId)
    const pickle = this.pickles.get(s.testCase.pickleId)!
    const base = {
      type: 'step' as const,
      backend: this.backend,
      suite: 'features',
      file: this.displayPath(pickle.uri),
      case: this.caseName(pickle),
      entity: this.docs.get(pickle.uri)?.feature ?? '',
      tags: [...new Set(pickle.tags.map((t) => t.name.replace(/^@/, '')))],
    }
    const hooks = hookOutcome(s)
    const steps = s.testCase.testSteps.filter((t) => t.pickleStepId)
    let blocked: string | undefined
    steps.forEach((t, i) => {
      const ps = pickle.steps.find((x) => x.id === t.pickleStepId)!
      const r = s.results.get(t.id)
      let [outcome, reason] = hooks.before ? hooks.before(i) : judge(ps.text, r, blocked)
      if (outcome === 'fail' && !blocked) blocked = `not run: step ${i} failed`
      if (hooks.after && i === steps.length - 1 && outcome !== 'fail')
        [outcome, reason] = ['fail', hooks.after]
      const key = observationKey(startedId, t.id)
      const seen = observations.get(key) ?? observe(undefined, new Map())
      observations.delete(key)
      const durationMs = r ? ms(r.duration) : 0
      this.emit({
        ...base,
        step: i,
        action: ps.text,
        outcome,
        durationMs,
        ...(reason ? { reason } : {}),
        ...seen,
      })
    })
  }
}

type Judged = [Outcome, string | undefined]

/**
 * What the scenario's hooks decided: a Before hook that skipped it (its log line gives the reason) or
 * failed (the first step fails with its message) decides every step; a failed After hook fails the last.
 */
function hookOutcome(s: Started): { before?: (i: number) => Judged; after?: string } {
  const ts = s.testCase.testSteps
  const first = ts.findIndex((t) => t.pickleStepId)
  const results = (inBefore: boolean) =>
    ts.filter((t, i) => t.hookId && (first < 0 || i < first) === inBefore).map((t) => s.results.get(t.id))
  const before = results(true)
  const afterFail = results(false).find((r) => r?.status === 'FAILED')
  const after = afterFail ? `after the scenario: ${firstLines(afterFail.message)}` : undefined
  if (before.some((r) => r?.status === 'SKIPPED')) {
    const why = s.logs.find((l) => l.startsWith(SKIP_PREFIX)) ?? 'skipped by a Before hook'
    return { before: () => ['skip', why], after }
  }
  const broken = before.find((r) => r?.status === 'FAILED')
  if (broken) {
    const why = `the scenario's setup failed: ${firstLines(broken.message)}`
    return {
      before: (i) => (i === 0 ? ['fail', why] : ['skip', "not run: the scenario's setup failed"]),
      after,
    }
  }
  return { after }
}

/** A step's outcome and reason from its cucumber result. */
function judge(text: string, r: Result | undefined, blocked: string | undefined): Judged {
  switch (r?.status) {
    case 'PASSED':
      return ['pass', undefined]
    case 'SKIPPED':
      return ['skip', blocked ?? 'not run']
    case 'UNDEFINED':
      return ['fail', `undefined step: "${text}" is not in the step vocabulary (features/README.md)`]
    case 'AMBIGUOUS':
      return ['fail', `ambiguous step: "${text}" matches several definitions\n${firstLines(r.message)}`]
    case 'PENDING':
      return ['fail', `pending step: "${text}"`]
    case 'FAILED':
      return ['fail', firstLines(r.message)]
    default:
      return ['fail', `no result for step "${text}" (${r?.status ?? 'not run'})`]
  }
}
