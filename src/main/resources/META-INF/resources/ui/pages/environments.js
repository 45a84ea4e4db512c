// Environments: each spec (metric, goal, editable paths, budgets, gates, keep rule, surfaces and
// knobs) and its README, rendered from Markdown and sanitised.
import { api } from '../api.js';
import { h, loading, mount, panel, problemBox, trustedHtml } from '../dom.js';
import { bytes } from '../format.js';
import { markdown } from '../vendor.js';

export async function render(root, { name }) {
  mount(root, loading('environments'));
  let environments;
  try {
    environments = await api.environments();
  } catch (e) {
    mount(root, problemBox(e, 'Could not list environments'));
    return;
  }
  const selected = environments.find((e) => e.name === name) || (name ? null : environments[0]);
  mount(root,
    h('div', { class: 'page-head' }, h('h1', null, 'Environments')),
    h('div', { class: 'env-layout' },
      h('nav', { class: 'env-list' }, environments.map((e) => h('a', { href: `#/environments/${e.name}`, class: e === selected ? 'active' : null },
        h('strong', null, e.name), h('span', { class: 'muted small' }, e.spec.title || '')))),
      selected ? detail(selected) : h('p', null, `No environment named ${name}.`)));
}

function detail(environment) {
  const spec = environment.spec;
  const readme = h('div', { class: 'markdown' }, loading('README'));
  (async () => {
    try {
      const [text, render] = await Promise.all([api.readme(environment.name), markdown()]);
      trustedHtml(readme, render(text));
    } catch (e) {
      mount(readme, h('p', { class: 'muted' }, e.status === 404 ? 'This environment has no README.md; its description is above.' : `README unavailable: ${e.message}`));
    }
  })();
  const run = (title, r) => r ? h('tr', null, h('td', null, title), h('td', null, h('code', null, (r.command || []).join(' '))),
    h('td', { class: 'num' }, r.seconds != null ? `${r.seconds} s` : '—'), h('td', { class: 'num' }, r.memory_mb != null ? `${r.memory_mb} MB` : '—'),
    h('td', { class: 'num' }, r.cpus ?? '—'), h('td', { class: 'num' }, r.pids ?? '—')) : null;
  const facts = [
    ['metric', `${spec.metric.name} (${String(spec.metric.goal).toLowerCase()})`],
    ['editable', h('span', null, (spec.editable || []).map((p) => h('code', { class: 'path' }, p)))],
    ['seeds', (spec.seeds || []).join(', ')],
    ['artifact cap', spec.artifact ? `${bytes(spec.artifact.max_bytes)}${spec.artifact.include_code ? ', code counted' : ''}${spec.artifact.allow_binary ? ', binaries allowed' : ''}` : 'none'],
    ['keep rule', spec.keep ? `beat the best by more than max(${spec.keep.min_delta ?? 0}, ${spec.keep.z ?? 0} × noise floor); baseline measured ${spec.keep.baseline_repeats ?? 1}×` : '—'],
    ['gates', (spec.gates || []).length ? h('span', null, spec.gates.map((g) => h('code', null,
      `${g.metric}${g.min != null ? ' ≥ ' + g.min : ''}${g.max != null ? ' ≤ ' + g.max : ''}${g.band != null ? ' (band ' + g.band + ')' : ''}`))) : 'none'],
    ['content hash', h('code', null, environment.contentHash.slice(0, 16))],
  ];
  const surfaces = Object.entries(spec.surfaces || {});
  return h('div', { class: 'env-detail' },
    h('h2', null, spec.title || environment.name), spec.description ? h('p', { class: 'lead' }, spec.description) : null,
    panel('Spec', null, h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]))),
    panel('Budgets per seed', null, h('table', { class: 'grid' },
      h('thead', null, h('tr', null, ['run', 'command', 'seconds', 'memory', 'cpus', 'pids'].map((c) => h('th', null, c)))),
      h('tbody', null, run('preflight', spec.preflight), run('recipe', spec.recipe), run('scoring', spec.scoring)))),
    panel('Surfaces and knobs', h('span', { class: 'muted small' }, 'one built-in specialist per surface'), surfaces.length
      ? h('table', { class: 'grid' }, h('thead', null, h('tr', null, ['surface', 'knob', 'file', 'type', 'range'].map((c) => h('th', null, c)))),
        h('tbody', null, surfaces.flatMap(([surface, knobs]) => knobs.map((k, i) => h('tr', null,
          h('td', null, i === 0 ? h('strong', null, surface) : ''), h('td', null, h('code', null, k.name)), h('td', null, k.file), h('td', null, k.type + (k.log ? ', log' : '')),
          h('td', null, k.choices ? k.choices.join(' | ') : `${k.min} … ${k.max}`))))))
      : h('p', { class: 'muted' }, 'No surfaces: only LLM, command and external agents can work on it.')),
    panel('README', null, readme));
}
