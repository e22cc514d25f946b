/**
 * The sections of the HTML parity report around the heat map: the run header, the headline, the lists
 * of diverging and reference-outlier steps, the capability matrix and the deviation ledger. Browser
 * JavaScript, part of the one function scope html-script.ts builds (it uses its helpers: h, names,
 * backends, stepDetail ...): no backticks and no dollar-brace inside.
 */

export const SECTIONS_SCRIPT = String.raw`
  function runHeader() {
    const r = P.run;
    document.title = 'DBAL parity' + (r.commit ? ' ' + r.commit.slice(0, 10) : '') + ' ' + r.startedAt;
    const meta = h('dl', { class: 'meta', 'data-testid': 'run-meta' });
    const row = (k, v) => meta.append(h('dt', { text: k }), h('dd', { text: v }));
    row('Commit', r.commit || 'unknown');
    row('Started', r.startedAt);
    row('Duration', ms(r.durationMs) || 'unknown');
    row('Suite hash', r.suiteHash);
    row('Node', r.node);
    row('Run id', r.runId);
    const vectors = h('details', null, [h('summary', { text: r.vectors.length + ' vector files' })]);
    vectors.append(h('pre', { text: r.vectors.join('\n') }));
    meta.append(h('dt', { text: 'Vectors' }), h('dd', null, [vectors]));
    const t = h('table', { 'data-testid': 'backends' });
    t.append(
      h('tr', null, ['Backend', 'Status', 'Where / why not', 'Duration', 'Passed', 'Failed', 'Skipped'].map(
        (x) => h('th', { text: x }),
      )),
    );
    for (const b of backends) {
      const tl = b.tally;
      t.append(
        h('tr', { 'data-backend': b.name }, [
          h('th', { text: b.name + (b.required ? ' (required)' : '') }),
          h('td', { class: b.status === 'run' ? '' : 'warn', text: b.status === 'run' ? 'run' : 'not run' }),
          h('td', { text: b.status === 'run' ? b.where || '' : b.reason || '' }),
          h('td', { class: 'num', text: ms(b.durationMs) }),
          h('td', { class: 'num', text: tl.passed }),
          h('td', { class: 'num' + (tl.failed ? ' warn' : ''), text: tl.failed }),
          h('td', { class: 'num', text: tl.skipped + (tl.xfailed ? ' (' + tl.xfailed + ' xfail)' : '') }),
        ]),
      );
    }
    $('run').append(h('h2', { text: 'Run' }), meta, t);
  }

  function headline() {
    $('headline').textContent = P.headline.text;
    for (const a of AGREEMENTS)
      $('agreements').append(
        h('span', { class: 'chip', 'data-testid': 'agreement-' + a }, [
          h('span', { class: 'badge a-' + a, text: a }),
          ' ' + P.headline[a].toLocaleString('en-US'),
        ]),
      );
  }


  function stepList(box, steps, empty) {
    if (steps.length === 0) return box.append(h('p', { class: 'none', text: empty }));
    const ul = h('ul', { class: 'steplist' });
    for (const s of steps) {
      const summary = h('summary', null, [
        h('span', { class: 'mono', text: s.file }),
        ' \u00b7 ',
        h('b', { text: s.case }),
        ' \u00b7 step ' + s.step + ' (' + s.action + ' ' + s.entity + ') \u00b7 ',
        (s.classes || []).map((k) => inOrder(k.backends).join(', ')).join('  |  '),
      ]);
      const d = h('details', { 'data-testid': 'listed-step' }, [summary]);
      d.addEventListener('toggle', () => d.open && d.childElementCount === 1 && d.append(stepDetail(s)));
      ul.append(h('li', null, [d]));
    }
    box.append(ul);
  }

  function capabilities() {
    const t = $('capabilities');
    t.append(h('tr', null, [h('th', { text: 'Capability' }), h('th', { text: 'Probe' })]
      .concat(names.map((n) => h('th', { text: n })), [h('th', { text: 'Why' })])));
    for (const r of P.capabilities) {
      const why = r.why || (r.probe === 'connect' ? 'deployment-dependent: detected when the adapter connects' : '');
      t.append(h('tr', { 'data-capability': r.name }, [h('th', { text: r.name }), h('td', { text: r.probe })]
        .concat(names.map((n) => capCell(r.cells[n], n)), [h('td', { class: 'why', text: why })])));
    }
  }

  function capCell(c, n) {
    if (!c) return h('td', { class: 'cap not-run', 'data-backend': n, text: 'not run' });
    const yn = (v) => (v === null ? '\u2014' : v ? 'yes' : 'no');
    const sub =
      c.verdict === 'detected' ? (c.declared ? 'present' : 'absent')
      : c.verdict === 'unprobed' ? 'declared ' + yn(c.declared)
      : 'declared ' + yn(c.declared) + ', observed ' + yn(c.observed);
    const bad = c.verdict === 'over-claim' || c.verdict === 'under-claim';
    const title = c.probeSteps + ' probe steps' + (c.failing ? '; first not passing: ' + c.failing : '');
    return h('td', { class: 'cap v-' + c.verdict + (bad ? ' bad' : ''), 'data-backend': n, 'data-verdict': c.verdict, title }, [
      h('div', { text: c.verdict }),
      h('div', { class: 'sub', text: sub }),
    ]);
  }

  function ledger() {
    const box = $('ledger');
    if (P.ledger.length === 0) return box.append(h('p', { class: 'none', text: 'No deviations are ledgered for the backends of this run.' }));
    const order = names.concat([...new Set(P.ledger.map((r) => r.backend))].filter((n) => !names.includes(n)));
    for (const n of order) {
      const rows = P.ledger.filter((r) => r.backend === n);
      if (rows.length === 0) continue;
      const t = h('table', { 'data-testid': 'ledger-' + n });
      t.append(h('tr', null, ['Case', 'Step', 'Kind', 'Gives instead', 'Reason', 'xfail', 'xpass', 'differs', 'Status']
        .map((x) => h('th', { text: x }))));
      for (const r of rows) {
        const link = r.link && /^https?:\/\//i.test(r.link) ? h('a', { href: r.link, rel: 'noreferrer', text: r.link }) : r.link;
        t.append(h('tr', null, [
          h('td', { text: r.case, title: r.file }),
          h('td', { class: 'num', text: r.step === undefined ? 'all' : r.step }),
          h('td', { text: r.kind }),
          h('td', { text: r.expected.status === 'error' ? 'error ' + r.expected.code : 'success, other output' }),
          h('td', { class: 'ledger-reason' }, [r.reason, link ? h('br') : null, link || null]),
          h('td', { class: 'num', text: r.xfail }),
          h('td', { class: 'num', text: r.xpass }),
          h('td', { class: 'num', text: r.differs }),
          h('td', { class: 'st-' + r.status, 'data-testid': 'ledger-status', text: r.status }),
        ]));
      }
      box.append(h('h3', { text: n + ' (' + rows.length + ')' }), t);
    }
  }

`
