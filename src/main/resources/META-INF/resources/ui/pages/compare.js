// Compare two trials: their records and metrics side by side (differences only by default) and the
// code diff between their commits, whatever their relation in the tree.
import { api } from '../api.js';
import { h, loading, mount, panel, problemBox } from '../dom.js';
import { better, bytes, delta, score } from '../format.js';
import { chip } from '../labels.js';
import { loadCampaignHeader } from '../campaign.js';
import { diffViewer } from '../diffview.js';
import { setQuery } from '../app.js';

export async function render(root, { campaign: id }, ctx) {
  const head = h('div', null, loading('the campaign'));
  const body = h('div');
  mount(root, head, body);
  const campaign = await loadCampaignHeader(head, id, 'compare');
  if (!campaign) {
    return;
  }
  const a = h('input', { type: 'number', min: 0, name: 'a', class: 'narrow', value: ctx.query.get('a') ?? campaign.bestNumber ?? 0 });
  const b = h('input', { type: 'number', min: 0, name: 'b', class: 'narrow', value: ctx.query.get('b') ?? '' });
  const onlyDiff = h('input', { type: 'checkbox', checked: ctx.query.get('all') !== '1', onchange: () => show() });
  const result = h('div');
  mount(body, h('form', { class: 'compare-form card', onsubmit: (e) => { e.preventDefault(); show(); } },
    h('label', null, h('span', null, 'Trial'), a), h('span', { class: 'arrow' }, '→'), h('label', null, h('span', null, 'trial'), b),
    h('button', { type: 'submit', class: 'primary' }, 'Compare'),
    h('label', { class: 'check' }, onlyDiff, ' differences only')), result);

  async function show() {
    if (a.value === '' || b.value === '') {
      mount(result, h('p', { class: 'muted' }, 'Pick two trial numbers. The diff goes from the first trial’s code to the second’s.'));
      return;
    }
    setQuery({ a: a.value, b: b.value, all: onlyDiff.checked ? undefined : '1' });
    mount(result, loading('both trials'));
    let left;
    let right;
    try {
      [left, right] = await Promise.all([api.trialByNumber(id, a.value), api.trialByNumber(id, b.value)]);
    } catch (e) {
      mount(result, problemBox(e, 'Could not load the trials'));
      return;
    }
    let diff = null;
    let diffProblem = null;
    try {
      diff = await api.compareDiff(left.id, right.id);
    } catch (e) {
      diffProblem = e;
    }
    mount(result,
      panel('Side by side', null, sideBySide(left, right)),
      panel(`Code: #${left.number} → #${right.number}`, h('span', { class: 'muted small' }, 'between the two commits'),
        h('div', { id: 'compare-diff' }, diffProblem ? problemBox(diffProblem, 'No code diff') : diffViewer(diff, { empty: 'The two recipes are identical.' }))));
  }

  function sideBySide(left, right) {
    const link = (t) => h('a', { href: `#/campaigns/${id}/trials/${t.number}` }, `#${t.number}`);
    const rows = [
      ['label', chip(left.label, left.state), chip(right.label, right.state), left.label !== right.label || left.state !== right.state],
      ['specialist', left.specialist, right.specialist, left.specialist !== right.specialist],
      ['parent', left.parent ?? '—', right.parent ?? '—', left.parent !== right.parent],
      [`score (${campaign.metric})`, score(left.score), score(right.score), left.score !== right.score, right.score !== null && left.score !== null ? right.score - left.score : null, true],
      ['Δ vs best at judgement', delta(left.deltaVsBest), delta(right.deltaVsBest), left.deltaVsBest !== right.deltaVsBest],
      ['artifact', bytes(left.artifactBytes), bytes(right.artifactBytes), left.artifactBytes !== right.artifactBytes],
      ['attempts', left.attempts, right.attempts, left.attempts !== right.attempts],
    ];
    const keys = [...new Set([...Object.keys(left.metrics || {}), ...Object.keys(right.metrics || {})])].sort();
    for (const k of keys) {
      const x = left.metrics?.[k];
      const y = right.metrics?.[k];
      rows.push([k, score(x), score(y), x !== y, diffOf(x, y), k === campaign.metric]);
    }
    const shown = onlyDiff.checked ? rows.filter((r) => r[3]) : rows;
    return h('div', null,
      h('div', { class: 'table-wrap' }, h('table', { class: 'grid compare' },
        h('thead', null, h('tr', null, h('th', null, ''), h('th', null, link(left)), h('th', null, link(right)), h('th', { class: 'num' }, 'change'))),
        h('tbody', null,
          h('tr', { class: 'hyp-row' }, h('td', null, 'hypothesis'), h('td', { class: 'hyp' }, left.hypothesis), h('td', { class: 'hyp' }, right.hypothesis), h('td')),
          shown.map(([name, x, y, , change, primary]) => h('tr', null, h('td', null, name), h('td', null, x), h('td', null, y),
            h('td', { class: ['num', primary && change ? (better(change, campaign.goal) > 0 ? 'good' : 'bad') : null] }, change === undefined || change === null ? '' : delta(change))))))),
      onlyDiff.checked && shown.length < rows.length ? h('p', { class: 'muted small' }, `${rows.length - shown.length} equal rows hidden.`) : null);
  }

  const diffOf = (x, y) => (x === undefined || y === undefined || x === null || y === null ? null : y - x);
  await show();
}
