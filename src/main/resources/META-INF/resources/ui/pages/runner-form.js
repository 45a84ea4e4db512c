// The form that starts a campaign's runner with its budget (docs/agents.md).
import { api } from '../api.js';
import { h, mount, problemBox } from '../dom.js';

export function runnerForm(campaign, onStarted) {
  const message = h('div');
  const field = (label, input, hint) => h('label', { class: 'field' }, h('span', null, label), input, hint ? h('small', { class: 'muted' }, hint) : null);
  const maxTrials = h('input', { type: 'number', name: 'maxTrials', min: 1, value: 50, required: true });
  const patience = h('input', { type: 'number', name: 'maxTrialsWithoutKeep', min: 1, placeholder: 'no limit' });
  const deadline = h('input', { type: 'datetime-local', name: 'deadline' });
  const concurrency = h('input', { type: 'number', name: 'concurrency', min: 1, max: 16, value: 1 });
  const specialists = h('input', { name: 'specialists', placeholder: 'every built-in one', pattern: '[A-Za-z0-9_.:,\\s-]*' });
  return h('form', { class: 'form-grid runner-form', onsubmit: async (ev) => {
    ev.preventDefault();
    const names = specialists.value.split(',').map((s) => s.trim()).filter(Boolean);
    const body = {
      maxTrials: Number(maxTrials.value),
      maxTrialsWithoutKeep: patience.value ? Number(patience.value) : undefined,
      deadline: deadline.value ? new Date(deadline.value).toISOString() : undefined,
      concurrency: Number(concurrency.value || 1),
      specialists: names.length ? names : undefined,
    };
    try {
      await api.startRunner(campaign.id, body);
      onStarted();
    } catch (e) {
      mount(message, problemBox(e, 'Runner not started'));
    }
  } },
    field('Trials (maxTrials)', maxTrials), field('Stop after N trials without a keep', patience),
    field('Deadline', deadline, 'local time'), field('Trials in flight', concurrency),
    field('Specialists', specialists, 'comma-separated; empty: every built-in one'),
    h('div', { class: 'form-actions' }, h('button', { class: 'primary', type: 'submit' }, 'Start runner')),
    message);
}
