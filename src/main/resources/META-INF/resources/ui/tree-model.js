// A campaign's tree as the dashboard and the tree page hold it: loaded once (GET /tree, nodes as
// arrays), then kept current from live events by fetching only the nodes the events name, so a page
// on a campaign of 100,000 trials never downloads the whole tree again. Hypothesis heads are fetched
// for the nodes a page shows, in batches, and cached.
import { api } from './api.js';

/** The trial events after which a node must be read again. */
export const NODE_EVENTS = ['trial.submitted', 'trial.rejected', 'trial.started', 'trial.attempt_failed', 'trial.finished',
  'trial.cancelled', 'best.changed'];
const MAX_NUMBERS = 300;

export function nodeOf([number, parent, specialist, state, label, score, deltaVsBest]) {
  return { number, parent, specialist, state, label, score, deltaVsBest };
}

export class TreeModel {
  /** `tree`: the answer of GET /api/campaigns/{id}/tree. */
  constructor(tree) {
    this.metric = tree.metric;
    this.goal = tree.goal;
    this.bestNumber = tree.bestNumber;
    this.bestScore = tree.bestScore;
    this.baselineScore = tree.baselineScore;
    this.noiseFloor = tree.noiseFloor;
    this.keepThreshold = tree.keepThreshold;
    this.byNumber = new Map(tree.trials.map((a) => [a[0], nodeOf(a)]));
    this.sorted = null;
  }

  /** Every node in number order. */
  get trials() {
    if (!this.sorted) this.sorted = [...this.byNumber.values()].sort((a, b) => a.number - b.number);
    return this.sorted;
  }

  /** Takes the campaign's current incumbent, noise floor and threshold (from a CampaignView). */
  setCampaign(campaign) {
    Object.assign(this, { bestNumber: campaign.bestNumber, bestScore: campaign.bestScore, baselineScore: campaign.baselineScore,
      noiseFloor: campaign.noiseFloor, keepThreshold: campaign.keepThreshold });
  }

  /** Adds or replaces nodes given as arrays; returns the numbers that are new. */
  merge(arrays) {
    const added = [];
    for (const a of arrays) {
      if (!this.byNumber.has(a[0])) added.push(a[0]);
      this.byNumber.set(a[0], nodeOf(a));
    }
    this.sorted = null;
    return added;
  }

  /** The parent path from the baseline to the best, baseline first. */
  get chain() {
    const chain = [];
    const seen = new Set();
    for (let n = this.bestNumber; n !== null && n !== undefined && this.byNumber.has(n) && !seen.has(n); n = this.byNumber.get(n).parent) {
      seen.add(n);
      chain.unshift(n);
    }
    return chain;
  }
}

/**
 * Collects the trial numbers that live events name and, at most every `ms`, calls
 * onBatch(numbers, events) once with all of them (numbers may be empty when only runner or
 * campaign events came). Returns the handler to give ctx.live.
 */
export function batched(onBatch, ms = 400) {
  let numbers = new Set();
  let events = [];
  let timer = null;
  let running = false;
  const flush = async () => {
    timer = null;
    if (running) { timer = setTimeout(flush, ms); return; }
    const batch = [...numbers];
    const seen = events;
    numbers = new Set();
    events = [];
    running = true;
    try {
      await onBatch(batch, seen);
    } catch (e) {
      console.error('live update failed', e);
    } finally {
      running = false;
    }
  };
  return (event) => {
    if (NODE_EVENTS.includes(event.type) && event.data && event.data.number !== null && event.data.number !== undefined) {
      numbers.add(event.data.number);
    }
    events.push(event);
    if (!timer) timer = setTimeout(flush, ms);
  };
}

/** Fetches these nodes of the campaign's tree, in requests of at most MAX_NUMBERS. */
export async function fetchNodes(campaignId, numbers) {
  const parts = [];
  for (let i = 0; i < numbers.length; i += MAX_NUMBERS) parts.push(numbers.slice(i, i + MAX_NUMBERS));
  return (await Promise.all(parts.map((part) => api.treeNodes(campaignId, part)))).flat();
}

/**
 * Hypothesis heads of one campaign's trials, fetched in batches as pages ask for them and cached:
 * `get(number)` returns a promise of the head (or null).
 */
export class Heads {
  constructor(campaignId) {
    this.campaignId = campaignId;
    this.known = new Map();
    this.waiting = new Map();
    this.timer = null;
  }

  cached(number) {
    return this.known.get(number);
  }

  get(number) {
    if (this.known.has(number)) return Promise.resolve(this.known.get(number));
    if (!this.waiting.has(number)) {
      let resolve;
      const promise = new Promise((r) => { resolve = r; });
      this.waiting.set(number, { promise, resolve });
      if (!this.timer) this.timer = setTimeout(() => this.flush(), 30);
    }
    return this.waiting.get(number).promise;
  }

  async flush() {
    this.timer = null;
    const batch = [...this.waiting.entries()].slice(0, MAX_NUMBERS);
    batch.forEach(([n]) => this.waiting.delete(n));
    if (this.waiting.size) this.timer = setTimeout(() => this.flush(), 0);
    let heads = {};
    try {
      heads = await api.heads(this.campaignId, batch.map(([n]) => n));
    } catch (e) {
      console.error('could not load hypotheses', e);
    }
    for (const [n, { resolve }] of batch) {
      const head = heads[n] ?? null;
      this.known.set(n, head);
      resolve(head);
    }
  }
}
