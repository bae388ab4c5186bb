// A run's report: one self-contained HTML file (report.html in the run's directory) that works offline. The
// charting library (uPlot, MIT) and the data are inlined; every name from a scenario or manifest is escaped
// (text as HTML entities, data as JSON with "<" written \u003c so no tag can close the script). Charts:
// nodes and price per pool, CPU requested against allocatable, pods pending and running, pods running per
// workload with the HPA's and the autoscaler's decisions marked, and with traffic the entry points'
// latency percentiles and failures; events such as faults are drawn as markers and listed.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ScenarioError } from '../scenario/errors.js';
import { readMeta } from '../sweep/aggregate.js';
import { comparison, differenceText, excludesZero, KEY_METRICS, withInterval } from '../sweep/compare.js';
import { markOf, marksOf, type MarkKind } from './marks.js';
import { escapeHtml, page, type Chart } from './page.js';

export { escapeHtml, scriptJson } from './page.js';

export const REPORT_FILE = 'report.html';
/** The most points a series keeps (evenly thinned beyond): the file stays small enough to attach to a CI run. */
export const MAX_POINTS = 1500;

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

/** Marks drawn on charts of nodes and resources, of pods, and of requests. */
const NODE_MARKS: MarkKind[] = ['fault', 'recovery', 'autoscaler'];
const WORKLOAD_MARKS: MarkKind[] = ['fault', 'hpa', 'rollout'];
const ALL_MARKS: MarkKind[] = ['fault', 'recovery', 'hpa', 'autoscaler', 'rollout'];

/** One chart from rows keyed (time, series label) -> value. */
function chart(title: string, unit: string, points: Map<number, Map<string, number>>, labels: string[], marks: MarkKind[]): Chart {
  const times = [...points.keys()].sort((a, b) => a - b);
  const keep = thin(times.length);
  const x = keep.map((i) => times[i]!);
  return {
    title,
    unit,
    x,
    series: labels.map((label) => ({ label, values: x.map((t) => points.get(t)?.get(label) ?? null) })),
    marks,
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
  charts.push(chart('Nodes per pool', 'nodes', nodes.points, nodes.labels, NODE_MARKS));
  const price = byMetric('cost_per_hour', (r) => r.node_pool!);
  if (price.labels.length) charts.push(chart('Price per hour per pool', 'per hour', price.points, price.labels, NODE_MARKS));
  const cpu = new Map<number, Map<string, number>>();
  for (const r of ts) {
    if (r.metric === 'cpu_requested_millicores') add(cpu, Number(r.time_s), 'requested', Number(r.value) / 1000);
    if (r.metric === 'cpu_allocatable_millicores') add(cpu, Number(r.time_s), 'allocatable', Number(r.value) / 1000);
  }
  charts.push(chart('CPU requested and allocatable', 'cores', cpu, ['requested', 'allocatable'], NODE_MARKS));
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
  if (zones.length) charts.push(chart('CPU utilisation by pool and zone', '% requested', util, zones.slice(0, 20), NODE_MARKS));
  const pods = byMetric('pods_pending', () => 'pending');
  for (const r of ts) if (r.metric === 'pods_running' && r.workload === '') add(pods.points, Number(r.time_s), 'running', Number(r.value));
  charts.push(chart('Pods pending and running', 'pods', pods.points, ['pending', 'running'], ALL_MARKS));
  const wl = byMetric('pods_running', (r) => (r.workload ? r.workload : null));
  if (wl.labels.length) charts.push(chart('Pods running per workload', 'pods', wl.points, wl.labels.slice(0, 20), WORKLOAD_MARKS));
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
    charts.push(chart('Latency at the entry points', 'ms', lat, latLabels, ALL_MARKS));
    charts.push(chart('Failed requests per interval', 'requests', fail, failLabels, ALL_MARKS));
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
  const events = read(dir, 'events.csv').filter((e) => markOf(e) !== null);
  const charts = runCharts(dir);
  const marks = marksOf(events, read(dir, 'rollouts.csv'));
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
  const more = events.length > 200 ? `<p>The first 200 of ${events.length}; all are in events.csv.</p>` : '';
  return page(
    title,
    `<table>${rows}</table>`,
    { charts, marks, cells: null },
    `<h2>Events (faults and recoveries, HPA decisions, node autoscaling, rollout steps)</h2>
<table><tr><th>time_s</th><th>reason</th><th>object</th><th>message</th></tr>${list}</table>${more}`,
  );
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
  const meanCharts: Chart[] = metrics.map((m) => {
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
      marks: [],
    };
  });
  const cmp = comparison(dir, metrics);
  // Each figure's chart, then its paired differences against the baseline per cell (the baseline itself at
  // 0), with their intervals.
  const charts: Chart[] = [];
  for (const [k, m] of cmp.metrics.entries()) {
    charts.push(meanCharts[metrics.indexOf(m)]!);
    if (cmp.baseline) {
      const d = meta.cells.map((c) => {
        if (c.id === cmp.baseline) return { mean: 0, low: 0, high: 0 };
        return cmp.rows.find((r) => r.cell === c.id)?.differences?.[k] ?? { mean: NaN, low: NaN, high: NaN };
      });
      const val = (x: number) => (Number.isFinite(x) ? x : null);
      charts.push({
        title: `${m}: paired difference against ${cmp.baseline}, 95% interval`,
        unit: '',
        x: cells.map((_c, i) => i),
        series: [
          { label: 'mean difference', values: d.map((x) => val(x.mean)) },
          { label: 'ci95_low', values: d.map((x) => val(x.low)) },
          { label: 'ci95_high', values: d.map((x) => val(x.high)) },
        ],
        marks: [],
      });
    }
  }
  const td = (text: string, cls = 'num') => `<td class="${cls}">${escapeHtml(text)}</td>`;
  const table = cmp.rows
    .map((r) => {
      const isBest = r.cell === best;
      const main = `<tr${isBest ? ' class="best"' : ''}><td>${escapeHtml(r.cell)}</td><td>${escapeHtml(r.label)}</td><td>${
        isBest ? 'best' : r.cell === cmp.baseline ? 'baseline' : ''
      }</td>${r.values.map((v) => td(withInterval(v.mean, v.low, v.high))).join('')}</tr>`;
      if (!r.differences) return main;
      const diff = r.differences.map((d) => td(differenceText(d), excludesZero(d.low, d.high) ? 'num sig' : 'num')).join('');
      return `${main}<tr><td></td><td>vs ${escapeHtml(cmp.baseline!)}</td><td></td>${diff}</tr>`;
    })
    .join('');
  const head = `<tr><th>cell</th><th>parameters</th><th></th>${cmp.metrics.map((m) => `<th>${escapeHtml(m)}</th>`).join('')}</tr>`;
  const legend = `<p>Mean [95% interval] over ${cmp.seeds} seed${cmp.seeds === 1 ? '' : 's'} per cell${
    cmp.baseline
      ? `; "vs ${escapeHtml(cmp.baseline)}": the mean paired difference against the baseline cell over the same seeds, in bold with * where its interval excludes 0`
      : ''
  }.</p>`;
  const objectiveText = meta.objective
    ? `<p>Objective: minimize ${escapeHtml(meta.objective.minimize)}${meta.objective.constraints.map((c) => `; ${escapeHtml(c.text)}`).join('')} (95% confidence). ${
        best ? `Best cell: <strong>${escapeHtml(best)}</strong>.` : 'No cell meets every constraint.'
      }</p>`
    : '';
  const title = `kubesim sweep: ${basename(meta.scenario).replace(/\.ya?ml$/, '')} (${meta.cells.length} cells x ${meta.seeds.length} seeds)`;
  return page(title, `${objectiveText}<table>${head}${table}</table>${legend}`, { charts, marks: [], cells }, '');
}

/** Writes report.html into the run or sweep directory (whole, then renamed); returns its path. */
export function writeRunReport(dir: string): string {
  const html = existsSync(join(dir, 'sweep.json')) ? sweepReport(dir) : runReport(dir);
  const p = join(dir, REPORT_FILE);
  writeFileSync(`${p}.tmp`, html);
  renameSync(`${p}.tmp`, p);
  return p;
}
