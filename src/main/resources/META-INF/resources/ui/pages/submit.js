// Submit a trial by hand, as an agent would over REST: a hypothesis and a unified diff against a
// parent. The API's answer is shown inline: a problem (4xx) as it was sent, and a diff the rules
// refuse (recorded as INVALID_PATCH or ILLEGAL_EDIT, like any agent's) with its reason.
import { api } from '../api.js';
import { h, loading, mount, problemBox } from '../dom.js';
import { loadCampaignHeader } from '../campaign.js';
import { chip } from '../labels.js';

const REFUSED = ['INVALID_PATCH', 'ILLEGAL_EDIT'];

export async function render(root, { campaign: id }) {
  const head = h('div', null, loading('the campaign'));
  const body = h('div');
  mount(root, head, body);
  const campaign = await loadCampaignHeader(head, id, 'submit');
  if (!campaign) {
    return;
  }
  const field = (label, input, hint) => h('label', { class: 'field' }, h('span', null, label), input, hint ? h('small', { class: 'muted' }, hint) : null);
  const hypothesis = h('textarea', { name: 'hypothesis', rows: 3, required: true, placeholder: 'What the edit should do, and why.' });
  const diff = h('textarea', { name: 'diff', rows: 16, class: 'mono', required: true, spellcheck: 'false',
    placeholder: 'diff --git a/train.py b/train.py\n--- a/train.py\n+++ b/train.py\n@@ -1,3 +1,3 @@\n …' });
  const parent = h('input', { name: 'parent', type: 'number', min: 0, placeholder: `the best (#${campaign.bestNumber ?? 0})` });
  const specialist = h('input', { name: 'specialist', value: 'human', pattern: '[A-Za-z0-9_.:\\-]{1,100}' });
  const expected = h('input', { name: 'expectedDelta', type: 'number', step: 'any', placeholder: 'optional' });
  const result = h('div', { id: 'submit-result' });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Submit trial');
  mount(body, h('form', { class: 'card submit-form', onsubmit: async (e) => {
    e.preventDefault();
    button.disabled = true;
    mount(result, h('p', { class: 'muted' }, 'Submitting…'));
    const payload = { hypothesis: hypothesis.value, diff: diff.value, specialist: specialist.value || undefined,
      parent: parent.value === '' ? undefined : Number(parent.value), expectedDelta: expected.value === '' ? undefined : Number(expected.value) };
    try {
      const trial = await api.submit(id, payload);
      const open = h('a', { href: `#/campaigns/${id}/trials/${trial.number}` }, `trial #${trial.number}`);
      if (REFUSED.includes(trial.label)) {
        mount(result, h('div', { class: 'problem', role: 'alert' }, h('strong', null, 'The diff was refused: '), chip(trial.label), ' ',
          h('span', null, 'recorded as '), open, h('div', { class: 'problem-detail' }, trial.notes || '')));
      } else {
        mount(result, h('div', { class: 'ok' }, 'Accepted as ', open, ' — ', chip(trial.label, trial.state), '. It runs when an evaluator is free.'));
      }
    } catch (error) {
      mount(result, problemBox(error, 'Not submitted'));
    } finally {
      button.disabled = false;
      result.scrollIntoView({ block: 'nearest' });
    }
  } },
    h('p', { class: 'muted' }, 'Paste a unified diff (as from ', h('code', null, 'git diff'), ') against the parent’s recipe. It is checked exactly as an agent’s would be: editable paths only, no binaries, must apply.'),
    field('Hypothesis', hypothesis),
    h('div', { class: 'form-row' }, field('Parent trial', parent), field('Specialist', specialist), field('Expected Δ', expected)),
    field('Diff', diff),
    h('div', { class: 'form-actions' }, button), result));
}
