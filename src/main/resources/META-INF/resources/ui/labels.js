// The label taxonomy as the UI draws it (docs/labels.md): a colour per label, and the groups the
// dashboard counts by (keeps, discards, crashes, overruns, size, gate, rejected edits, infrastructure).
import { h } from './dom.js';

export const LABELS = {
  BASELINE: 'the starting recipe, measured (repeatedly, for the noise floor)',
  KEEP: 'beat the incumbent by more than the keep threshold; the new best',
  DISCARD: 'scored and legal, but not better by more than the keep threshold',
  INVALID_PATCH: 'the diff is malformed, does not apply to its parent, or changes nothing',
  ILLEGAL_EDIT: 'the diff touches a path it may not (outside the editable set, .git, a symlink, ..)',
  PREFLIGHT_FAILED: 'the cheap check before the run failed (for example a syntax error)',
  CRASH: 'the recipe exited with a non-zero status',
  OOM: 'the recipe exceeded its memory limit and was killed',
  RECIPE_TIMEOUT: 'the recipe ran past its wallclock budget and was killed',
  SCORING_TIMEOUT: 'scoring the recipe’s output ran past its budget',
  SIZE_BLOCKED: 'the artifact exceeded the size cap',
  GATE_FAILED: 'a legality gate on a metric was missed',
  NO_SCORE: 'the scorer found no usable output to score',
  INFRA_ERROR: 'the platform failed (Docker, disk); retried, never the agent’s fault',
};

export const GROUPS = [
  { key: 'keep', title: 'keeps', labels: ['KEEP'] },
  { key: 'discard', title: 'discards', labels: ['DISCARD'] },
  { key: 'crash', title: 'crashes', labels: ['CRASH', 'OOM'] },
  { key: 'overrun', title: 'overruns', labels: ['RECIPE_TIMEOUT', 'SCORING_TIMEOUT'] },
  { key: 'size', title: 'size', labels: ['SIZE_BLOCKED'] },
  { key: 'gate', title: 'gate', labels: ['GATE_FAILED'] },
  { key: 'rejected', title: 'rejected', labels: ['INVALID_PATCH', 'ILLEGAL_EDIT', 'PREFLIGHT_FAILED', 'NO_SCORE'] },
  { key: 'infra', title: 'infra', labels: ['INFRA_ERROR'] },
  { key: 'baseline', title: 'baseline', labels: ['BASELINE'] },
];

const GROUP_OF = Object.fromEntries(GROUPS.flatMap((g) => g.labels.map((l) => [l, g])));

/** The group a label belongs to; unfinished trials (no label) are grouped by state. */
export function groupOf(label, state) {
  if (label) return GROUP_OF[label];
  return { key: (state || 'queued').toLowerCase(), title: (state || '').toLowerCase(), labels: [] };
}

/** The CSS custom property holding a label's colour (set in style.css for light and dark). */
export function colourVar(label, state) {
  return `--c-${groupOf(label, state).key}`;
}

/** The label's colour as the page currently resolves it (charts need concrete values). */
export function colour(label, state) {
  return getComputedStyle(document.documentElement).getPropertyValue(colourVar(label, state)).trim() || '#888';
}

/** A small coloured chip naming the label (or the state of an unfinished trial). */
export function chip(label, state) {
  const group = groupOf(label, state);
  const text = label || state || '—';
  return h('span', { class: `chip g-${group.key}`, title: label ? LABELS[label] : `not finished: ${state}` }, text);
}
