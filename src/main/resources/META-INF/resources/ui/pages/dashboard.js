// Campaign dashboard: score against trial number (running best, baseline, noise band, keep threshold,
// points by label), outcomes per specialist and over time, the runner with its current turn, and the
// queue. Live: each batch of events refetches the dashboard's aggregates (one cheap call) and only
// the tree nodes the events name; the charts are updated in place.
import { api } from '../api.js';
import { h, lazyText, loading, mount, panel, problemBox } from '../dom.js';
import { ago, count, elapsed, seconds } from '../format.js';
import { chip, GROUPS } from '../labels.js';
import { campaignHeader, refreshButton } from '../campaign.js';
import { outcomesOverTime, scoreChart } from '../charts.js';
import { batched, fetchNodes, Heads, TreeModel } from '../tree-model.js';
import { runnerForm } from './runner-form.js';
import { runnerSummary } from './campaigns.js';

export async function render(root, { campaign: id }, ctx) {
  const head = h('div', null, loading('the campaign'));
  const chartBox = h('div', { class: 'chart score-chart', id: 'score-chart' });
  const overTimeBox = h('div', { class: 'chart small-chart', id: 'outcomes-chart' });
  const specialists = h('div');
  const runner = h('div');
  const queue = h('div');
  mount(root, head,
    h('div', { class: 'dash-grid' },
      h('div', { class: 'wide' }, panel('Score by trial', h('span', { class: 'muted small' }, 'click a point to open the trial · scroll to zoom'), chartBox)),
      panel('Runner', null, runner),
      panel('Queue', null, queue),
      h('div', { class: 'wide' }, panel('Outcomes by specialist', null, specialists)),
      h('div', { class: 'wide' }, panel('Outcomes over time', null, overTimeBox)),
      h('div', { class: 'wide' }, panel('Knowledge', h('span', { class: 'muted small' }, 'pinned in every LLM and command brief'),
        lazyText('The environment’s notes, the analyst’s notes (every 10 finished trials) and the research tree',
          () => api.knowledge(id), { class: 'lineage-md', id: 'knowledge' })))));

  let disposers = [];
  ctx.onLeave(() => disposers.forEach((d) => d()));
  const clock = setInterval(() => tick(), 1000); // local clock for elapsed times only; fetches nothing
  ctx.onLeave(() => clearInterval(clock));
  let queueTicks = [];
  let runnerTicks = [];
  const tick = () => [...queueTicks, ...runnerTicks].forEach((fn) => fn());
  const heads = new Heads(id);
  let model = null;
  let charts = null;
  let dashboard = null;
  let turn = null;
  let updates = 0;

  async function load() {
    let tree;
    try {
      [dashboard, tree] = await Promise.all([api.dashboard(id), api.tree(id)]);
    } catch (e) {
      mount(head, problemBox(e, 'Could not load campaign ' + id));
      return;
    }
    model = new TreeModel(tree);
    model.setCampaign(dashboard.campaign);
    disposers.forEach((d) => d());
    disposers = [];
    charts = null;
    const navigate = (number) => { window.location.hash = `#/campaigns/${id}/trials/${number}`; };
    if (model.trials.length) {
      const score = await scoreChart(chartBox, model, { onSelect: navigate, heads });
      const overTime = await outcomesOverTime(overTimeBox, model);
      charts = [score, overTime];
      disposers.push(score.dispose, overTime.dispose);
    }
    show();
  }

  /** Draws everything from `dashboard` and `model`. */
  function show() {
    mount(head, campaignHeader(dashboard.campaign, 'dashboard', refreshButton(() => load())));
    charts?.forEach((chart) => chart.update(model));
    chartBox.dataset.points = String(model.trials.length);
    chartBox.dataset.labels = [...new Set(model.trials.map((n) => n.label).filter(Boolean))].sort().join(',');
    chartBox.dataset.finished = String(model.trials.filter((n) => n.state === 'FINISHED').length);
    chartBox.dataset.updates = String(updates);
    mount(specialists, specialistTable(dashboard));
    showRunner();
    queueTicks = [];
    mount(queue, queuePanel(dashboard));
  }

  function showRunner() {
    runnerTicks = [];
    mount(runner, runnerPanel(dashboard));
  }

  /** After this page started or stopped the runner: its events will follow, but show it at once. */
  async function runnerChanged() {
    dashboard = await api.dashboard(id);
    show();
  }

  /** Applies a batch of live events: fresh aggregates, the nodes the events name, the runner's turn. */
  async function apply(numbers, events) {
    const turns = events.filter((e) => e.type === 'runner.turn');
    if (turns.length) turn = turns[turns.length - 1].data;
    if (!model || !events.some((e) => e.id !== null)) {
      if (turns.length && dashboard) showRunner();
      return;
    }
    if (!charts && numbers.length) {
      await load(); // the first trial of an empty campaign: mount the charts
      return;
    }
    const [fresh, nodes] = await Promise.all([api.dashboard(id), numbers.length ? fetchNodes(id, numbers) : []]);
    dashboard = fresh;
    model.merge(nodes);
    model.setCampaign(dashboard.campaign);
    if (dashboard.runner?.state !== 'RUNNING') turn = null;
    updates++;
    show();
  }

  function specialistTable(dashboard) {
    const groups = GROUPS.filter((g) => g.key !== 'baseline');
    const rows = dashboard.specialists.filter((s) => s.specialist !== 'baseline');
    if (!rows.length) return h('p', { class: 'muted' }, 'No trials proposed yet.');
    const sum = (s, g) => g.labels.reduce((n, l) => n + (s.labels[l] || 0), 0);
    return h('div', { class: 'table-wrap' }, h('table', { class: 'grid outcomes' },
      h('thead', null, h('tr', null, h('th', null, 'Specialist'), h('th', { class: 'num' }, 'trials'),
        groups.map((g) => h('th', { class: 'num', title: g.labels.join(', ') }, h('span', { class: `dot g-${g.key}` }), g.title)),
        h('th', { class: 'num' }, 'in flight'), h('th', null, 'mix'))),
      h('tbody', null, rows.map((s) => {
        const finished = groups.reduce((n, g) => n + sum(s, g), 0);
        return h('tr', null,
          h('td', null, h('a', { href: `#/campaigns/${id}/trials?specialist=${encodeURIComponent(s.specialist)}` }, s.specialist)),
          h('td', { class: 'num' }, count(s.trials)),
          groups.map((g) => h('td', { class: ['num', sum(s, g) ? null : 'zero'] }, sum(s, g) || '·')),
          h('td', { class: 'num' }, s.inFlight || '·'),
          h('td', { class: 'mix' }, h('div', { class: 'bar' }, groups.filter((g) => sum(s, g)).map((g) =>
            h('span', { class: `seg g-${g.key}`, style: { width: `${(100 * sum(s, g)) / finished}%` }, title: `${g.title}: ${sum(s, g)}` })))));
      }))));
  }

  function runnerPanel(dashboard) {
    const r = dashboard.runner;
    const campaign = dashboard.campaign;
    const body = h('div', { class: 'runner' });
    const last = dashboard.lastProposal;
    if (!r) {
      body.append(h('p', { class: 'muted' }, 'This campaign has never had a runner. Trials come only from REST or the Submit page.'));
    } else {
      const facts = [
        ['state', runnerSummary(r)],
        ...(r.state === 'RUNNING' ? [['current turn', turnLine()]] : []),
        ['turn', `${r.trials} of ${r.maxTrials} trials proposed`],
        ['in flight', String(r.inFlight)],
        ['keeps', `${r.keeps} (${r.trialsSinceKeep} since the last${r.maxTrialsWithoutKeep ? `, stops at ${r.maxTrialsWithoutKeep}` : ''})`],
        ['last proposal', last ? h('span', null, h('a', { href: `#/campaigns/${id}/trials/${last.number}` }, `#${last.number}`), ` by ${last.specialist}, ${ago(last.submittedAt)}`) : '—'],
        ['tokens used', count(r.tokensUsed)],
        ['failed proposals', String(r.failedProposals)],
        ['deadline', r.deadline ? `${new Date(r.deadline).toLocaleString()} (${ago(r.deadline)})` : 'none'],
        ['started', ago(r.startedAt)],
      ];
      if (r.endedBecause) facts.push(['ended because', r.endedBecause]);
      body.append(h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', null, k), h('dd', null, v)])));
    }
    if (campaign.status === 'ACTIVE') {
      const message = h('div');
      if (r && r.state === 'RUNNING') {
        body.append(h('button', { type: 'button', class: 'ghost danger', onclick: async () => {
          try { await api.stopRunner(id); await runnerChanged(); } catch (e) { mount(message, problemBox(e, 'Could not stop')); }
        } }, 'Stop runner'), message);
      } else {
        const area = h('div');
        body.append(h('button', { type: 'button', class: 'ghost', onclick: () => {
          area.firstChild ? area.replaceChildren() : mount(area, runnerForm(campaign, () => runnerChanged()));
        } }, 'Start runner…'), area);
      }
    }
    return body;
  }

  /** Which specialist has the turn (runner.turn events; only this server's runner sends them). */
  function turnLine() {
    if (!turn) return h('span', { class: 'muted', id: 'runner-turn' }, 'waiting for the next turn');
    const { specialist, phase } = turn.payload;
    const since = h('span', { class: 'muted' });
    const update = () => { since.textContent = ` · ${seconds(elapsed(turn.at))}`; };
    update();
    runnerTicks.push(update);
    const what = phase === 'proposing' ? h('strong', null, `${specialist} is proposing`)
      : phase === 'proposed' && turn.number !== null ? h('span', null, `${specialist} proposed `, h('a', { href: `#/campaigns/${id}/trials/${turn.number}` }, `#${turn.number}`))
        : `${specialist}: ${phase}`;
    return h('span', { id: 'runner-turn', 'data-phase': phase }, what, since);
  }

  function queuePanel(dashboard) {
    if (!dashboard.queue.length) return h('p', { class: 'muted' }, 'Nothing queued or running.');
    const budget = dashboard.budget;
    return h('div', null,
      h('ul', { class: 'queue' }, dashboard.queue.map((t) => {
        const isBaseline = t.number === 0;
        const limit = budget ? budget.attemptSeconds : null;
        const bar = h('span', { class: 'fill' });
        const label = h('span', { class: 'elapsed' });
        const update = () => {
          const s = elapsed(t.startedAt);
          label.textContent = t.state === 'RUNNING' ? `${seconds(s)}${limit ? ` of ≤ ${seconds(limit)}${isBaseline ? ' per repeat' : ''}` : ''}` : `waiting ${seconds(elapsed(t.submittedAt))}`;
          if (limit && t.state === 'RUNNING') {
            bar.style.width = `${Math.min(100, (100 * s) / limit)}%`;
            bar.classList.toggle('over', s > limit);
          }
        };
        update();
        queueTicks.push(update);
        return h('li', { class: t.state.toLowerCase() },
          h('div', { class: 'q-head' }, chip(null, t.state), ' ', h('a', { href: `#/campaigns/${id}/trials/${t.number}` }, `#${t.number}`),
            h('span', { class: 'muted' }, ` ${t.specialist}`), t.attempts > 1 ? h('span', { class: 'pill' }, `attempt ${t.attempts}`) : null, label),
          h('div', { class: 'q-hyp' }, t.hypothesis),
          t.state === 'RUNNING' && limit ? h('div', { class: 'progress' }, bar) : null);
      })),
      dashboard.queueTotal > dashboard.queue.length ? h('p', { class: 'muted small' }, `and ${dashboard.queueTotal - dashboard.queue.length} more`) : null,
      budget ? h('p', { class: 'muted small' }, `Budget per attempt: ${budget.seeds} seed(s) × (${budget.recipeSeconds} s recipe + ${budget.scoringSeconds} s scoring).`) : null);
  }

  // Subscribe first, then load: nothing that happens in between is missed.
  await ctx.live(id, batched(apply));
  await load();
}
