/**
 * The static parts of the HTML parity report (reports/html.ts): its style sheet and the page skeleton the
 * inline script (html-script.ts) fills from the embedded data. Nothing here comes from a run.
 */

export const REPORT_CSS = `
:root { --pass: #2f9e58; --fail: #d43f3f; --xfail: #ee8a1f; --skip: #7d9cc4; --notrun: #cfcfcf;
  --line: #dcdcdc; --bad-bg: #fbd5d5; --bad-fg: #8a1111; --muted: #6b6b6b; }
body { font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  margin: 16px 24px 48px; color: #1e1e1e; background: #fff; }
h1 { font-size: 20px; margin: 0 0 8px; }
h2 { font-size: 16px; margin: 28px 0 8px; padding-bottom: 3px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 14px 0 6px; }
p { margin: 4px 0 8px; }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: 2px 6px; text-align: left; vertical-align: top; }
th { background: #f4f4f4; font-weight: 600; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.muted, .none { color: var(--muted); }
.warn { color: var(--bad-fg); font-weight: 600; }
dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 1px 14px; margin: 0 0 10px; }
dl.meta dt { color: var(--muted); }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
#headline { font-size: 15px; font-weight: 600; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; }
.chip { border: 1px solid var(--line); border-radius: 10px; padding: 0 8px; background: #fafafa; }
.o-pass { background: var(--pass); }
.o-fail, .o-xpass { background: var(--fail); }
.o-xfail { background: var(--xfail); }
.o-skip { background: var(--skip); }
.o-not-run { background: var(--notrun); }
.o-no-result { background: repeating-linear-gradient(45deg, #e4e4e4 0 3px, #fff 3px 6px); }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 5px; vertical-align: -1px; }
.filters { display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: center; margin: 8px 0;
  padding: 6px 10px; background: #f6f6f6; border: 1px solid var(--line); }
.filters label { white-space: nowrap; }
.filters .group { display: flex; flex-wrap: wrap; gap: 2px 10px; align-items: center; }
#map thead tr.names th { position: sticky; top: 0; z-index: 1; }
#map th.backend { writing-mode: horizontal-tb; min-width: 52px; font-size: 12px; }
#map th.backend.not-run { color: var(--muted); font-weight: 400; }
#map tr.count th, #map tr.count td { font-size: 12px; padding: 0 6px; background: #fbfbfb; }
#map tr.count td.zero { color: #b5b5b5; }
#map tr.case { cursor: pointer; }
#map tr.case:hover td.name, #map tr.case:focus td.name { background: #eaf0fb; }
#map tr.case.open td.name { font-weight: 600; background: #eaf0fb; }
#map td.name { max-width: 560px; overflow-wrap: anywhere; }
#map td.file { color: var(--muted); white-space: nowrap; }
#map td.cell { text-align: center; vertical-align: middle; color: #fff; font-weight: 600; font-size: 11px;
  padding: 0 4px; }
#map td.cell.o-not-run { color: #777; font-weight: 400; }
table.cells td.outcome.o-no-result { color: #555; }
#map tr.detail > td { background: #fafafa; padding: 8px 12px; }
/* Zero width to the table's sizing, full width once sized: opening a detail never widens the map. */
#map tr.detail > td > div { width: 0; min-width: 100%; }
.step { margin: 0 0 12px; }
.step-head { margin-bottom: 3px; }
.step-head .tags { color: var(--muted); margin-left: 6px; }
table.cells td.outcome { color: #fff; font-weight: 600; white-space: nowrap; }
table.cells td.outcome.o-not-run { color: #555; }
table.cells td.reason { max-width: 900px; overflow-wrap: anywhere; }
.badge { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff; font-size: 12px; }
.a-agree { background: var(--pass); }
.a-open { background: var(--skip); }
.a-diverge { background: var(--fail); }
.a-reference-outlier { background: #8646b3; }
.classes { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 8px; margin-top: 6px; }
.class { flex: 1 1 320px; min-width: 260px; max-width: 620px; border: 1px solid var(--line);
  background: #fff; padding: 6px 8px; }
.class.minority { border-color: var(--fail); }
.class pre { max-height: 320px; overflow: auto; margin: 4px 0 0; padding: 4px 6px; background: #f5f5f5; }
.diff { display: grid; grid-template-columns: max-content 1fr; gap: 0 8px; margin: 4px 0;
  padding: 3px 6px; background: var(--bad-bg); }
.diff code { overflow-wrap: anywhere; }
ul.steplist { list-style: none; padding: 0; margin: 0; }
ul.steplist li { margin: 2px 0; }
ul.steplist details > :not(summary) { margin: 6px 0 10px 16px; }
td.cap .sub { font-size: 11px; color: var(--muted); }
td.cap.bad { background: var(--bad-bg); color: var(--bad-fg); font-weight: 600; }
td.cap.bad .sub { color: var(--bad-fg); }
td.cap.v-detected { background: #eef3fa; }
td.cap.v-unprobed, td.cap.not-run { background: #f3f3f3; color: var(--muted); }
td.why { color: var(--muted); max-width: 420px; }
td.st-stale, td.st-differs { background: var(--bad-bg); color: var(--bad-fg); font-weight: 600; }
td.st-holds { background: #fde7cc; }
td.st-unused, td.st-not-run { color: var(--muted); }
td.ledger-reason { max-width: 520px; overflow-wrap: anywhere; }
`

/** The skeleton: each element with an id is filled by the script. */
export const REPORT_BODY = `
<h1>DBAL conformance: behaviour parity</h1>
<noscript><p class="warn">This report is drawn by its inline script: enable JavaScript to read it.</p></noscript>
<section id="run"></section>
<section>
  <h2>Parity</h2>
  <p id="headline" data-testid="headline"></p>
  <div id="agreements" class="chips"></div>
</section>
<section>
  <h2>Cases &times; backends</h2>
  <p class="muted">A cell is the worst outcome of the case's steps that match the filters; the counts above
  the map are those steps per backend. Click a row for its steps and, where backends differ, their classes.</p>
  <div id="filters" class="filters"></div>
  <p id="legend" class="chips"></p>
  <table id="map"></table>
</section>
<section>
  <h2>The reference alone differs</h2>
  <p class="muted">Every other backend agrees and the reference does not: a bug in the oracle or the vector.</p>
  <div id="outliers"></div>
</section>
<section>
  <h2 id="diverge-title">Diverging steps</h2>
  <div id="diverging"></div>
</section>
<section>
  <h2>Capabilities: declared against observed</h2>
  <table id="capabilities"></table>
</section>
<section>
  <h2>Deviation ledger</h2>
  <div id="ledger"></div>
</section>
`
