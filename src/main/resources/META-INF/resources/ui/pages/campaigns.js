// Campaigns: every campaign with its state, runner and budget, best and last activity; create one;
// start or stop its runner. Live for the campaigns that are moving (a runner running, trials in
// flight): at most FOLLOWED of them, since each stream holds one of the few connections a browser
// keeps per server.
import { api } from '../api.js';
import { debounce, h, loading, mount, panel, problemBox } from '../dom.js';
import { ago, better, count, delta, score } from '../format.js';
import { refreshButton } from '../campaign.js';
import { subscribe } from '../live.js';
import { runnerForm } from './runner-form.js';

const FOLLOWED = 3;
const CHANGES = ['trial.submitted', 'trial.rejected', 'trial.started', 'trial.finished', 'trial.cancelled', 'best.changed',
  'runner.started', 'runner.stopped', 'runner.ended'];

export async function render(root, params, ctx) {
  const following = new Map();
  ctx.onLeave(() => following.forEach((subscription) => subscription.close()));
  const reload = debounce(() => load(), 1000);

  /** Follows the moving campaigns, newest first, and lets go of those that stopped. */
  function follow(summaries) {
    const moving = summaries.filter(({ campaign, runner }) => campaign.status === 'ACTIVE'
      && (runner?.state === 'RUNNING' || campaign.states?.QUEUED || campaign.states?.RUNNING))
      .slice(0, FOLLOWED).map(({ campaign }) => String(campaign.id));
    for (const [key, subscription] of following) {
      if (!moving.includes(key)) {
        subscription.close();
        following.delete(key);
      }
    }
    moving.filter((key) => !following.has(key)).forEach((key) => following.set(key, subscribe(key, () => reload(), CHANGES)));
  }

  const list = h('div', null, loading('campaigns'));
  const createArea = h('div');
  mount(root,
    h('div', { class: 'page-head' }, h('h1', null, 'Campaigns'),
      h('div', { class: 'tools' }, refreshButton(() => load()),
        h('button', { type: 'button', class: 'primary', onclick: () => openCreate() }, '+ New campaign'))),
    createArea, list);

  async function load() {
    try {
      const summaries = await api.summaries();
      follow(summaries);
      mount(list, summaries.length ? table(summaries) : h('div', { class: 'empty' },
        h('p', null, 'No campaigns yet.'), h('p', { class: 'muted' }, 'Create one on an environment; its baseline (trial 0) is measured at once.')));
    } catch (e) {
      mount(list, problemBox(e, 'Could not list campaigns'));
    }
  }

  function table(summaries) {
    return h('div', { class: 'table-wrap' }, h('table', { class: 'grid campaigns' },
      h('thead', null, h('tr', null, ['Campaign', 'Environment', 'State', 'Runner', 'Trials', 'Best', 'vs baseline', 'Last activity', '']
        .map((c) => h('th', null, c)))),
      h('tbody', null, summaries.map((s) => row(s)))));
  }

  function row({ campaign, runner, lastActivity }) {
    const states = campaign.states || {};
    const gain = campaign.bestScore !== null && campaign.baselineScore !== null ? campaign.bestScore - campaign.baselineScore : null;
    const actions = h('td', { class: 'actions' });
    const runnerCell = h('td', null, runnerSummary(runner));
    const detail = h('tr', { class: 'detail', hidden: true }, h('td', { colspan: 9 }));
    if (campaign.status === 'ACTIVE') {
      if (runner && runner.state === 'RUNNING') {
        actions.append(h('button', { type: 'button', class: 'ghost danger', onclick: async (ev) => {
          ev.target.disabled = true;
          try { await api.stopRunner(campaign.id); await load(); } catch (e) { mount(detail.firstChild, problemBox(e, 'Could not stop')); detail.hidden = false; ev.target.disabled = false; }
        } }, 'Stop runner'));
      } else {
        actions.append(h('button', { type: 'button', class: 'ghost', onclick: () => {
          detail.hidden = !detail.hidden;
          mount(detail.firstChild, runnerForm(campaign, () => load()));
        } }, 'Start runner…'));
      }
    }
    return [h('tr', null,
      h('td', null, h('a', { href: `#/campaigns/${campaign.id}`, class: 'strong' }, campaign.name), h('div', { class: 'muted small' }, `#${campaign.id}`)),
      h('td', null, h('a', { href: `#/environments/${campaign.environment}` }, campaign.environment),
        h('div', { class: 'muted small' }, `${campaign.metric ?? ''} · ${String(campaign.goal ?? '').toLowerCase()}`)),
      h('td', null, h('span', { class: `status s-${campaign.status.toLowerCase()}` }, campaign.status)),
      runnerCell,
      h('td', { class: 'num' }, h('span', { title: 'finished' }, count(states.FINISHED)),
        states.RUNNING ? h('span', { class: 'pill running', title: 'running' }, `${states.RUNNING} running`) : null,
        states.QUEUED ? h('span', { class: 'pill', title: 'queued' }, `${states.QUEUED} queued`) : null),
      h('td', { class: 'num' }, campaign.bestScore !== null ? h('a', { href: `#/campaigns/${campaign.id}/trials/${campaign.bestNumber}` }, score(campaign.bestScore)) : '—',
        campaign.bestNumber !== null ? h('span', { class: 'muted small' }, ` #${campaign.bestNumber}`) : null),
      h('td', { class: ['num', better(gain, campaign.goal) > 0 ? 'good' : null] }, delta(gain)),
      h('td', { title: lastActivity || '' }, ago(lastActivity)),
      actions), detail];
  }

  async function openCreate() {
    if (createArea.firstChild) { createArea.replaceChildren(); return; }
    const message = h('div');
    let environments = [];
    try { environments = await api.environments(); } catch (e) { mount(message, problemBox(e)); }
    const field = (label, input, hint) => h('label', { class: 'field' }, h('span', null, label), input, hint ? h('small', { class: 'muted' }, hint) : null);
    const env = h('select', { name: 'environment', required: true }, environments.map((e) => h('option', { value: e.name }, `${e.name} — ${e.spec.title ?? ''}`)));
    const name = h('input', { name: 'name', required: true, maxlength: 200, placeholder: 'e.g. overnight search' });
    const number = (n, placeholder) => h('input', { name: n, type: 'number', min: 1, step: 1, placeholder });
    const recipe = number('recipeSeconds', 'environment default');
    const scoring = number('scoringSeconds', 'environment default');
    const memory = number('memoryMb', 'environment default');
    const repeats = number('baselineRepeats', 'environment default');
    const lineage = h('input', { type: 'checkbox', name: 'lineageView', checked: true });
    const intOrNull = (input) => input.value === '' ? undefined : Number(input.value);
    const form = h('form', { class: 'card form-grid', onsubmit: async (ev) => {
      ev.preventDefault();
      const settings = { recipeSeconds: intOrNull(recipe), scoringSeconds: intOrNull(scoring), memoryMb: intOrNull(memory),
        baselineRepeats: intOrNull(repeats), lineageView: lineage.checked ? undefined : false };
      try {
        const created = await api.createCampaign({ environment: env.value, name: name.value, settings });
        window.location.hash = `#/campaigns/${created.id}`;
      } catch (e) {
        mount(message, problemBox(e, 'Not created'));
      }
    } },
      h('h2', null, 'New campaign'),
      field('Environment', env), field('Name', name),
      field('Recipe seconds per seed', recipe), field('Scoring seconds per seed', scoring),
      field('Memory (MB)', memory), field('Baseline repeats', repeats, 'measures the noise floor'),
      h('label', { class: 'field check' }, lineage, h('span', null, 'Lineage view on (off only for ablations)')),
      h('div', { class: 'form-actions' }, h('button', { class: 'primary', type: 'submit' }, 'Create and measure baseline'),
        h('button', { type: 'button', class: 'ghost', onclick: () => createArea.replaceChildren() }, 'Cancel')),
      message);
    mount(createArea, form);
    name.focus();
  }

  await load();
}

export function runnerSummary(runner) {
  if (!runner) return h('span', { class: 'muted' }, 'never run');
  const left = runner.maxTrials - runner.trials;
  return h('div', null,
    h('span', { class: `status r-${runner.state.toLowerCase()}` }, runner.state),
    runner.state === 'RUNNING'
      ? h('div', { class: 'muted small' }, `${runner.trials}/${runner.maxTrials} trials · ${left} left`,
        runner.deadline ? ` · ends ${ago(runner.deadline)}` : '')
      : h('div', { class: 'muted small' }, runner.endedBecause || ''));
}
