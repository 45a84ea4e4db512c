// Trials table: server-side paging, sorting and filters (state, label, specialist, hypothesis text,
// score range, parent), kept in the address so a view can be shared; jump to a trial by number; pick
// two rows to compare them.
import { api } from '../api.js';
import { debounce, h, loading, mount, panel, problemBox } from '../dom.js';
import { ago, count, delta, score, seconds } from '../format.js';
import { chip, LABELS } from '../labels.js';
import { campaignHeader, refreshButton } from '../campaign.js';
import { setQuery } from '../app.js';

const STATES = ['QUEUED', 'RUNNING', 'FINISHED', 'CANCELLED'];
const COLUMNS = [
  ['number', '#', 'number'], ['label', 'Label'], ['score', 'Score', 'score'], ['delta', 'Δ vs best'],
  ['specialist', 'Specialist'], ['parent', 'Parent'], ['hypothesis', 'Hypothesis'],
  ['recipe', 'Recipe', 'recipeSeconds'], ['finished', 'Finished', 'finished'],
];

export async function render(root, { campaign: id }, ctx) {
  const q = ctx.query;
  const state = {
    state: q.getAll('state'), label: q.getAll('label'), specialist: q.get('specialist') || '',
    q: q.get('q') || '', minScore: q.get('minScore') || '', maxScore: q.get('maxScore') || '',
    parent: q.get('parent') || '', sort: q.get('sort') || '-number', page: Number(q.get('page') || 0), size: Number(q.get('size') || 50),
  };
  const picked = new Set();
  const head = h('div', null, loading('the campaign'));
  const results = h('div', null, loading('trials'));
  const filters = h('div', { class: 'filters' });
  mount(root, head, panel('Trials', null, filters, results));

  let campaign;
  let dashboard;
  try {
    [campaign, dashboard] = await Promise.all([api.campaign(id), api.dashboard(id)]);
  } catch (e) {
    mount(head, problemBox(e, 'Could not load campaign ' + id));
    return;
  }
  mount(head, campaignHeader(campaign, 'trials', refreshButton(() => load())));

  const multi = (name, options, titles = {}) => h('div', { class: 'chips-filter' }, options.map((o) => {
    const input = h('input', { type: 'checkbox', value: o, checked: state[name].includes(o), onchange: () => {
      state[name] = input.checked ? [...state[name], o] : state[name].filter((x) => x !== o);
      state.page = 0;
      load();
    } });
    return h('label', { class: 'chip-check', title: titles[o] || '' }, input, o.toLowerCase().replace('_', ' '));
  }));
  const text = (name, attrs) => {
    const input = h('input', { ...attrs, value: state[name], oninput: debounce(() => { state[name] = input.value.trim(); state.page = 0; load(); }, 300) });
    return input;
  };
  const specialistSelect = h('select', { name: 'specialist', onchange: () => { state.specialist = specialistSelect.value; state.page = 0; load(); } },
    h('option', { value: '' }, 'any specialist'),
    dashboard.specialists.map((s) => h('option', { value: s.specialist, selected: s.specialist === state.specialist }, s.specialist)));
  const jump = h('input', { type: 'number', min: 0, placeholder: 'trial #', class: 'narrow', name: 'jump' });
  mount(filters,
    h('div', { class: 'filter-row' },
      h('label', { class: 'grow' }, h('span', null, 'Hypothesis words'), text('q', { type: 'search', name: 'q', placeholder: 'e.g. momentum 0.9 (each starts a word)' })),
      h('label', null, h('span', null, 'Specialist'), specialistSelect),
      h('label', null, h('span', null, 'Score from'), text('minScore', { type: 'number', step: 'any', class: 'narrow', name: 'minScore' })),
      h('label', null, h('span', null, 'to'), text('maxScore', { type: 'number', step: 'any', class: 'narrow', name: 'maxScore' })),
      h('label', null, h('span', null, 'Parent'), text('parent', { type: 'number', min: 0, class: 'narrow', name: 'parent' })),
      h('form', { class: 'jump', onsubmit: (e) => { e.preventDefault(); if (jump.value !== '') window.location.hash = `#/campaigns/${id}/trials/${jump.value}`; } },
        h('label', null, h('span', null, 'Go to'), jump))),
    h('div', { class: 'filter-row nowrap' }, h('span', { class: 'filter-name' }, 'State'), multi('state', STATES)),
    h('div', { class: 'filter-row nowrap' }, h('span', { class: 'filter-name' }, 'Label'), multi('label', Object.keys(LABELS), LABELS)));

  async function load() {
    const params = { state: state.state, label: state.label, specialist: state.specialist || undefined, q: state.q,
      minScore: state.minScore, maxScore: state.maxScore, parent: state.parent, sort: state.sort, page: state.page, size: state.size };
    setQuery({ ...params, sort: state.sort === '-number' ? undefined : state.sort, page: state.page || undefined, size: state.size === 50 ? undefined : state.size });
    let page;
    try {
      page = await api.rows(id, params);
    } catch (e) {
      mount(results, problemBox(e, 'Could not search'));
      return;
    }
    mount(results, table(page), pager(page));
  }

  function sortHeader([key, title, sortKey]) {
    if (!sortKey) return h('th', { class: key === 'score' || key === 'delta' ? 'num' : null }, title);
    const active = state.sort.replace('-', '') === sortKey;
    const descending = state.sort.startsWith('-');
    return h('th', { class: ['sortable', active ? 'sorted' : null, ['number', 'score', 'recipe'].includes(key) ? 'num' : null] },
      h('button', { type: 'button', onclick: () => {
        state.sort = active && descending ? sortKey : '-' + sortKey;
        state.page = 0;
        load();
      } }, title, active ? (descending ? ' ↓' : ' ↑') : ''));
  }

  function table(page) {
    if (!page.items.length) return h('p', { class: 'muted empty' }, 'No trial matches these filters.');
    const compare = h('a', { class: 'button', href: '#', hidden: picked.size !== 2 }, 'Compare the two picked');
    const updateCompare = () => {
      compare.hidden = picked.size !== 2;
      const [a, b] = [...picked].sort((x, y) => x - y);
      compare.setAttribute('href', `#/campaigns/${id}/compare?a=${a}&b=${b}`);
    };
    updateCompare();
    return h('div', null,
      h('div', { class: 'table-meta' }, h('span', null, `${count(page.total)} trials`), h('span', { class: 'muted small' }, ' · tick two rows to compare them '), compare),
      h('div', { class: 'table-wrap' }, h('table', { class: 'grid trials' },
        h('thead', null, h('tr', null, h('th', null, ''), COLUMNS.map(sortHeader))),
        h('tbody', null, page.items.map((t) => {
          const box = h('input', { type: 'checkbox', checked: picked.has(t.number), 'aria-label': `pick trial ${t.number}`, onchange: () => {
            if (box.checked) picked.add(t.number); else picked.delete(t.number);
            updateCompare();
          } });
          return h('tr', { 'data-number': t.number },
            h('td', null, box),
            h('td', { class: 'num' }, h('a', { href: `#/campaigns/${id}/trials/${t.number}` }, `#${t.number}`)),
            h('td', null, chip(t.label, t.state)),
            h('td', { class: 'num' }, score(t.score)),
            h('td', { class: 'num' }, delta(t.deltaVsBest)),
            h('td', null, t.specialist),
            h('td', { class: 'num' }, t.parentNumber !== null ? h('a', { href: `#/campaigns/${id}/trials/${t.parentNumber}` }, `#${t.parentNumber}`) : '—'),
            h('td', { class: 'hyp' }, t.hypothesis),
            h('td', { class: 'num' }, seconds(t.recipeSeconds)),
            h('td', { title: t.finishedAt || '' }, t.finishedAt ? ago(t.finishedAt) : t.state.toLowerCase()));
        })))));
  }

  function pager(page) {
    const pages = Math.max(1, Math.ceil(page.total / page.size));
    const go = (p) => { state.page = p; load(); };
    const sizeSelect = h('select', { onchange: () => { state.size = Number(sizeSelect.value); state.page = 0; load(); } },
      [25, 50, 100, 200, 500].map((s) => h('option', { value: s, selected: s === state.size }, `${s} per page`)));
    return h('div', { class: 'pager' },
      h('button', { type: 'button', class: 'ghost', disabled: page.page === 0, onclick: () => go(0) }, '« first'),
      h('button', { type: 'button', class: 'ghost', disabled: page.page === 0, onclick: () => go(page.page - 1) }, '‹ previous'),
      h('span', null, `page ${page.page + 1} of ${count(pages)}`),
      h('button', { type: 'button', class: 'ghost', disabled: page.page + 1 >= pages, onclick: () => go(page.page + 1) }, 'next ›'),
      h('button', { type: 'button', class: 'ghost', disabled: page.page + 1 >= pages, onclick: () => go(pages - 1) }, 'last »'),
      sizeSelect);
  }

  const reload = debounce(load, 500);
  await ctx.live(id, () => reload(), ['trial.submitted', 'trial.rejected', 'trial.started', 'trial.attempt_failed',
    'trial.finished', 'trial.cancelled']);
  await load();
}
