// The header every campaign page shares: where you are, how the campaign stands, and its tabs.
import { api } from './api.js';
import { h, mount, problemBox } from './dom.js';
import { better, delta, score } from './format.js';

const TABS = [
  ['dashboard', 'Dashboard', ''],
  ['tree', 'Lineage tree', '/tree'],
  ['trials', 'Trials', '/trials'],
  ['compare', 'Compare', '/compare'],
  ['submit', 'Submit a trial', '/submit'],
];

export function campaignHeader(campaign, active, tools) {
  const gain = campaign.bestScore !== null && campaign.baselineScore !== null ? campaign.bestScore - campaign.baselineScore : null;
  const stat = (name, value, extra) => h('div', { class: 'stat' }, h('div', { class: 'stat-name' }, name), h('div', { class: 'stat-value' }, value, extra || null));
  return h('div', { class: 'campaign-head' },
    h('div', { class: 'crumbs' }, h('a', { href: '#/' }, 'Campaigns'), ' / ',
      h('span', null, `#${campaign.id}`)),
    h('div', { class: 'title-row' },
      h('h1', null, campaign.name),
      h('span', { class: `status s-${String(campaign.status).toLowerCase()}` }, campaign.status),
      h('a', { class: 'env-link', href: `#/environments/${campaign.environment}` }, campaign.environment),
      tools ? h('div', { class: 'tools' }, tools) : null),
    h('div', { class: 'stats' },
      stat(`best (${campaign.metric ?? 'score'}, ${String(campaign.goal ?? '').toLowerCase()})`,
        campaign.bestNumber !== null && campaign.bestScore !== null
          ? h('a', { href: `#/campaigns/${campaign.id}/trials/${campaign.bestNumber}` }, score(campaign.bestScore)) : '—',
        campaign.bestNumber !== null && campaign.bestScore !== null ? h('span', { class: 'muted' }, ` #${campaign.bestNumber}`) : null),
      stat('vs baseline', h('span', { class: better(gain, campaign.goal) > 0 ? 'good' : '' }, delta(gain))),
      stat('baseline', score(campaign.baselineScore)),
      stat('noise floor', score(campaign.noiseFloor)),
      stat('keep threshold', campaign.keepThreshold !== null ? delta(campaign.keepThreshold) : '—'),
      stat('trials', String(Object.values(campaign.states || {}).reduce((a, b) => a + b, 0)))),
    h('nav', { class: 'tabs' }, TABS.map(([key, title, suffix]) =>
      h('a', { href: `#/campaigns/${campaign.id}${suffix}`, class: key === active ? 'active' : null }, title))));
}

/** A Refresh button for pages that have no live stream to update them. */
export function refreshButton(onClick) {
  return h('button', { type: 'button', class: 'ghost', onclick: onClick, title: 'reload this page’s data' }, '↻ Refresh');
}

/**
 * Loads the campaign and shows its header, on tab {@code active}, in {@code head}; when it cannot be
 * loaded, shows the problem there instead and returns null.
 */
export async function loadCampaignHeader(head, id, active) {
  try {
    const campaign = await api.campaign(id);
    mount(head, campaignHeader(campaign, active));
    return campaign;
  } catch (e) {
    mount(head, problemBox(e, 'Could not load campaign ' + id));
    return null;
  }
}
