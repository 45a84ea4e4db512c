// Lineage tree: every trial under its parent, coloured by label, the chain from the baseline to the
// best highlighted. Subtrees collapse; failed leaves can be hidden. Built once as plain DOM (a few
// elements per trial), so 2,000 trials render in a few tens of milliseconds and scroll natively.
import { api } from '../api.js';
import { debounce, h, loading, mount, panel, problemBox } from '../dom.js';
import { delta, score } from '../format.js';
import { chip } from '../labels.js';
import { campaignHeader, refreshButton } from '../campaign.js';

export async function render(root, { campaign: id }, ctx) {
  const head = h('div', null, loading('the campaign'));
  const body = h('div', { class: 'tree-area' }, loading('the tree'));
  mount(root, head, body);

  async function load() {
    let campaign;
    let tree;
    try {
      [campaign, tree] = await Promise.all([api.campaign(id), api.tree(id)]);
    } catch (e) {
      mount(head, problemBox(e, 'Could not load campaign ' + id));
      return;
    }
    mount(head, campaignHeader(campaign, 'tree', refreshButton(() => load())));
    mount(body, treeView(tree));
  }

  function treeView(tree) {
    const children = new Map();
    const roots = [];
    const numbers = new Set(tree.trials.map((n) => n.number));
    for (const node of tree.trials) {
      if (node.parent === null || node.parent === undefined || !numbers.has(node.parent) || node.parent === node.number) roots.push(node);
      else {
        if (!children.has(node.parent)) children.set(node.parent, []);
        children.get(node.parent).push(node);
      }
    }
    const chain = new Set(tree.chain);
    const container = h('div', { class: 'tree', role: 'tree' });
    const sizes = new Map();
    const size = (n) => {
      if (sizes.has(n)) return sizes.get(n);
      // iterative to survive deep chains
      const stack = [n];
      const order = [];
      while (stack.length) { const x = stack.pop(); order.push(x); (children.get(x) || []).forEach((c) => stack.push(c.number)); }
      for (let i = order.length - 1; i >= 0; i--) {
        const x = order[i];
        sizes.set(x, (children.get(x) || []).reduce((s, c) => s + sizes.get(c.number), 1));
      }
      return sizes.get(n);
    };
    const build = (node, depth) => {
      const kids = children.get(node.number) || [];
      const onChain = chain.has(node.number);
      const isBest = node.number === tree.bestNumber;
      const failed = !node.label || !['BASELINE', 'KEEP', 'DISCARD'].includes(node.label);
      const wrapper = h('div', { class: ['node', onChain ? 'on-chain' : null, kids.length ? null : 'leaf', failed && !kids.length ? 'failed-leaf' : null],
        role: 'treeitem', 'data-number': node.number, 'data-label': node.label || node.state });
      const toggle = kids.length
        ? h('button', { type: 'button', class: 'toggle', 'aria-label': 'collapse or expand', onclick: () => wrapper.classList.toggle('collapsed') })
        : h('span', { class: 'toggle none' });
      const row = h('div', { class: ['row', isBest ? 'best' : null] },
        toggle,
        chip(node.label, node.state),
        h('a', { class: 'num-link', href: `#/campaigns/${id}/trials/${node.number}` }, `#${node.number}`),
        h('span', { class: 'score' }, node.score !== null ? score(node.score) : ''),
        h('span', { class: ['delta', node.deltaVsBest > 0 === (tree.goal !== 'MINIMIZE') && node.deltaVsBest ? 'good' : null] }, node.deltaVsBest !== null ? delta(node.deltaVsBest) : ''),
        h('span', { class: 'spec' }, node.specialist),
        h('span', { class: 'hyp', title: node.hypothesis || '' }, node.hypothesis || ''),
        kids.length ? h('span', { class: 'count', title: 'trials in this subtree' }, String(size(node.number) - 1)) : null,
        isBest ? h('span', { class: 'best-tag' }, 'best') : null);
      wrapper.append(row);
      if (kids.length) {
        const list = h('div', { class: 'children', role: 'group' });
        // Kept children first (where the lineage went on), then by number.
        kids.sort((a, b) => (chain.has(b.number) - chain.has(a.number)) || (a.number - b.number));
        kids.forEach((kid) => list.append(build(kid, depth + 1)));
        wrapper.append(list);
      }
      return wrapper;
    };
    const started = performance.now();
    // Recursion depth equals the tree depth (the number of nested edits), far below JS limits in practice.
    roots.forEach((r) => container.append(build(r, 0)));
    const built = performance.now() - started;

    const setAll = (collapsed) => container.querySelectorAll('.node:not(.leaf)').forEach((n) => n.classList.toggle('collapsed', collapsed));
    const toChain = () => container.querySelectorAll('.node:not(.leaf)').forEach((n) => n.classList.toggle('collapsed', !n.classList.contains('on-chain')));
    const hideFailed = h('input', { type: 'checkbox', onchange: (e) => container.classList.toggle('hide-failed', e.target.checked) });
    const failedLeaves = tree.trials.filter((n) => !(children.get(n.number) || []).length && (!n.label || !['BASELINE', 'KEEP', 'DISCARD'].includes(n.label))).length;
    if (tree.trials.length > 400) toChain();
    return panel(`Lineage tree · ${tree.trials.length} trials`,
      h('div', { class: 'tree-tools' },
        h('button', { type: 'button', class: 'ghost', onclick: () => setAll(false) }, 'Expand all'),
        h('button', { type: 'button', class: 'ghost', onclick: toChain }, 'Collapse to the chain'),
        h('button', { type: 'button', class: 'ghost', onclick: () => setAll(true) }, 'Collapse all'),
        h('label', { class: 'check' }, hideFailed, ` hide ${failedLeaves} failed leaves`)),
      h('p', { class: 'muted small legend-line' }, h('span', { class: 'chain-swatch' }), ' chain from the baseline to the best · number after a row: trials beneath it',
        h('span', { class: 'timing', 'data-ms': built.toFixed(1) }, ` · drawn in ${built.toFixed(0)} ms`)),
      container);
  }

  const reload = debounce(load, 500);
  ctx.live(id, () => reload(), ['trial.submitted', 'trial.rejected', 'trial.finished', 'trial.cancelled', 'best.changed']);
  await load();
}
