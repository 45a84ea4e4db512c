// Trial page: the hypothesis, who proposed it from what lineage state and what it was shown, its
// outcome (label, reason, notes), score and every metric against its parent and the best, timings
// and attempts, the diff, and the log tail. Links to parent, children and comparisons. Live: the
// trial's own events redraw the page; each section added to its log (trial.log) reloads the log.
import { api } from '../api.js';
import { debounce, h, lazyText, loading, mount, panel, problemBox } from '../dom.js';
import { better, bytes, delta, score, seconds, time } from '../format.js';
import { chip, LABELS } from '../labels.js';
import { campaignHeader, refreshButton } from '../campaign.js';
import { diffViewer } from '../diffview.js';

const LOG_SIZES = [16384, 65536, 262144, 1048576];

export async function render(root, { campaign: id, number }, ctx) {
  const head = h('div', null, loading('the campaign'));
  const main = h('div', null, loading(`trial ${number}`));
  mount(root, head, main);
  let logBytes = 65536;

  let loadLog = async () => {};

  async function load() {
    let campaign;
    let trial;
    try {
      [campaign, trial] = await Promise.all([api.campaign(id), api.trialByNumber(id, number)]);
    } catch (e) {
      mount(main, problemBox(e, `Could not load trial ${number}`));
      return;
    }
    mount(head, campaignHeader(campaign, 'trials', refreshButton(() => load())));
    const [parent, best, children, diff] = await Promise.all([
      trial.parent !== null && trial.parent !== undefined ? api.trialByNumber(id, trial.parent).catch(() => null) : null,
      campaign.bestNumber !== null && campaign.bestNumber !== trial.number ? api.trialByNumber(id, campaign.bestNumber).catch(() => null) : null,
      api.rows(id, { parent: trial.number, size: 100, sort: 'number' }).catch(() => ({ items: [], total: 0 })),
      api.diff(trial.id).catch(() => ''),
    ]);
    const logBox = h('pre', { class: 'log', id: 'trial-log' }, 'loading…');
    const scrolled = window.scrollY;
    mount(main,
      h('div', { class: 'trial-title' },
        h('h2', null, `Trial #${trial.number}`), chip(trial.label, trial.state),
        trial.number === campaign.bestNumber ? h('span', { class: 'best-tag' }, 'current best') : null,
        h('div', { class: 'tools' },
          trial.parent !== null ? h('a', { class: 'button ghost', href: `#/campaigns/${id}/trials/${trial.parent}` }, `‹ parent #${trial.parent}`) : null,
          h('a', { class: 'button ghost', href: `#/campaigns/${id}/trials/${trial.number + 1}` }, 'next #' + (trial.number + 1) + ' ›'),
          ['QUEUED', 'RUNNING'].includes(trial.state) && trial.number !== 0
            ? h('button', { type: 'button', class: 'ghost danger', onclick: async () => { await api.cancel(trial.id).catch(() => {}); load(); } }, 'Cancel') : null)),
      h('div', { class: 'trial-grid' },
        panel('Hypothesis', null, h('p', { class: 'hypothesis', id: 'hypothesis' }, trial.hypothesis),
          trial.expectedDelta !== null ? h('p', { class: 'muted small' }, `expected Δ ${delta(trial.expectedDelta)}`) : null),
        panel('Outcome', null, outcome(campaign, trial)),
        panel('Record', null, record(campaign, trial)),
        panel('What the proposer was shown', null, proposer(campaign, trial))),
      panel('Metrics', h('span', { class: 'muted small' }, 'Δ: this trial minus the other; green is better under the goal'), metrics(campaign, trial, parent, best)),
      panel('Diff', h('span', { class: 'muted small' }, 'as submitted, against its parent'),
        h('div', { id: 'trial-diff' }, diffViewer(diff, { empty: trial.number === 0 ? 'The baseline is the starting recipe; it has no diff.' : 'Empty diff.' }))),
      panel('Log', h('div', { class: 'tools' },
        h('select', { onchange: (e) => { logBytes = Number(e.target.value); loadLog(); } },
          LOG_SIZES.map((s) => h('option', { value: s, selected: s === logBytes }, `last ${bytes(s)}`))),
        h('button', { type: 'button', class: 'ghost', title: 'reload the log', onclick: () => loadLog() }, '↻')), logBox),
      panel(`Children (${children.total})`, null, children.items.length
        ? h('ul', { class: 'children-list' }, children.items.map((c) => h('li', null,
          h('a', { href: `#/campaigns/${id}/trials/${c.number}` }, `#${c.number}`), ' ', chip(c.label, c.state), ' ',
          h('span', { class: 'muted' }, c.specialist), ' ', h('span', null, c.hypothesis))))
        : h('p', { class: 'muted' }, 'No trial builds on this one yet.'),
        children.total > children.items.length ? h('a', { href: `#/campaigns/${id}/trials?parent=${trial.number}` }, `all ${children.total} children`) : null),
      panel('Compare with', null, compareLinks(campaign, trial)));
    window.scrollTo(0, scrolled);

    loadLog = async () => {
      try {
        const text = await api.log(trial.id, logBytes);
        // Follow the tail unless the reader scrolled up to read something.
        const following = logBox.scrollTop + logBox.clientHeight >= logBox.scrollHeight - 8;
        logBox.textContent = text || (trial.state === 'QUEUED' ? 'Not started yet.' : 'No output recorded.');
        if (following) logBox.scrollTop = logBox.scrollHeight;
      } catch (e) {
        mount(logBox, problemBox(e, 'Could not read the log'));
      }
    };
    await loadLog();
  }

  function outcome(campaign, trial) {
    const reason = trial.label ? LABELS[trial.label] : `not finished: ${trial.state.toLowerCase()}`;
    return h('div', null,
      h('div', { class: 'big-score' }, score(trial.score), trial.scoreStd !== null ? h('span', { class: 'muted small' }, ` ± ${score(trial.scoreStd)}`) : null,
        h('span', { class: 'muted small' }, ` ${campaign.metric ?? ''}`)),
      trial.deltaVsBest !== null ? h('p', null, h('span', { class: better(trial.deltaVsBest, campaign.goal) > 0 ? 'good' : 'bad' }, delta(trial.deltaVsBest)),
        ` vs the best at judgement (#${trial.judgedAgainst})`) : null,
      h('p', { class: 'reason' }, h('strong', null, trial.label || trial.state), ': ', reason),
      trial.notes ? h('pre', { class: 'notes', id: 'notes' }, trial.notes) : null);
  }

  function record(campaign, trial) {
    const run = trial.startedAt && trial.finishedAt ? (Date.parse(trial.finishedAt) - Date.parse(trial.startedAt)) / 1000 : null;
    const facts = [
      ['specialist', trial.specialist],
      ['parent', trial.parent !== null ? h('a', { href: `#/campaigns/${id}/trials/${trial.parent}` }, `#${trial.parent}`) : '—'],
      ['commit', trial.commit ? h('code', { title: trial.commit }, trial.commit.slice(0, 12)) : 'none (rejected before commit)'],
      ['submitted', time(trial.submittedAt)],
      ['started', time(trial.startedAt)],
      ['finished', time(trial.finishedAt)],
      ['wallclock', seconds(run)],
      ['recipe / scoring', `${seconds(trial.recipeSeconds)} / ${seconds(trial.scoringSeconds)}`],
      ['artifact', bytes(trial.artifactBytes)],
      ['attempts', String(trial.attempts)],
      ['trial id', String(trial.id)],
    ];
    return h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
  }

  function proposer(campaign, trial) {
    const lazy = (summary, fetch) => lazyText(summary, fetch, { class: 'lineage-md', id: 'proposer-view' });
    if (trial.viewHash) {
      return h('div', null,
        trial.proposedFrom ? h('p', null, 'Proposed from: ', h('span', { class: 'proposed-from' }, trial.proposedFrom)) : null,
        lazy(h('span', null, `The lineage view ${trial.specialist} read before it proposed `, h('code', { class: 'muted', title: trial.viewHash }, trial.viewHash.slice(0, 12))),
          () => api.proposerView(trial.viewHash)));
    }
    const name = /^[A-Za-z0-9_.:-]{1,100}$/.test(trial.specialist) ? trial.specialist : undefined;
    return h('div', null,
      h('p', { class: 'muted' }, trial.number === 0 ? 'The baseline was not proposed.'
        : 'Submitted over REST; the submitter did not record what it saw.'),
      h('p', { class: 'muted small' }, 'Every proposer reads the lineage view (docs/lineage.md): the best, the leaderboard, the chain, the best’s children, recent outcomes and its own failures.'),
      trial.number === 0 ? null : lazy(`The lineage view ${trial.specialist} gets now`, () => api.lineageMarkdown(id, name)));
  }

  function metrics(campaign, trial, parent, best) {
    const keys = [...new Set([...Object.keys(trial.metrics || {}), ...Object.keys(parent?.metrics || {}), ...Object.keys(best?.metrics || {})])].sort();
    if (!keys.length) return h('p', { class: 'muted' }, 'No metrics recorded.');
    const value = (t, k) => (t && t.metrics ? t.metrics[k] : undefined);
    const d = (a, b, k) => (a === undefined || b === undefined || a === null || b === null) ? h('td', { class: 'num muted' }, '—')
      : h('td', { class: ['num', k === campaign.metric ? (better(a - b, campaign.goal) > 0 ? 'good' : better(a - b, campaign.goal) < 0 ? 'bad' : null) : null] }, delta(a - b));
    return h('div', { class: 'table-wrap' }, h('table', { class: 'grid metrics' },
      h('thead', null, h('tr', null, h('th', null, 'metric'), h('th', { class: 'num' }, `#${trial.number}`),
        h('th', { class: 'num' }, parent ? `parent #${parent.number}` : 'parent'), h('th', { class: 'num' }, 'Δ vs parent'),
        h('th', { class: 'num' }, best ? `best #${best.number}` : 'best'), h('th', { class: 'num' }, 'Δ vs best'))),
      h('tbody', null, keys.map((k) => h('tr', { class: k === campaign.metric ? 'primary-metric' : null },
        h('td', null, k), h('td', { class: 'num' }, score(value(trial, k))),
        h('td', { class: 'num' }, score(value(parent, k))), d(value(trial, k), value(parent, k), k),
        h('td', { class: 'num' }, best ? score(value(best, k)) : 'this'), best ? d(value(trial, k), value(best, k), k) : h('td', { class: 'num muted' }, '—'))))));
  }

  function compareLinks(campaign, trial) {
    const other = h('input', { type: 'number', min: 0, placeholder: 'trial #', class: 'narrow', name: 'compare-with' });
    const go = (n) => `#/campaigns/${id}/compare?a=${trial.number}&b=${n}`;
    return h('div', { class: 'compare-links' },
      trial.parent !== null ? h('a', { class: 'button ghost', href: go(trial.parent) }, `with its parent #${trial.parent}`) : null,
      campaign.bestNumber !== null && campaign.bestNumber !== trial.number ? h('a', { class: 'button ghost', href: go(campaign.bestNumber) }, `with the best #${campaign.bestNumber}`) : null,
      h('form', { class: 'inline', onsubmit: (e) => { e.preventDefault(); if (other.value !== '') window.location.hash = go(other.value); } },
        other, h('button', { type: 'submit', class: 'ghost' }, 'Compare')));
  }

  const reload = debounce(load, 400);
  const reloadLog = debounce(() => loadLog(), 250);
  await ctx.live(id, (event) => {
    if (event.type === 'trial.log') {
      if (event.data.number === number) reloadLog();
    } else if (event.data.number === number || event.type === 'best.changed') {
      reload();
    }
  });
  await load();
}
