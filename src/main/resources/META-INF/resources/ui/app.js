// The single-page shell: hash routes to page modules, one page mounted at a time. Each page is
// `render(root, params, ctx)`; ctx.live(campaignId, handler, types) subscribes to the campaign's live
// events and returns a promise that resolves once the stream is open (load data after it, and no
// event falls between the load and the stream); ctx.onLeave(fn) registers clean-up. Both end when
// the page is left.
import { h, mount, problemBox } from './dom.js';
import { onLiveStatus, subscribe } from './live.js';
import { hasToken, setToken } from './api.js';

const ROUTES = [
  [/^\/?$/, 'campaigns', () => ({})],
  [/^\/campaigns\/?$/, 'campaigns', () => ({})],
  [/^\/campaigns\/(\d+)\/?$/, 'dashboard', (m) => ({ campaign: m[1] })],
  [/^\/campaigns\/(\d+)\/tree$/, 'tree', (m) => ({ campaign: m[1] })],
  [/^\/campaigns\/(\d+)\/trials$/, 'trials', (m) => ({ campaign: m[1] })],
  [/^\/campaigns\/(\d+)\/trials\/(\d+)$/, 'trial', (m) => ({ campaign: m[1], number: Number(m[2]) })],
  [/^\/campaigns\/(\d+)\/compare$/, 'compare', (m) => ({ campaign: m[1] })],
  [/^\/campaigns\/(\d+)\/submit$/, 'submit', (m) => ({ campaign: m[1] })],
  [/^\/environments\/?$/, 'environments', () => ({})],
  [/^\/environments\/([a-z0-9_-]+)$/, 'environments', (m) => ({ name: m[1] })],
];

const root = document.getElementById('app');
let leaving = [];

/** The current hash as a path and its query parameters. */
export function location() {
  const raw = window.location.hash.replace(/^#/, '') || '/';
  const [path, search = ''] = raw.split('?');
  return { path, query: new URLSearchParams(search) };
}

/** Changes the query part of the current route without adding a history entry per keystroke. */
export function setQuery(params, { replace = true } = {}) {
  const { path } = location();
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    (Array.isArray(value) ? value : [value]).forEach((v) => search.append(key, v));
  }
  const hash = '#' + path + (search.toString() ? '?' + search : '');
  if (replace) history.replaceState(null, '', hash);
  else history.pushState(null, '', hash);
}

async function route() {
  leaving.forEach((fn) => { try { fn(); } catch (e) { console.error(e); } });
  leaving = [];
  const { path, query } = location();
  const match = ROUTES.map(([re, page, params]) => [path.match(re), page, params]).find(([m]) => m);
  document.querySelectorAll('[data-nav]').forEach((a) => a.classList.toggle('active',
    a.dataset.nav === (match && match[1] === 'environments' ? 'environments' : 'campaigns')));
  if (!match) {
    mount(root, h('h1', null, 'Not found'), h('p', null, 'No page at ', h('code', null, path), '. ', h('a', { href: '#/' }, 'Campaigns')));
    return;
  }
  const [m, page, params] = match;
  const ctx = {
    query,
    onLeave: (fn) => leaving.push(fn),
    live: (campaignId, handler, types) => {
      const subscription = subscribe(campaignId, handler, types);
      leaving.push(subscription.close);
      return subscription.ready;
    },
  };
  try {
    const module = await import(`./pages/${page}.js`);
    root.replaceChildren();
    root.dataset.page = page;
    await module.render(root, params(m), ctx);
  } catch (e) {
    console.error(e);
    mount(root, problemBox(e, 'Could not show this page'));
  }
}

// Signing in: writes (submit, cancel, runner) need an API token (docs/api.md); reads may too.
const tokenButton = document.getElementById('token-button');
function showToken() {
  tokenButton.textContent = hasToken() ? 'signed in' : 'sign in';
  tokenButton.title = hasToken() ? 'requests carry your API token; click to forget it'
    : 'paste an API token (the admin token is the file admin-token in the server\'s data directory)';
}
tokenButton.addEventListener('click', () => {
  if (hasToken()) {
    setToken(null);
  } else {
    const token = window.prompt('API token, kept for this browser tab only:');
    if (token && token.trim()) setToken(token.trim());
  }
  showToken();
  route();
});
showToken();

const badge = document.getElementById('live-badge');
const BADGE_TEXT = {
  idle: ['live: idle', 'no live connection needed on this page'],
  connecting: ['live: connecting…', 'opening the campaign’s event stream'],
  live: ['● live', 'updates arrive as they happen'],
  reconnecting: ['live: reconnecting…', 'the event stream dropped; reconnecting and catching up'],
  unavailable: ['live: off', 'no event stream for this page; use Refresh to reload'],
};
onLiveStatus((status) => {
  badge.textContent = BADGE_TEXT[status][0];
  badge.title = BADGE_TEXT[status][1];
  badge.dataset.status = status;
});

window.addEventListener('hashchange', route);
route();
