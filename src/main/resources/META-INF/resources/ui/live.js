// The live-update hook. Pages subscribe to a campaign's events; this module keeps one connection per
// campaign to GET /api/campaigns/{id}/events (Server-Sent Events) and hands each event to every
// subscriber as {id, type, data}. Event types: trial.submitted, trial.rejected, trial.started,
// trial.attempt_failed, trial.finished, trial.cancelled, runner.started, runner.stopped, runner.ended,
// proposal.failed, best.changed; data carries at least campaignId, number, type and at.
//
// The stream is read with fetch() rather than EventSource so that it goes through api.js (and so
// carries the bearer token when there is one). It reconnects with back-off and sends Last-Event-ID,
// so a page left open for days misses nothing; a stream silent for longer than SILENCE_MS (the server
// sends heartbeats) is treated as dead. Nothing here polls: without a stream, pages stay as loaded
// and offer a Refresh button.
import { api, ApiError } from './api.js';

const SILENCE_MS = 60_000;
const MAX_BACKOFF_MS = 30_000;

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
 * Calls handler(event) for every event of campaign `campaignId` until the returned function is called.
 * `types` (optional) limits the event types delivered.
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
  return () => {
    connection.subscribers.delete(subscriber);
    if (connection.subscribers.size === 0) {
      connection.stop();
      connections.delete(key);
      if (connections.size === 0) setStatus('idle');
    }
  };
}

class Connection {
  constructor(campaignId) {
    this.campaignId = campaignId;
    this.subscribers = new Set();
    this.lastEventId = null;
    this.backoff = 1000;
    this.running = false;
    this.controller = null;
    this.retryTimer = null;
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

  async connect() {
    if (!this.running) return;
    setStatus(this.lastEventId ? 'reconnecting' : 'connecting');
    this.controller = new AbortController();
    let watchdog;
    const armWatchdog = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => this.controller.abort(), SILENCE_MS);
    };
    try {
      armWatchdog();
      const response = await api.events(this.campaignId, this.lastEventId, this.controller.signal);
      setStatus('live');
      this.backoff = 1000;
      await this.read(response.body, armWatchdog);
    } catch (e) {
      if (e instanceof ApiError && (e.status === 404 || e.status === 405 || e.status === 501)) {
        // This server has no event stream (yet): stay as loaded, never retry.
        clearTimeout(watchdog);
        this.running = false;
        setStatus('unavailable');
        return;
      }
    } finally {
      clearTimeout(watchdog);
    }
    if (!this.running) return;
    setStatus('reconnecting');
    this.retryTimer = setTimeout(() => this.connect(), this.backoff);
    this.backoff = Math.min(this.backoff * 2, MAX_BACKOFF_MS);
  }

  /** Parses text/event-stream: blank-line separated blocks of `field: value` lines; ':' lines are heartbeats. */
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
      else if (field === 'retry' && /^\d+$/.test(value)) this.backoff = Number(value);
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

// A laptop that slept or lost its network: reconnect at once rather than after the back-off.
window.addEventListener('online', () => connections.forEach((c) => {
  if (c.running) { clearTimeout(c.retryTimer); c.controller?.abort(); }
}));
