// The one door to the server. Every page loads data through request(), so that an
// `Authorization: Bearer` header (API tokens) or any other cross-cutting change lands in one place.

// The API token the user signed in with, kept for this browser tab only (sessionStorage): it is
// gone when the tab closes, and other sites cannot read it.
const TOKEN_KEY = 'empiric.token';
let bearerToken = sessionStorage.getItem(TOKEN_KEY);

/** Sets the token sent with every request from now on (null: none), for the rest of the tab's session. */
export function setToken(token) {
  bearerToken = token;
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Whether requests carry a token. */
export function hasToken() {
  return Boolean(bearerToken);
}

/** An RFC 9457 problem the API answered with, or a transport failure (status 0). */
export class ApiError extends Error {
  constructor(status, title, detail) {
    super(detail || title);
    this.status = status;
    this.title = title;
    this.detail = detail;
  }
}

/** fetch() with the API's conventions: JSON bodies, problem+json errors, optional bearer token. */
export async function request(path, { method = 'GET', body, accept = 'application/json', headers = {}, signal } = {}) {
  const sent = { Accept: accept, ...headers };
  if (bearerToken) sent.Authorization = 'Bearer ' + bearerToken;
  let payload;
  if (body !== undefined) {
    sent['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, { method, headers: sent, body: payload, signal, cache: 'no-store' });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'Server unreachable', 'the server did not answer: ' + e.message);
  }
  if (!response.ok) {
    let title = response.statusText || 'Error';
    let detail = '';
    const type = response.headers.get('Content-Type') || '';
    if (type.includes('json')) {
      const problem = await response.json().catch(() => ({}));
      title = problem.title || title;
      detail = problem.detail || '';
    } else {
      detail = (await response.text().catch(() => '')).slice(0, 500);
    }
    throw new ApiError(response.status, title, detail);
  }
  return response;
}

const json = async (path, options) => (await request(path, options)).json();
const text = async (path, options) => (await request(path, { accept: 'text/plain, text/x-diff, text/markdown', ...options })).text();
const query = (params) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    (Array.isArray(value) ? value : [value]).forEach((v) => search.append(key, v));
  }
  const s = search.toString();
  return s ? '?' + s : '';
};

/** The JSON API as the UI uses it (docs/api.md). */
export const api = {
  summaries: () => json('/api/campaign-summaries'),
  campaign: (id) => json(`/api/campaigns/${id}`),
  createCampaign: (body) => json('/api/campaigns', { method: 'POST', body }),
  dashboard: (id) => json(`/api/campaigns/${id}/dashboard`),
  tree: (id) => json(`/api/campaigns/${id}/tree`),
  treeNodes: (id, numbers) => json(`/api/campaigns/${id}/tree/nodes${query({ numbers: numbers.join(',') })}`),
  heads: (id, numbers) => json(`/api/campaigns/${id}/tree/heads${query({ numbers: numbers.join(',') })}`),
  rows: (id, params) => json(`/api/campaigns/${id}/trial-rows${query(params)}`),
  trialByNumber: (id, number) => json(`/api/campaigns/${id}/trials/${number}`),
  trial: (trialId) => json(`/api/trials/${trialId}`),
  diff: (trialId) => text(`/api/trials/${trialId}/diff`),
  log: (trialId, bytes) => text(`/api/trials/${trialId}/log${query({ bytes })}`),
  compareDiff: (fromId, toId) => text(`/api/trials/${fromId}/compare/${toId}/diff`),
  lineageMarkdown: (id, specialist) => text(`/api/campaigns/${id}/lineage${query({ specialist, format: 'markdown' })}`),
  knowledge: (id) => text(`/api/campaigns/${id}/knowledge`),
  proposerView: (hash) => text(`/api/views/${encodeURIComponent(hash)}`),
  submit: (id, body) => json(`/api/campaigns/${id}/trials`, { method: 'POST', body }),
  cancel: (trialId) => json(`/api/trials/${trialId}/cancel`, { method: 'POST' }),
  runner: (id) => json(`/api/campaigns/${id}/runner`),
  startRunner: (id, body) => json(`/api/campaigns/${id}/runner`, { method: 'POST', body }),
  stopRunner: (id) => json(`/api/campaigns/${id}/runner`, { method: 'DELETE' }),
  environments: () => json('/api/environments'),
  environment: (name) => json(`/api/environments/${encodeURIComponent(name)}`),
  readme: (name) => text(`/api/environments/${encodeURIComponent(name)}/readme`),
  /** The raw response of the campaign's event stream, for live.js. */
  events: (id, lastEventId, signal) => request(`/api/campaigns/${id}/events`, {
    accept: 'text/event-stream', signal, headers: lastEventId ? { 'Last-Event-ID': lastEventId } : {},
  }),
};
