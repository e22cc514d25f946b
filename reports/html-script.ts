/**
 * The inline script of the HTML parity report (reports/html.ts): it reads the parity model from the
 * page's JSON element and draws the page with DOM calls, so a case name, reason or observed value only
 * ever becomes text (textContent, attribute values), never markup. This file: the shared helpers, the
 * heat map, its filters and the step details; html-sections.ts draws the other sections. Plain browser
 * JavaScript kept as strings, joined into one function scope: no backticks and no dollar-brace inside.
 */
import { SECTIONS_SCRIPT } from './html-sections.ts'

const COMMON = String.raw`
  const P = JSON.parse(document.getElementById('parity-data').textContent);
  const $ = (id) => document.getElementById(id);
  // 'no-result': a backend that ran reported nothing for the step; 'not-run': the backend never ran.
  const OUTCOMES = ['pass', 'fail', 'xpass', 'xfail', 'skip', 'no-result', 'not-run'];
  const SEVERITY = { 'not-run': 0, pass: 1, 'no-result': 2, skip: 3, xfail: 4, xpass: 5, fail: 6 };
  const LABEL = {
    pass: 'pass', fail: 'fail', xpass: 'xpass', xfail: 'xfail', skip: 'skip', 'no-result': 'no result', 'not-run': 'not run',
  };
  const AGREEMENTS = ['agree', 'open', 'diverge', 'reference-outlier'];

  function h(tag, props, children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'text') e.textContent = String(v);
      else if (k === 'class') e.className = v;
      else e.setAttribute(k, String(v));
    }
    for (const c of children || []) if (c !== null && c !== undefined && c !== false) e.append(c);
    return e;
  }
  const ms = (n) => (n === undefined ? '' : n < 1000 ? n + ' ms' : (n / 1000).toFixed(1) + ' s');
  const json = (v) => (v === undefined ? 'undefined' : JSON.stringify(v));
  const pretty = (v) => (v === undefined ? 'undefined' : JSON.stringify(v, null, 2));
  const swatch = (o) => h('span', { class: 'swatch o-' + o });

  const ref = P.reference;
  const rank = (b) => (b.name === ref ? 0 : b.status === 'run' ? 1 : 2);
  const backends = P.backends
    .slice()
    .sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const names = backends.map((b) => b.name);
  // The stream lists backends as they finish; the report keeps the column order everywhere.
  const inOrder = (xs) => xs.slice().sort((a, b) => names.indexOf(a) - names.indexOf(b));
  const ran = new Set(backends.filter((b) => b.status === 'run').map((b) => b.name));
  const outcomeOf = (s, n) => (s.cells[n] ? s.cells[n].outcome : ran.has(n) ? 'no-result' : 'not-run');

  const cases = [];
  const byKey = new Map();
  for (const s of P.steps) {
    const key = s.file + '\u0000' + s.case;
    let c = byKey.get(key);
    if (!c) byKey.set(key, (c = { file: s.file, name: s.case, steps: [] })), cases.push(c);
    c.steps.push(s);
  }
  for (const c of cases) c.steps.sort((a, b) => a.step - b.step);

`

const MAP = String.raw`
  // Filters: every control re-applies; a row shows when one of its steps matches.
  const ctl = {};
  function select(id, label, options) {
    const s = h('select', { id: 'f-' + id, 'data-testid': 'filter-' + id });
    for (const [value, text] of options) s.append(h('option', { value, text }));
    s.addEventListener('change', apply);
    ctl[id] = s;
    return h('label', null, [label + ' ', s]);
  }
  function filters() {
    const box = $('filters');
    const group = h('span', { class: 'group' }, ['Backends:']);
    ctl.backends = names.map((n) => {
      const c = h('input', { type: 'checkbox', 'data-testid': 'toggle-' + n });
      c.checked = true;
      c.addEventListener('change', apply);
      group.append(h('label', null, [c, ' ' + n]));
      return c;
    });
    const uniq = (xs) => [...new Set(xs)].sort().map((x) => [x, x]);
    box.append(
      group,
      select('entity', 'Entity', [['', 'any']].concat(uniq(P.steps.map((s) => s.entity)))),
      select('status', 'Status', [['', 'any'], ['fail', 'fail'], ['xfail', 'xfail'], ['skip', 'skip'], ['diverging', 'diverging']]),
      select('tag', 'Tag', [['', 'any']].concat(uniq(P.steps.flatMap((s) => s.tags)))),
      select('agreement', 'Agreement', [['', 'any']].concat(AGREEMENTS.map((a) => [a, a]))),
      h('span', null, ['Rows: ', h('b', { 'data-testid': 'visible-rows' }), ' of ' + cases.length]),
    );
    for (const o of OUTCOMES) $('legend').append(h('span', { class: 'chip' }, [swatch(o), LABEL[o]]));
  }

  function stepMatches(s, f) {
    if (f.entity && s.entity !== f.entity) return false;
    if (f.tag && !s.tags.includes(f.tag)) return false;
    if (f.agreement && s.agreement !== f.agreement) return false;
    if (f.status === 'diverging') return s.agreement === 'diverge' || s.agreement === 'reference-outlier';
    if (f.status) {
      const want = f.status === 'fail' ? ['fail', 'xpass'] : [f.status];
      return f.shown.some((n) => want.includes(outcomeOf(s, n)));
    }
    return true;
  }

  // The heat map: built once; apply() only toggles rows, repaints cells and rewrites the counts.
  const countCells = {};
  function heatMap() {
    const t = $('map');
    const head = h('thead');
    head.append(
      h('tr', { class: 'names' }, [h('th', { text: 'Case' }), h('th', { text: 'File' }), h('th', { text: 'Steps' })].concat(
        backends.map((b, i) =>
          h('th', { class: 'backend m' + i + ' ' + b.status, 'data-testid': 'col-' + b.name, title: b.reason || b.where || '' }, [
            b.name,
            b.status === 'run' ? null : h('div', { text: 'not run' }),
          ]),
        ),
      )),
    );
    for (const o of OUTCOMES) {
      head.append(
        h('tr', { class: 'count' }, [h('th', { colspan: 3 }, [swatch(o), LABEL[o] + ' steps'])].concat(
          names.map((n, i) => (countCells[n + ' ' + o] = h('td', { class: 'num m' + i, 'data-testid': 'count-' + n + '-' + o }))),
        )),
      );
    }
    const body = h('tbody');
    for (const c of cases) {
      c.cells = names.map((n, i) => h('td', { class: 'cell m' + i, 'data-backend': n }));
      c.count = h('td', { class: 'num' });
      c.tr = h('tr', { class: 'case', tabindex: 0, 'data-testid': 'case-row' }, [
        h('td', { class: 'name', text: c.name }),
        h('td', { class: 'file', text: c.file.replace(/^contracts\//, '') }),
        c.count,
      ].concat(c.cells));
      c.tr.addEventListener('click', () => toggleDetail(c));
      c.tr.addEventListener('keydown', (e) => e.key === 'Enter' && toggleDetail(c));
      body.append(c.tr);
    }
    t.append(head, body);
  }

  const columnStyle = document.head.appendChild(document.createElement('style'));
  function apply() {
    const f = {
      entity: ctl.entity.value,
      status: ctl.status.value,
      tag: ctl.tag.value,
      agreement: ctl.agreement.value,
      shown: names.filter((n, i) => ctl.backends[i].checked),
    };
    columnStyle.textContent = names
      .map((n, i) => (ctl.backends[i].checked ? '' : '#map .m' + i + '{display:none}'))
      .join('\n');
    const counts = names.map(() => Object.fromEntries(OUTCOMES.map((o) => [o, 0])));
    let visible = 0;
    for (const c of cases) {
      const matching = c.steps.filter((s) => stepMatches(s, f));
      c.tr.hidden = matching.length === 0;
      if (c.detail) c.detail.hidden = c.tr.hidden;
      if (c.tr.hidden) continue;
      visible++;
      c.count.textContent = matching.length === c.steps.length ? c.steps.length : matching.length + '/' + c.steps.length;
      names.forEach((n, i) => paint(c.cells[i], n, matching, counts[i]));
    }
    names.forEach((n, i) => {
      for (const o of OUTCOMES) {
        const td = countCells[n + ' ' + o];
        td.textContent = counts[i][o];
        td.classList.toggle('zero', counts[i][o] === 0);
      }
    });
    document.querySelector('[data-testid="visible-rows"]').textContent = visible;
  }

  function paint(td, n, steps, count) {
    const tally = {};
    let worst = 'not-run';
    for (const s of steps) {
      const o = outcomeOf(s, n);
      tally[o] = (tally[o] || 0) + 1;
      count[o]++;
      if (SEVERITY[o] > SEVERITY[worst]) worst = o;
    }
    td.className = td.className.replace(/ o-\S+/, '') + ' o-' + worst;
    td.dataset.outcome = worst;
    td.textContent = worst === 'pass' || worst === 'not-run' || worst === 'no-result' ? '' : tally[worst];
    td.title = n + ': ' + OUTCOMES.filter((o) => tally[o]).map((o) => tally[o] + ' ' + LABEL[o]).join(', ');
  }

  function toggleDetail(c) {
    if (c.detail) {
      c.detail.remove();
      c.detail = undefined;
      c.tr.classList.remove('open');
      return;
    }
    const td = h('td', { colspan: 3 + names.length }, [h('div', null, c.steps.map(stepDetail))]);
    c.detail = h('tr', { class: 'detail', 'data-testid': 'case-detail' }, [td]);
    c.tr.classList.add('open');
    c.tr.after(c.detail);
  }

  const notRunReason = (n) => {
    const b = backends.find((x) => x.name === n);
    return b && b.status === 'not-run' ? b.reason || '' : 'the backend reported nothing for this step';
  };
  function stepDetail(s) {
    const head = h('div', { class: 'step-head' }, [
      h('b', { text: 'Step ' + s.step }),
      ' ' + s.action + ' ' + s.entity + ' ',
      h('span', { class: 'badge a-' + s.agreement, text: s.agreement }),
      s.tags.length ? h('span', { class: 'tags', text: 'tags: ' + s.tags.join(', ') }) : null,
    ]);
    const cells = h('table', { class: 'cells' });
    for (const n of names) {
      const c = s.cells[n];
      const o = outcomeOf(s, n);
      cells.append(
        h('tr', null, [
          h('th', { text: n }),
          h('td', { class: 'outcome o-' + o, text: LABEL[o] }),
          h('td', { class: 'reason', text: c ? c.reason || '' : notRunReason(n) }),
        ]),
      );
    }
    return h('div', { class: 'step', 'data-testid': 'step-detail' }, [head, cells, s.classes ? classesView(s) : null]);
  }

  function classesView(s) {
    return h('div', { class: 'classes' }, s.classes.map((k, i) => {
      const base = ref !== undefined && s.classes[0].backends.includes(ref) ? 'reference' : 'first class';
      const title = i > 0 ? 'Differs from the ' + base : base === 'reference' ? 'Reference class' : 'First class';
      return h('div', { class: 'class ' + (i ? 'minority' : 'base'), 'data-testid': i ? 'class-minority' : 'class-reference' }, [
        h('div', null, [h('b', { text: title + ': ' }), h('span', { 'data-testid': 'class-backends', text: inOrder(k.backends).join(', ') })]),
        i ? diffView(k.diff) : null,
        h('pre', { text: pretty(k.observed) }),
      ]);
    }));
  }

  function diffView(d) {
    if (!d) return h('div', { class: 'muted', text: 'No difference within the recorded (cut) outcome.' });
    return h('div', { class: 'diff', 'data-testid': 'diff' }, [
      h('span', { text: 'path' }),
      h('code', { 'data-testid': 'diff-path', text: d.path }),
      h('span', { text: 'expected' }),
      h('code', { text: json(d.expected) }),
      h('span', { text: 'actual' }),
      h('code', { text: json(d.actual) }),
    ]);
  }

`

const MAIN = String.raw`
  runHeader();
  headline();
  filters();
  heatMap();
  apply();
  stepList($('outliers'), P.steps.filter((s) => s.agreement === 'reference-outlier'), 'None in this run.');
  const diverging = P.steps.filter((s) => s.agreement === 'diverge');
  $('diverge-title').textContent = 'Diverging steps (' + diverging.length + ')';
  stepList($('diverging'), diverging, 'None in this run.');
  capabilities();
  ledger();
`

export const REPORT_SCRIPT = [
  "'use strict';",
  '(function () {',
  COMMON,
  SECTIONS_SCRIPT,
  MAP,
  MAIN,
  '})();',
].join('\n')
