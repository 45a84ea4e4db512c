// Lineage tree: every trial under its parent, coloured by label, the chain from the baseline to the
// best highlighted. Subtrees collapse, and a collapsed subtree is not built at all, so a campaign of
// 100,000 trials draws only what is open (the chain, at first). Hypotheses are fetched for the rows
// drawn. Live: each batch of events fetches the nodes it names and redraws, keeping what is open.
import { api } from '../api.js';
import { h, loading, mount, panel, problemBox } from '../dom.js';
import { delta, score } from '../format.js';
import { chip } from '../labels.js';
import { campaignHeader, refreshButton } from '../campaign.js';
import { batched, fetchNodes, Heads, TreeModel } from '../tree-model.js';

/** Up to this many trials every subtree starts open; above it, only the chain. */
const OPEN_ALL_UP_TO = 400;
/** "Expand all" would build every row; above this many trials it is not offered. */
const EXPAND_ALL_UP_TO = 5000;
const SETTLED_LABELS = ['BASELINE', 'KEEP', 'DISCARD'];

export async function render(root, { campaign: id }, ctx) {
  const head = h('div', null, loading('the campaign'));
  const body = h('div', { class: 'tree-area' }, loading('the tree'));
  mount(root, head, body);
  const heads = new Heads(id);
  let model = null;
  let campaign = null;
  let open = null;
  let hideFailed = false;

  async function load() {
    let tree;
    try {
      [campaign, tree] = await Promise.all([api.campaign(id), api.tree(id)]);
    } catch (e) {
      mount(head, problemBox(e, 'Could not load campaign ' + id));
      return;
    }
    model = new TreeModel(tree);
    model.setCampaign(campaign);
    open = null;
    draw();
  }

  async function apply(numbers, events) {
    if (!model || !events.some((e) => e.id !== null)) return;
    const [fresh, nodes] = await Promise.all([api.campaign(id), numbers.length ? fetchNodes(id, numbers) : []]);
    campaign = fresh;
    model.merge(nodes);
    model.setCampaign(campaign);
    draw();
  }

  function draw() {
    const scrolled = window.scrollY;
    mount(head, campaignHeader(campaign, 'tree', refreshButton(() => load())));
    mount(body, treeView());
    window.scrollTo(0, scrolled);
  }

  function treeView() {
    const trials = model.trials;
    const children = new Map();
    const roots = [];
    for (const node of trials) {
      if (node.parent === null || node.parent === undefined || !model.byNumber.has(node.parent) || node.parent === node.number) roots.push(node);
      else {
        if (!children.has(node.parent)) children.set(node.parent, []);
        children.get(node.parent).push(node);
      }
    }
    const chain = new Set(model.chain);
    const kidsOf = (n) => children.get(n) || [];
    // Subtree sizes, bottom-up over the number order (a child's number is always above its parent's).
    const sizes = new Map();
    for (let i = trials.length - 1; i >= 0; i--) {
      const n = trials[i].number;
      sizes.set(n, kidsOf(n).reduce((s, c) => s + sizes.get(c.number), 1));
    }
    if (open === null) {
      open = new Set(trials.length <= OPEN_ALL_UP_TO ? [...children.keys()] : [...chain]);
    }
    const failed = (node) => !node.label || !SETTLED_LABELS.includes(node.label);

    const container = h('div', { class: ['tree', hideFailed ? 'hide-failed' : null], role: 'tree' });
    const build = (node) => {
      const kids = kidsOf(node.number);
      const isOpen = kids.length > 0 && open.has(node.number);
      const isBest = node.number === model.bestNumber;
      const wrapper = h('div', { class: ['node', chain.has(node.number) ? 'on-chain' : null, kids.length ? null : 'leaf',
        kids.length && !isOpen ? 'collapsed' : null, failed(node) && !kids.length ? 'failed-leaf' : null],
      role: 'treeitem', 'aria-expanded': kids.length ? String(isOpen) : null, 'data-number': node.number, 'data-label': node.label || node.state });
      const hypothesis = h('span', { class: 'hyp' });
      const cached = heads.cached(node.number);
      if (cached !== undefined) hypothesis.textContent = cached || '';
      else heads.get(node.number).then((text) => { hypothesis.textContent = text || ''; hypothesis.title = text || ''; });
      const toggle = kids.length
        ? h('button', { type: 'button', class: 'toggle', 'aria-label': 'collapse or expand', onclick: () => {
          if (open.has(node.number)) {
            open.delete(node.number);
            wrapper.classList.add('collapsed');
            wrapper.querySelector(':scope > .children')?.remove();
          } else {
            open.add(node.number);
            wrapper.classList.remove('collapsed');
            wrapper.append(childList(kids));
          }
          wrapper.setAttribute('aria-expanded', String(open.has(node.number)));
        } })
        : h('span', { class: 'toggle none' });
      wrapper.append(h('div', { class: ['row', isBest ? 'best' : null] },
        toggle,
        chip(node.label, node.state),
        h('a', { class: 'num-link', href: `#/campaigns/${id}/trials/${node.number}` }, `#${node.number}`),
        h('span', { class: 'score' }, node.score !== null ? score(node.score) : ''),
        h('span', { class: ['delta', node.deltaVsBest > 0 === (model.goal !== 'MINIMIZE') && node.deltaVsBest ? 'good' : null] }, node.deltaVsBest !== null ? delta(node.deltaVsBest) : ''),
        h('span', { class: 'spec' }, node.specialist),
        hypothesis,
        kids.length ? h('span', { class: 'count', title: 'trials in this subtree' }, String(sizes.get(node.number) - 1)) : null,
        isBest ? h('span', { class: 'best-tag' }, 'best') : null));
      if (isOpen) wrapper.append(childList(kids));
      return wrapper;
    };
    const childList = (kids) => {
      const list = h('div', { class: 'children', role: 'group' });
      // The chain first (where the lineage went on), then by number.
      [...kids].sort((a, b) => (chain.has(b.number) - chain.has(a.number)) || (a.number - b.number))
        .forEach((kid) => list.append(build(kid)));
      return list;
    };
    const started = performance.now();
    // Recursion depth is the depth of the open tree (nested edits), far below JS limits in practice.
    roots.forEach((r) => container.append(build(r)));
    const built = performance.now() - started;

    const redraw = (next) => { open = next; draw(); };
    const failedLeaves = trials.filter((n) => !kidsOf(n.number).length && failed(n)).length;
    const hide = h('input', { type: 'checkbox', checked: hideFailed, onchange: (e) => {
      hideFailed = e.target.checked;
      container.classList.toggle('hide-failed', hideFailed);
    } });
    return panel(`Lineage tree · ${trials.length} trials`,
      h('div', { class: 'tree-tools' },
        trials.length <= EXPAND_ALL_UP_TO
          ? h('button', { type: 'button', class: 'ghost', onclick: () => redraw(new Set(children.keys())) }, 'Expand all') : null,
        h('button', { type: 'button', class: 'ghost', onclick: () => redraw(new Set(chain)) }, 'Collapse to the chain'),
        h('button', { type: 'button', class: 'ghost', onclick: () => redraw(new Set()) }, 'Collapse all'),
        h('label', { class: 'check' }, hide, ` hide ${failedLeaves} failed leaves`)),
      h('p', { class: 'muted small legend-line' }, h('span', { class: 'chain-swatch' }), ' chain from the baseline to the best · number after a row: trials beneath it',
        h('span', { class: 'timing', 'data-ms': built.toFixed(1) }, ` · drawn in ${built.toFixed(0)} ms`)),
      container);
  }

  await ctx.live(id, batched(apply, 800));
  await load();
}
