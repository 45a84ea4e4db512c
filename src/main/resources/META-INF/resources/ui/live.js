// The live-update hook. Pages subscribe to a campaign's events; this module keeps one connection per
// campaign to GET /api/campaigns/{id}/events (Server-Sent Events, docs/api.md "Live events") and hands
// each event to every subscriber as {id, type, data}. Logged events carry an id (the event log's) and
// data {id, campaignId, seq, type, number, at, actor, payload}; transient ones (runner.turn, trial.log)
// carry none.
//
// The stream is read with fetch() rather than EventSource so that it goes through api.js (and so
// carries the bearer token when there is one). It reconnects with back-off and sends Last-Event-ID,
// so a page left open for days misses nothing; a stream silent for longer than SILENCE_MS (the server
// sends a heartbeat every 15 s) is treated as dead. Nothing here polls: a stream that cannot be had
// (404: no such campaign) leaves pages as loaded, with their Refresh buttons.
import { api, ApiError } from './api.js';

const SILENCE_MS = 45_000;
const FIRST_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;
/** How long a page waits for its stream before it loads its data anyway. */
const READY_PATIENCE_MS = 3000;

const connections = new Map();
const statusListeners = new Set();
let status = 'idle';

/** 'idle' | 'connecting' | 'live' | 'reconnecting' | 'unavailable' */
export function liveStatus() {
  return status;
}

export function onLiveStatus(listener) {
  statusListeners.add(listener);
  listener(status);
  return () => statusListeners.delete(listener);
}

function setStatus(next) {
  if (next === status) return;
  status = next;
  statusListeners.forEach((listener) => listener(status));
}

/**
 * Calls handler(event) for every event of campaign `campaignId` (only those of `types`, when given)
 * until close() is called. `ready` resolves once the stream is open (or cannot be had, or after a few
 * seconds): a page that loads its data after `ready` misses no event between its load and the stream.
 */
export function subscribe(campaignId, handler, types = null) {
  const key = String(campaignId);
  let connection = connections.get(key);
  if (!connection) {
    connection = new Connection(key);
    connections.set(key, connection);
  }
  const subscriber = { handler, types: types && new Set(types) };
  connection.subscribers.add(subscriber);
  connection.start();
  const ready = Promise.race([connection.ready, new Promise((resolve) => setTimeout(resolve, READY_PATIENCE_MS))]);
  const close = () => {
    connection.subscribers.delete(subscriber);
    if (connection.subscribers.size === 0) {
      connection.stop();
      connections.delete(key);
      if (connections.size === 0) setStatus('idle');
    }
  };
  return { ready, close };
}

class Connection {
  constructor(campaignId) {
    this.campaignId = campaignId;
    this.subscribers = new Set();
    this.lastEventId = null;
    this.retry = FIRST_BACKOFF_MS;
    this.backoff = FIRST_BACKOFF_MS;
    this.running = false;
    this.controller = null;
    this.retryTimer = null;
    this.ready = new Promise((resolve) => { this.markReady = resolve; });
  }

  start() {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  stop() {
    this.running = false;
    clearTimeout(this.retryTimer);
    this.controller?.abort();
  }

  /** Drops the current connection and connects again at once (the network came back). */
  kick() {
    if (!this.running) return;
    clearTimeout(this.retryTimer);
    this.backoff = this.retry;
    this.controller?.abort();
    if (!this.controller) this.connect();
  }

  async connect() {
    if (!this.running) return;
    setStatus(this.lastEventId ? 'reconnecting' : 'connecting');
    const controller = new AbortController();
    this.controller = controller;
    let watchdog;
    const alive = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => controller.abort(), SILENCE_MS);
    };
    try {
      alive();
      const response = await api.events(this.campaignId, this.lastEventId, controller.signal);
      setStatus('live');
      this.backoff = this.retry;
      this.markReady();
      await this.read(response.body, alive);
    } catch (e) {
      if (e instanceof ApiError && [400, 404, 405, 501].includes(e.status)) {
        // No stream for this campaign on this server: stay as loaded, never retry.
        this.running = false;
        setStatus('unavailable');
        this.markReady();
        return;
      }
    } finally {
      clearTimeout(watchdog);
      if (this.controller === controller) this.controller = null;
    }
    if (!this.running) return;
    setStatus('reconnecting');
    // Jitter spreads the reconnects of many pages after a server restart.
    this.retryTimer = setTimeout(() => this.connect(), this.backoff * (0.75 + Math.random() / 2));
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
  }

  /** Parses text/event-stream: blank-line separated blocks of `field: value` lines; ':' lines are comments. */
  async read(body, alive) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      alive();
      buffer += value;
      let end;
      while ((end = buffer.search(/\r?\n\r?\n/)) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end).replace(/^\r?\n\r?\n/, '');
        this.dispatch(block);
      }
    }
  }

  dispatch(block) {
    let id = null;
    let type = 'message';
    const data = [];
    for (const line of block.split(/\r?\n/)) {
      if (!line || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') type = value;
      else if (field === 'data') data.push(value);
      else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Math.max(500, Number(value));
    }
    if (id !== null) this.lastEventId = id;
    if (data.length === 0) return;
    let payload;
    try {
      payload = JSON.parse(data.join('\n'));
    } catch {
      return;
    }
    const event = { id, type, data: payload };
    for (const subscriber of this.subscribers) {
      if (!subscriber.types || subscriber.types.has(type)) {
        try {
          subscriber.handler(event);
        } catch (e) {
          console.error('live handler failed', e);
        }
      }
    }
  }
}

// A laptop that woke up or got its network back: reconnect now rather than after the back-off.
window.addEventListener('online', () => connections.forEach((c) => c.kick()));
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && status === 'reconnecting') connections.forEach((c) => c.kick());
});
