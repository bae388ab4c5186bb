// A run's report: one self-contained HTML file (report.html in the run's directory) that works offline. The
// charting library (uPlot, MIT) and the data are inlined; every name from a scenario or manifest is escaped
// (text as HTML entities, data as JSON with "<" written \u003c so no tag can close the script). Charts:
// nodes and price per pool, CPU requested against allocatable, pods pending and running, pods running per
// workload with the HPA's and the autoscaler's decisions marked, and with traffic the entry points'
// latency percentiles and failures; events such as faults are drawn as markers and listed.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ScenarioError } from '../scenario/errors.js';
import { readMeta } from '../sweep/aggregate.js';
import { KEY_METRICS } from '../sweep/compare.js';

export const REPORT_FILE = 'report.html';
/** The most points a series keeps (evenly thinned beyond): the file stays small enough to attach to a CI run. */
export const MAX_POINTS = 1500;

/** Event reasons drawn as markers on the charts (and listed). */
const MARKED = new Set([
  'NodeNotReady',
  'NodeReady',
  'NodeFailure',
  'NodeRepaired',
  'TaintManagerEviction',
  'SuccessfulRescale',
  'ScaledUpGroup',
  'ScaleDownEmpty',
  'ScaleDown',
  'Launched',
  'DisruptionTerminating',
  'SpotInterruption',
  'ScalingReplicaSet',
  'CanaryAborted',
  'ProgressDeadlineExceeded',
]);

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON safe inside a <script> element. */
export function scriptJson(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

interface Chart {
  title: string;
  unit: string;
  x: number[];
  series: { label: string; values: (number | null)[] }[];
}

/** Keeps at most MAX_POINTS evenly spaced indices (the last always). */
function thin(n: number): number[] {
  if (n <= MAX_POINTS) return Array.from({ length: n }, (_, i) => i);
  const step = (n - 1) / (MAX_POINTS - 1);
  return Array.from({ length: MAX_POINTS }, (_, i) => Math.round(i * step));
}

function read(dir: string, file: string): Record<string, string>[] {
  const p = join(dir, file);
  return existsSync(p) ? (parse(readFileSync(p, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[]) : [];
}

/** One chart from rows keyed (time, series label) -> value. */
function chart(title: string, unit: string, points: Map<number, Map<string, number>>, labels: string[]): Chart {
  const times = [...points.keys()].sort((a, b) => a - b);
  const keep = thin(times.length);
  const x = keep.map((i) => times[i]!);
  return {
    title,
    unit,
    x,
    series: labels.map((label) => ({ label, values: x.map((t) => points.get(t)?.get(label) ?? null) })),
  };
}

function add(points: Map<number, Map<string, number>>, t: number, label: string, v: number): void {
  let m = points.get(t);
  if (!m) points.set(t, (m = new Map()));
  m.set(label, (m.get(label) ?? 0) + v);
}

/** The charts of a run directory. */
export function runCharts(dir: string): Chart[] {
  const ts = read(dir, 'timeseries.csv');
  const charts: Chart[] = [];
  const byMetric = (metric: string, labelOf: (r: Record<string, string>) => string | null) => {
    const points = new Map<number, Map<string, number>>();
    const labels: string[] = [];
    for (const r of ts) {
      if (r.metric !== metric) continue;
      const label = labelOf(r);
      if (label === null) continue;
      if (!labels.includes(label)) labels.push(label);
      add(points, Number(r.time_s), label, Number(r.value));
    }
    return { points, labels };
  };
  const nodes = byMetric('nodes', (r) => r.node_pool!);
  charts.push(chart('Nodes per pool', 'nodes', nodes.points, nodes.labels));
  const price = byMetric('cost_per_hour', (r) => r.node_pool!);
  if (price.labels.length) charts.push(chart('Price per hour per pool', 'per hour', price.points, price.labels));
  const cpu = new Map<number, Map<string, number>>();
  for (const r of ts) {
    if (r.metric === 'cpu_requested_millicores') add(cpu, Number(r.time_s), 'requested', Number(r.value) / 1000);
    if (r.metric === 'cpu_allocatable_millicores') add(cpu, Number(r.time_s), 'allocatable', Number(r.value) / 1000);
  }
  charts.push(chart('CPU requested and allocatable', 'cores', cpu, ['requested', 'allocatable']));
  // Utilisation by pool and zone: CPU requested over allocatable, in percent.
  const requested = new Map<string, number>();
  const util = new Map<number, Map<string, number>>();
  const zones: string[] = [];
  for (const r of ts) {
    const label = `${r.node_pool} ${r.zone}`;
    if (r.metric === 'cpu_requested_millicores') requested.set(`${r.time_s} ${label}`, Number(r.value));
    if (r.metric !== 'cpu_allocatable_millicores') continue;
    const alloc = Number(r.value);
    if (!zones.includes(label)) zones.push(label);
    if (alloc > 0) add(util, Number(r.time_s), label, (100 * (requested.get(`${r.time_s} ${label}`) ?? 0)) / alloc);
  }
  if (zones.length) charts.push(chart('CPU utilisation by pool and zone', '% requested', util, zones.slice(0, 20)));
  const pods = byMetric('pods_pending', () => 'pending');
  for (const r of ts) if (r.metric === 'pods_running' && r.workload === '') add(pods.points, Number(r.time_s), 'running', Number(r.value));
  charts.push(chart('Pods pending and running', 'pods', pods.points, ['pending', 'running']));
  const wl = byMetric('pods_running', (r) => (r.workload ? r.workload : null));
  if (wl.labels.length) charts.push(chart('Pods running per workload', 'pods', wl.points, wl.labels.slice(0, 20)));
  const req = read(dir, 'requests.csv').filter((r) => r.scope === 'entry');
  if (req.length) {
    const lat = new Map<number, Map<string, number>>();
    const fail = new Map<number, Map<string, number>>();
    const latLabels: string[] = [];
    const failLabels: string[] = [];
    for (const r of req) {
      const t = Number(r.time_s);
      for (const q of ['p50', 'p99']) {
        const v = r[`latency_${q}_ms`];
        if (v === '' || v === undefined) continue;
        const label = `${r.service} ${q}`;
        if (!latLabels.includes(label)) latLabels.push(label);
        add(lat, t, label, Number(v));
      }
      const label = `${r.service} failed`;
      if (!failLabels.includes(label)) failLabels.push(label);
      add(fail, t, label, Number(r.errors) + Number(r.dropped) + Number(r.timed_out));
    }
    charts.push(chart('Latency at the entry points', 'ms', lat, latLabels));
    charts.push(chart('Failed requests per interval', 'requests', fail, failLabels));
  }
  return charts;
}

/** The report of the run in `dir` as HTML text. */
export function runReport(dir: string): string {
  if (!existsSync(join(dir, 'summary.csv')) || !existsSync(join(dir, 'timeseries.csv')))
    throw new ScenarioError(
      dir,
      0,
      0,
      '',
      'holds no run results (no summary.csv and timeseries.csv)',
      'give the --out directory of a kubesim run',
    );
  const summary = read(dir, 'summary.csv')[0] ?? {};
  const events = read(dir, 'events.csv').filter((e) => MARKED.has(e.reason!));
  const charts = runCharts(dir);
  const marks = events.slice(0, 500).map((e) => ({ t: Number(e.time_s), reason: e.reason! }));
  const key = [
    'duration_s',
    'nodes',
    'pods_created',
    'pods_pending_end',
    'availability_min',
    'requests',
    'request_error_ratio',
    'latency_p99_ms',
    'hpa_rescales',
    'autoscaler_nodes_added',
    'autoscaler_nodes_removed',
    'node_hours',
    'cost',
  ].filter((k) => summary[k] !== undefined && summary[k] !== '');
  const title = `kubesim: ${summary.scenario ?? 'run'} (seed ${summary.seed ?? '?'})`;
  const rows = key.map((k) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(summary[k]!)}</td></tr>`).join('');
  const list = events
    .slice(0, 200)
    .map(
      (e) =>
        `<tr><td>${escapeHtml(e.time_s!)}</td><td>${escapeHtml(e.reason!)}</td><td>${escapeHtml(e.object!)}</td><td>${escapeHtml(e.message!)}</td></tr>`,
    )
    .join('');
  return page(
    title,
    `<table>${rows}</table>`,
    { charts, marks, cells: null },
    `<h2>Events (faults, rescales, scale-ups and scale-downs, rollouts)</h2>
<table><tr><th>time_s</th><th>reason</th><th>object</th><th>message</th></tr>${list}</table>`,
  );
}

/** The HTML page: a title, HTML before and after the charts, and the charts' data (escaped) with uPlot inlined. */
function page(
  title: string,
  before: string,
  data: { charts: Chart[]; marks: { t: number; reason: string }[]; cells: string[] | null },
  after: string,
): string {
  const require = createRequire(import.meta.url);
  const uplotJs = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
  const uplotCss = readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>${uplotCss}
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}h1{font-size:1.3em}h2{font-size:1.05em;margin:1.2em 0 .3em}
table{border-collapse:collapse;font-size:.85em}td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left}
.chart{margin-bottom:1em}.best{background:#e6f4e6}</style></head>
<body data-charts-drawn="0" data-errors="">
<h1>${escapeHtml(title)}</h1>
${before}
<div id="charts"></div>
${after}
<script type="application/json" id="data">${scriptJson(data)}</script>
<script>${uplotJs}</script>
<script>
window.onerror = function (m) { document.body.dataset.errors += String(m) + ';'; };
(function () {
  var d = JSON.parse(document.getElementById('data').textContent);
  var colors = ['#1f77b4','#ff7f0e','#2ca02c','#d62728','#9467bd','#8c564b','#e377c2','#7f7f7f','#bcbd22','#17becf'];
  var drawn = 0;
  d.charts.forEach(function (c) {
    if (c.x.length === 0) return;
    var box = document.createElement('div'); box.className = 'chart';
    var h = document.createElement('h2'); h.textContent = c.unit ? c.title + ' (' + c.unit + ')' : c.title; box.appendChild(h);
    document.getElementById('charts').appendChild(box);
    var marks = { hooks: { draw: [function (u) {
      var ctx = u.ctx; ctx.save(); ctx.strokeStyle = 'rgba(200,0,0,.35)'; ctx.lineWidth = 1;
      d.marks.forEach(function (m) {
        var x = u.valToPos(m.t, 'x', true);
        if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
        ctx.beginPath(); ctx.moveTo(x, u.bbox.top); ctx.lineTo(x, u.bbox.top + u.bbox.height); ctx.stroke();
      });
      ctx.restore();
    }] } };
    var cells = d.cells;
    var xAxis = cells
      ? { label: 'cell', values: function (u, vals) { return vals.map(function (v) { return Number.isInteger(v) && cells[v] !== undefined ? cells[v] : ''; }); } }
      : { label: 'virtual time, s' };
    var series = [{ label: cells ? 'cell' : 'time_s' }].concat(c.series.map(function (s, i) {
      var line = { label: s.label, stroke: colors[(cells ? (i === 0 ? 0 : 3) : i) % colors.length], spanGaps: true };
      if (cells) { line.points = { show: true, size: i === 0 ? 9 : 6 }; line.paths = function () { return null; }; }
      return line;
    }));
    var opts = { width: Math.min(1100, window.innerWidth - 60), height: 240, scales: { x: { time: false } }, plugins: [marks],
      axes: [xAxis, { label: c.unit }], series: series };
    new uPlot(opts, [c.x].concat(c.series.map(function (s) { return s.values; })), box);
    drawn++;
  });
  document.body.dataset.chartsDrawn = String(drawn);
})();
</script>
</body></html>
`;
}

/** The report of the sweep in `dir`: each key figure per cell, its mean with the 95 % interval, and the objective's best cell. */
export function sweepReport(dir: string): string {
  const meta = readMeta(dir);
  if (!meta || !existsSync(join(dir, 'summary.csv')))
    throw new ScenarioError(dir, 0, 0, '', 'holds no sweep results (no sweep.json and summary.csv)');
  const rows = read(dir, 'summary.csv');
  const objective = read(dir, 'objective.csv');
  const best = objective.find((r) => r.choice === 'best')?.cell ?? null;
  const metrics = [...new Set([...(meta.objective ? [meta.objective.minimize] : []), ...KEY_METRICS])].filter((m) =>
    rows.some((r) => r[`${m}_mean`] !== undefined && r[`${m}_mean`] !== ''),
  );
  const num = (x: string | undefined) => (x === undefined || x === '' ? null : Number(x));
  const cells = meta.cells.map((c) => c.id);
  const charts: Chart[] = metrics.map((m) => {
    const byCell = meta.cells.map((c) => rows.find((r) => r.cell === c.id));
    return {
      title: `${m}: mean and 95% interval per cell`,
      unit: '',
      x: cells.map((_c, i) => i),
      series: [
        { label: 'mean', values: byCell.map((r) => num(r?.[`${m}_mean`])) },
        { label: 'ci95_low', values: byCell.map((r) => num(r?.[`${m}_ci95_low`])) },
        { label: 'ci95_high', values: byCell.map((r) => num(r?.[`${m}_ci95_high`])) },
      ],
    };
  });
  const table = meta.cells
    .map(
      (c) =>
        `<tr${c.id === best ? ' class="best"' : ''}><td>${escapeHtml(c.id)}</td><td>${escapeHtml(c.label)}</td><td>${c.id === best ? 'best' : ''}</td></tr>`,
    )
    .join('');
  const objectiveText = meta.objective
    ? `<p>Objective: minimize ${escapeHtml(meta.objective.minimize)}${meta.objective.constraints.map((c) => `; ${escapeHtml(c.text)}`).join('')} (95% confidence). ${
        best ? `Best cell: <strong>${escapeHtml(best)}</strong>.` : 'No cell meets every constraint.'
      }</p>`
    : '';
  const title = `kubesim sweep: ${basename(meta.scenario).replace(/\.ya?ml$/, '')} (${meta.cells.length} cells x ${meta.seeds.length} seeds)`;
  return page(
    title,
    `${objectiveText}<table><tr><th>cell</th><th>parameters</th><th></th></tr>${table}</table>`,
    { charts, marks: [], cells },
    '',
  );
}

/** Writes report.html into the run or sweep directory (whole, then renamed); returns its path. */
export function writeRunReport(dir: string): string {
  const html = existsSync(join(dir, 'sweep.json')) ? sweepReport(dir) : runReport(dir);
  const p = join(dir, REPORT_FILE);
  writeFileSync(`${p}.tmp`, html);
  renameSync(`${p}.tmp`, p);
  return p;
}
