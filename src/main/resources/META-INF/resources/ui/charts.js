// The dashboard's charts (ECharts, canvas): score against trial number, and outcomes over time. Each
// is mounted once and updated in place as live events arrive, so zoom and legend choices survive.
// Labels and specialist names are drawn on the canvas as text; tooltips are built as DOM nodes with
// h(), never as HTML strings, because hypotheses and names are agent-written.
import { h } from './dom.js';
import { colour, GROUPS, groupOf } from './labels.js';
import { delta, score } from './format.js';
import { echarts } from './vendor.js';

const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

function theme() {
  return { text: css('--text'), muted: css('--muted'), line: css('--line'), bg: css('--panel'), accent: css('--accent') };
}

/** Mounts a chart in `element`, resizing with it; returns {chart, lib, dispose}. */
async function mountChart(element) {
  const lib = await echarts();
  const chart = lib.init(element, null, { renderer: 'canvas' });
  const observer = new ResizeObserver(() => chart.resize());
  observer.observe(element);
  return { chart, lib, dispose: () => { observer.disconnect(); chart.dispose(); } };
}

function tooltipFor(node, hypothesis) {
  return h('div', { class: 'tip' },
    h('div', null, h('strong', null, `#${node.number}`), ' ', node.label || node.state, ' · ', node.specialist),
    node.score !== null ? h('div', null, `score ${score(node.score)}`, node.deltaVsBest !== null ? `  (Δ ${delta(node.deltaVsBest)})` : '') : null,
    hypothesis === undefined ? h('div', { class: 'tip-hyp muted' }, '…') : hypothesis ? h('div', { class: 'tip-hyp' }, hypothesis) : null);
}

/**
 * The running best (best kept score so far, in trial-number order), with the noise band of one noise
 * floor either side and the keep threshold a trial must clear to become the next best.
 */
function runningBest(tree, nodes) {
  const maximize = tree.goal !== 'MINIMIZE';
  let best = null;
  const steps = [];
  for (const node of nodes) {
    if ((node.label === 'KEEP' || node.label === 'BASELINE') && node.score !== null) {
      if (best === null || (maximize ? node.score > best : node.score < best)) best = node.score;
    }
    if (best !== null) steps.push([node.number, best]);
  }
  return steps;
}

/**
 * Score vs trial number. Scored trials are points coloured by label (one series per label, so the
 * legend toggles them); trials without a score sit in a strip underneath. Clicking a point calls
 * onSelect(number); hovering one shows its hypothesis, fetched through `heads` (tree-model.js).
 * Returns {update(model), dispose}; update redraws the points and lines and keeps the zoom.
 */
export async function scoreChart(element, model, { onSelect, heads }) {
  const { chart, dispose } = await mountChart(element);
  const t = theme();
  let byNumber = new Map();
  chart.setOption({
    animation: false,
    textStyle: { color: t.text, fontFamily: 'inherit' },
    grid: [{ left: 64, right: 56, top: 36, bottom: 124 }, { left: 64, right: 56, height: 22, bottom: 86 }],
    legend: { top: 0, left: 60, textStyle: { color: t.muted }, itemWidth: 10, itemHeight: 10 },
    tooltip: { trigger: 'item', confine: true, backgroundColor: t.bg, borderColor: t.line, textStyle: { color: t.text },
      formatter: (p, ticket, callback) => {
        if (p.seriesType !== 'scatter') return h('div', null, `${p.seriesName}: ${score(p.value[1])}`);
        const node = byNumber.get(p.value[0]);
        if (!node) return null;
        const known = heads.cached(node.number);
        if (known !== undefined) return tooltipFor(node, known);
        heads.get(node.number).then((head) => callback(ticket, tooltipFor(node, head)));
        return tooltipFor(node, undefined);
      } },
    xAxis: [
      { type: 'value', min: 0, minInterval: 1, gridIndex: 0, axisLabel: { show: false }, splitLine: { lineStyle: { color: t.line } }, axisLine: { lineStyle: { color: t.line } } },
      { type: 'value', min: 0, minInterval: 1, gridIndex: 1, name: 'trial number', nameLocation: 'middle', nameGap: 26,
        nameTextStyle: { color: t.muted }, axisLabel: { color: t.muted, formatter: (v) => (Number.isInteger(v) ? String(v) : '') }, splitLine: { show: false }, axisLine: { lineStyle: { color: t.line } } },
    ],
    yAxis: [
      { type: 'value', scale: true, gridIndex: 0, name: model.metric, nameTextStyle: { color: t.muted, align: 'right' },
        axisLabel: { color: t.muted, formatter: (v) => score(v, 3) }, splitLine: { lineStyle: { color: t.line } } },
      { type: 'category', gridIndex: 1, data: ['no score'], axisLabel: { color: t.muted, fontSize: 11 }, axisTick: { show: false }, axisLine: { show: false } },
    ],
    dataZoom: [
      { type: 'inside', xAxisIndex: [0, 1], filterMode: 'none' },
      { type: 'slider', xAxisIndex: [0, 1], bottom: 10, height: 18, showDetail: false, filterMode: 'none', borderColor: t.line, textStyle: { color: t.muted } },
      { type: 'slider', yAxisIndex: 0, right: 8, width: 16, filterMode: 'none', borderColor: t.line, textStyle: { color: t.muted }, showDetail: false },
    ],
  });
  chart.on('click', (p) => {
    if (p.seriesType === 'scatter' && Array.isArray(p.value)) onSelect(p.value[0]);
  });

  function update(current) {
    const nodes = current.trials;
    byNumber = current.byNumber;
    const scored = new Map();
    const unscored = new Map();
    for (const node of nodes) {
      const key = node.label || node.state;
      const hasScore = node.score !== null && node.score !== undefined;
      const target = hasScore ? scored : unscored;
      if (!target.has(key)) target.set(key, []);
      target.get(key).push(hasScore ? [node.number, node.score] : [node.number, 'no score']);
    }
    const large = nodes.length > 2000;
    const steps = runningBest(current, nodes);
    const noise = current.noiseFloor ?? 0;
    const sign = current.goal === 'MINIMIZE' ? -1 : 1;
    const threshold = current.keepThreshold ?? 0;
    const lastX = nodes.length ? nodes[nodes.length - 1].number : 0;
    if (steps.length) steps.push([lastX + 0.5, steps[steps.length - 1][1]]);
    const pointSeries = (map, axis) => [...map.entries()].map(([key, data]) => ({
      name: key, type: 'scatter', data, xAxisIndex: axis, yAxisIndex: axis, large, largeThreshold: 2000,
      symbolSize: axis === 1 ? 7 : (key === 'KEEP' || key === 'BASELINE' ? 9 : 6),
      symbol: axis === 1 ? 'rect' : 'circle',
      itemStyle: { color: colour(key.match(/^(QUEUED|RUNNING|CANCELLED)$/) ? null : key, key), opacity: key === 'DISCARD' ? 0.7 : 0.95 },
      emphasis: { scale: 1.6 }, z: key === 'KEEP' ? 5 : 3,
    }));
    const labelsPresent = [...new Set([...scored.keys(), ...unscored.keys()])];
    const max = Math.max(lastX + 0.5, 1);
    chart.setOption({
      legend: { data: [...labelsPresent, 'running best', 'keep threshold', 'noise band'] },
      xAxis: [{ max }, { max }],
      yAxis: [{ name: current.metric }],
      series: [
        ...pointSeries(scored, 0),
        ...pointSeries(unscored, 1),
        { name: 'running best', type: 'line', step: 'end', data: steps, symbol: 'none', lineStyle: { color: colour('KEEP'), width: 2 }, itemStyle: { color: colour('KEEP') }, z: 4 },
        // One rectangle per stretch of the same best: the incumbent ± one noise floor.
        { name: 'noise band', type: 'line', data: [], symbol: 'none', itemStyle: { color: css('--band-legend') }, silent: true,
          markArea: noise ? { silent: true, itemStyle: { color: css('--band') },
            data: steps.slice(0, -1).map(([x, y], i) => [{ xAxis: x, yAxis: y - noise }, { xAxis: steps[i + 1][0], yAxis: y + noise }]) } : undefined },
        { name: 'keep threshold', type: 'line', step: 'end', data: steps.map(([x, y]) => [x, y + sign * threshold]), symbol: 'none',
          lineStyle: { color: colour('KEEP'), type: 'dashed', width: 1, opacity: 0.8 }, itemStyle: { color: colour('KEEP') }, z: 4,
          markLine: current.baselineScore !== null ? { silent: true, symbol: 'none', label: { formatter: 'baseline', color: t.muted, position: 'insideStartTop' },
            lineStyle: { color: t.muted, type: 'dotted' }, data: [{ yAxis: current.baselineScore }] } : undefined },
      ],
    }, { replaceMerge: ['series'] });
  }

  update(model);
  return { update, dispose };
}

/** Outcomes per block of consecutive trial numbers, stacked by label group; returns {update(model), dispose}. */
export async function outcomesOverTime(element, model) {
  const { chart, dispose } = await mountChart(element);
  const t = theme();
  const groups = GROUPS.filter((g) => g.key !== 'baseline');
  chart.setOption({
    animation: false,
    textStyle: { color: t.text, fontFamily: 'inherit' },
    grid: { left: 40, right: 16, top: 34, bottom: 40 },
    legend: { top: 0, textStyle: { color: t.muted }, itemWidth: 10, itemHeight: 10 },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, backgroundColor: t.bg, borderColor: t.line, textStyle: { color: t.text },
      formatter: (items) => h('div', null, h('strong', null, `trials ${items[0].axisValue}`),
        ...items.filter((i) => i.value).map((i) => h('div', null, `${i.seriesName}: ${i.value}`))) },
    xAxis: { type: 'category', axisLabel: { color: t.muted }, axisLine: { lineStyle: { color: t.line } },
      name: 'trial number', nameLocation: 'middle', nameGap: 26, nameTextStyle: { color: t.muted } },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { color: t.muted }, splitLine: { lineStyle: { color: t.line } } },
  });

  function update(current) {
    const finished = current.trials.filter((n) => n.label);
    const last = finished.length ? finished[finished.length - 1].number : 0;
    const raw = Math.max(1, Math.ceil((last + 1) / 30));
    const nice = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000];
    const size = nice.find((n) => n >= raw) ?? raw;
    const buckets = Math.floor(last / size) + 1;
    const counts = Object.fromEntries(groups.map((g) => [g.key, new Array(buckets).fill(0)]));
    for (const node of finished) {
      const group = groupOf(node.label);
      if (counts[group.key]) counts[group.key][Math.floor(node.number / size)]++;
    }
    const categories = Array.from({ length: buckets }, (_, i) => size === 1 ? `${i}` : `${i * size}–${i * size + size - 1}`);
    chart.setOption({
      xAxis: { data: categories },
      series: groups.filter((g) => counts[g.key].some((c) => c)).map((g) => ({
        name: g.title, type: 'bar', stack: 'outcomes', data: counts[g.key], barMaxWidth: 28,
        itemStyle: { color: colour(g.labels[0]) },
      })),
    }, { replaceMerge: ['series'] });
  }

  update(model);
  return { update, dispose };
}
