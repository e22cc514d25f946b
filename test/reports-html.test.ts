/**
 * The HTML parity report in headless Chromium, from real runs: the heat-map counts are the stream's, the
 * filters and the diff view work by clicks, nothing is fetched, and hostile text stays text. Saves the
 * screenshot reports/parity-report.png.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import type { Backend } from '../harness/backend.ts'
import type { Deviation } from '../harness/deviations.ts'
import { stepId, type Outcome, type ResultEvent, type StepEvent } from '../harness/results.ts'
import { runSuite } from '../harness/suite.ts'
import { loadVectors } from '../harness/vectors/load.ts'
import { renderHtml } from '../reports/html.ts'
import { buildParity, type Parity } from '../reports/parity.ts'
import { flippedSqlite, localeSortBackend, reference, sqlite, vectorPath } from './fixtures/runs.ts'

const SORT = 'strings sort by code point, never by locale'
const HOSTILE = '<img src=x onerror=alert(1)>'
const OUTCOMES: readonly Outcome[] = ['pass', 'fail', 'xpass', 'xfail', 'skip']
const dir = mkdtempSync(join(tmpdir(), 'dbal-html-'))
const screenshot = fileURLToPath(new URL('../reports/parity-report.png', import.meta.url))

/** A backend whose server is not on this machine: the run reports it as not run. */
const absent: Backend = {
  name: 'mongo',
  kind: 'server',
  description: 'MongoDB, absent here',
  provision: () => Promise.resolve({ notRun: 'no MongoDB server: DBAL_MONGO_URL is not set' }),
}

const deviation = (d: Omit<Deviation, 'file'>): Deviation => ({ ...d, file: 'test/reports-html.test.ts' })
const deviations = [
  deviation({
    backend: 'json-locale',
    case: SORT,
    step: 1,
    type: 'bug',
    reason: 'sorts by locale',
    expected: { status: 'success' },
  }),
  // Stale: the step passes, so it is an XPASS.
  deviation({
    backend: 'sqlite',
    case: 'several sort keys in order',
    step: 1,
    type: 'notyet',
    reason: 'stale',
    expected: { status: 'success' },
  }),
]

async function run(backends: readonly Backend[], files: readonly string[], devs: readonly Deviation[]) {
  const events: ResultEvent[] = []
  await runSuite({
    backends,
    required: new Set(),
    files: loadVectors(files),
    deviations: devs,
    emit: (e) => events.push(e),
  })
  return events
}

const HOSTILE_VECTORS = `schemaVersion: "1.0.0"
description: hostile text in a case name, in values and in reasons
cases:
  - name: "${HOSTILE}"
    steps:
      - action: createMany
        entity: PageView
        input:
          items:
            - { slug: "/a", title: "_</script><img src=x onerror=alert(2)>", level: 1, layout: {} }
            - { slug: "/b", title: "0<script>alert(3)</script>", level: 1, layout: {} }
        expected: { status: success, output: 2 }
      - action: list
        entity: PageView
        input: { sort: { title: asc } }
        expected: { status: success, output: { data: [{ slug: "/b" }, { slug: "/a" }] } }
      - action: create
        entity: PageView
        input: { slug: "/c", title: "<b onmouseover=alert(4)>x</b>", level: 1, layout: {} }
        expected: { status: success, output: { title: "<i>wrong</i>" } }
`

let browser: Browser
let events: ResultEvent[]
let parity: Parity
let mainFile: string
let hostileFile: string
let hostileHtml: string

before(async () => {
  const broken = await localeSortBackend()
  events = await run(
    [
      reference(),
      sqlite(),
      broken,
      flippedSqlite('sqlite-notx', { transactions: false }),
      flippedSqlite('sqlite-overclaim', {}, true),
      absent,
    ],
    [vectorPath('sort_pages.yaml'), vectorPath('transactions.yaml')],
    deviations,
  )
  parity = buildParity(events)
  mainFile = join(dir, 'report.html')
  writeFileSync(mainFile, renderHtml(parity))
  const vectors = join(dir, 'hostile.yaml')
  writeFileSync(vectors, HOSTILE_VECTORS)
  const hostileDev = deviation({
    backend: 'json-locale',
    case: HOSTILE,
    step: 2,
    type: 'bug',
    reason: '<img src=x onerror=alert(5)>',
    link: 'javascript:alert(6)',
    expected: { status: 'success' },
  })
  hostileHtml = renderHtml(buildParity(await run([reference(), broken], [vectors], [hostileDev])))
  hostileFile = join(dir, 'hostile.html')
  writeFileSync(hostileFile, hostileHtml)
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  })
})

after(() => browser?.close())

/** Opens a report; the returned check asserts that no request left the page. */
async function open(file: string): Promise<{ page: Page; noNetwork: () => void; dialogs: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 } })
  const url = pathToFileURL(file).href
  const requests: string[] = []
  const dialogs: string[] = []
  page.on('request', (r) => requests.push(r.url()))
  page.on('dialog', (d) => {
    dialogs.push(d.message())
    void d.dismiss()
  })
  await page.goto(url)
  const noNetwork = () => {
    assert.ok(requests.length > 0, 'the page itself is a request')
    for (const r of requests) assert.ok(r === url || r.startsWith('data:'), `the report requested ${r}`)
  }
  return { page, noNetwork, dialogs }
}

const steps = () => events.filter((e): e is StepEvent => e.type === 'step')
const failing = (o: Outcome) => o === 'fail' || o === 'xpass'
const text = (page: Page, testid: string) => page.getByTestId(testid).textContent()

/** Steps per backend and outcome, over the steps whose id is in `ids` (all when absent). */
function countsOf(ids?: ReadonlySet<string>): Map<string, Record<Outcome, number>> {
  const m = new Map<string, Record<Outcome, number>>()
  for (const b of parity.backends) m.set(b.name, { pass: 0, fail: 0, xpass: 0, xfail: 0, skip: 0 })
  for (const e of steps()) if (!ids || ids.has(stepId(e))) m.get(e.backend)![e.outcome]++
  return m
}

async function assertCounts(page: Page, expected: Map<string, Record<Outcome, number>>) {
  for (const [backend, counts] of expected)
    for (const o of OUTCOMES)
      assert.equal(await text(page, `count-${backend}-${o}`), String(counts[o]), `${backend} ${o}`)
}

test('the heat map counts the steps of every backend by outcome, and shows the broken backend failing', async () => {
  const { page, noNetwork } = await open(mainFile)
  const all = countsOf()
  assert.ok(
    all.get('json-locale')!.fail > 0 && all.get('json-locale')!.xfail > 0,
    'the broken backend fails and xfails',
  )
  assert.ok(all.get('sqlite')!.xpass === 1 && all.get('sqlite-notx')!.skip > 0, 'a stale entry and skips')
  await assertCounts(page, all)
  assert.equal(await text(page, 'count-mongo-not-run'), String(parity.steps.length))
  assert.equal(await text(page, 'count-sqlite-not-run'), '0')
  for (const b of parity.backends.filter((x) => x.status === 'run'))
    assert.equal(
      await text(page, `count-${b.name}-no-result`),
      String(parity.steps.filter((s) => !s.cells[b.name]).length),
    )
  const cases = new Set(parity.steps.map((s) => `${s.file}#${s.case}`))
  assert.equal(await text(page, 'visible-rows'), String(cases.size))
  for (const a of ['agree', 'open', 'diverge'] as const)
    assert.match((await text(page, `agreement-${a}`)) ?? '', new RegExp(` ${parity.headline[a]}$`))
  const brokenCases = new Set(
    steps()
      .filter((e) => e.backend === 'json-locale' && failing(e.outcome))
      .map((e) => e.case),
  )
  assert.deepEqual(
    await page.locator('td.cell[data-backend="json-locale"][data-outcome="fail"]').count(),
    brokenCases.size,
  )
  assert.ok(brokenCases.has(SORT))
  const sortRow = page.locator('tr.case', { hasText: SORT })
  assert.equal(await sortRow.locator('td[data-backend="json-locale"]').getAttribute('data-outcome'), 'fail')
  assert.equal(await sortRow.locator('td[data-backend="sqlite"]').getAttribute('data-outcome'), 'pass')
  assert.equal(await sortRow.locator('td[data-backend="mongo"]').getAttribute('data-outcome'), 'not-run')
  assert.match((await page.getByTestId('col-mongo').textContent()) ?? '', /not run/)
  const tx = page.locator('#capabilities tr[data-capability="transactions"]')
  assert.equal(
    await tx.locator('td[data-backend="sqlite-overclaim"]').getAttribute('data-verdict'),
    'over-claim',
  )
  assert.match(
    (await tx.locator('td[data-backend="sqlite-overclaim"]').getAttribute('class')) ?? '',
    /\bbad\b/,
  )
  assert.equal(await tx.locator('td[data-backend="mongo"]').textContent(), 'not run')
  assert.deepEqual(await page.locator('#ledger [data-testid="ledger-status"]').allTextContents(), [
    'holds',
    'stale',
  ])
  noNetwork()
  await page.close()
})

test('the status filter "fail" leaves exactly the failing cases; unchecking a backend hides its column', async () => {
  const { page, noNetwork } = await open(mainFile)
  const failingSteps = steps().filter((e) => failing(e.outcome))
  const casesFailing = (except?: string) =>
    [...new Set(failingSteps.filter((e) => e.backend !== except).map((e) => e.case))].sort()
  await page.getByTestId('filter-status').selectOption('fail')
  assert.equal(await text(page, 'visible-rows'), String(casesFailing().length))
  assert.deepEqual((await page.locator('tr.case:visible td.name').allTextContents()).sort(), casesFailing())
  await assertCounts(page, countsOf(new Set(failingSteps.map(stepId))))

  assert.equal(await page.getByTestId('col-json-locale').isVisible(), true)
  await page.getByTestId('toggle-json-locale').uncheck()
  assert.equal(await page.getByTestId('col-json-locale').isVisible(), false)
  assert.equal(await page.getByTestId('count-json-locale-fail').isVisible(), false)
  assert.equal(await page.locator('td.cell[data-backend="json-locale"]:visible').count(), 0)
  assert.ok((await page.locator('td.cell[data-backend="sqlite"]:visible').count()) > 0)
  // "fail" now means failing on a backend still shown: the locale-sorting case leaves.
  assert.ok(!casesFailing('json-locale').includes(SORT))
  assert.deepEqual(
    (await page.locator('tr.case:visible td.name').allTextContents()).sort(),
    casesFailing('json-locale'),
  )
  noNetwork()
  await page.close()
})

test('clicking a diverging row shows the minority class with its diff path', async () => {
  const { page, noNetwork } = await open(mainFile)
  const step = parity.steps.find(
    (s) => s.case === SORT && s.agreement === 'diverge' && s.cells['json-locale']?.outcome === 'fail',
  )
  const minority = step?.classes?.find((k) => k.backends.includes('json-locale'))
  assert.ok(minority?.diff, 'the locale-sorting backend is a minority class with a diff')
  await page.locator('tr.case', { hasText: SORT }).click()
  const detail = page.getByTestId('case-detail')
  assert.equal(await detail.count(), 1)
  const view = detail.getByTestId('step-detail').nth(step!.step)
  assert.match(
    (await view.getByTestId('class-reference').getByTestId('class-backends').textContent()) ?? '',
    /^reference\b/,
  )
  const box = view.getByTestId('class-minority').filter({ hasText: 'json-locale' })
  assert.equal(await box.getByTestId('diff-path').textContent(), minority.diff.path)
  assert.equal(await page.locator('#diverging [data-testid="listed-step"]').count(), parity.headline.diverge)
  await page.locator('#diverging summary').first().click()
  // A <details> element reports its toggle asynchronously: its content is drawn a moment after the click.
  await page.locator('#diverging [data-testid="class-minority"]').first().waitFor({ state: 'visible' })
  await page.evaluate('window.scrollTo(0, 0)')
  await page.screenshot({ path: screenshot, fullPage: true })
  noNetwork()
  await page.close()
})

test('hostile case names, values and reasons render as text: no markup, no script, no dialog', async () => {
  assert.equal(hostileHtml.split('</script>').length - 1, 2, 'only the two script elements close')
  const { page, noNetwork, dialogs } = await open(hostileFile)
  assert.equal(await page.locator('#map td.name').first().textContent(), HOSTILE)
  await page.locator('#map tr.case').first().click()
  await page.locator('#diverging summary').first().click()
  await page.locator('#diverging [data-testid="step-detail"]').waitFor()
  assert.match((await page.locator('#diverging').textContent()) ?? '', /<script>alert\(3\)<\/script>/)
  assert.match((await page.getByTestId('case-detail').textContent()) ?? '', /<i>wrong<\/i>/)
  assert.match(
    (await page.locator('#ledger').textContent()) ?? '',
    /<img src=x onerror=alert\(5\)>javascript:alert\(6\)/,
  )
  assert.equal(await page.locator('img, b[onmouseover], #ledger a').count(), 0)
  assert.equal(await page.locator('script').count(), 2)
  await page.locator('#map tr.case').first().hover()
  assert.deepEqual(dialogs, [])
  noNetwork()
  await page.close()
})
