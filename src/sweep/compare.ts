// The compact table of a sweep that a person reads on a terminal: per cell, the key figures' means with their
// 95 % intervals, and with a baseline each cell's paired difference against it, marked * where its interval
// excludes zero (the difference is not one lucky seed). Read from the sweep's summary.csv and differences.csv,
// so `kubesim compare DIR` prints it again for any finished sweep.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ScenarioError } from '../scenario/errors.js';
import { tidy } from '../metrics/stats.js';
import { readMeta } from './aggregate.js';

/** The figures shown, in order, where the runs have them. */
export const KEY_METRICS = [
  'availability_min',
  'pods_pending_mean',
  'scheduling_latency_p99_s',
  'cpu_requested_ratio_mean',
  'latency_p99_ms',
  'request_error_ratio',
  'node_hours',
  'cost',
];

/** "0.123", to 3 significant digits. */
function short(x: number): string {
  if (!Number.isFinite(x)) return '-';
  return String(Number(x.toPrecision(3)));
}

/** A value with its interval: "12.3 [11.9, 12.7]" (the interval left out when it is a point). */
export function withInterval(mean: number, low: number, high: number): string {
  if (!Number.isFinite(mean)) return '-';
  if (!Number.isFinite(low) || !Number.isFinite(high) || (low === mean && high === mean)) return short(mean);
  return `${short(mean)} [${short(low)}, ${short(high)}]`;
}

/** Whether an interval excludes zero. */
export function excludesZero(low: number, high: number): boolean {
  return Number.isFinite(low) && Number.isFinite(high) && (low > 0 || high < 0);
}

/** A figure with its 95 % interval (NaN where absent). */
export interface Interval {
  mean: number;
  low: number;
  high: number;
}

/** One cell of the comparison: its figures, and with a baseline its paired differences against it. */
export interface CompareRow {
  cell: string;
  label: string;
  values: Interval[];
  /** Null for the baseline cell itself and for sweeps without a baseline; NaN where the difference is absent. */
  differences: Interval[] | null;
}

export interface Comparison {
  metrics: string[];
  baseline: string | null;
  seeds: number;
  rows: CompareRow[];
}

/** The comparison of the sweep in `dir`: the key figures per cell and their paired differences; metrics no cell has are left out. */
export function comparison(dir: string, metrics: readonly string[] = KEY_METRICS): Comparison {
  const meta = readMeta(dir);
  const summaryPath = join(dir, 'summary.csv');
  if (!meta || !existsSync(summaryPath))
    throw new ScenarioError(
      dir,
      0,
      0,
      '',
      'holds no sweep results (no sweep.json and summary.csv)',
      'give the --out directory of a kubesim sweep or merge',
    );
  const rows = parse(readFileSync(summaryPath, 'utf8'), { columns: true }) as Record<string, string>[];
  const shown = metrics.filter((m) => rows.some((r) => r[`${m}_mean`] !== undefined && r[`${m}_mean`] !== ''));
  const diffPath = join(dir, 'differences.csv');
  const diffs =
    meta.baseline && existsSync(diffPath) ? (parse(readFileSync(diffPath, 'utf8'), { columns: true }) as Record<string, string>[]) : [];
  const num = (x: string | undefined) => (x === undefined || x === '' ? NaN : Number(x));
  const out: CompareRow[] = [];
  for (const c of meta.cells) {
    const r = rows.find((x) => x.cell === c.id);
    if (!r) continue;
    const values = shown.map((m) => ({ mean: num(r[`${m}_mean`]), low: num(r[`${m}_ci95_low`]), high: num(r[`${m}_ci95_high`]) }));
    const differences =
      !meta.baseline || c.id === meta.baseline
        ? null
        : shown.map((m) => {
            const d = diffs.find((x) => x.cell === c.id && x.metric === m);
            return d ? { mean: num(d.mean_difference), low: num(d.ci95_low), high: num(d.ci95_high) } : { mean: NaN, low: NaN, high: NaN };
          });
    out.push({ cell: c.id, label: c.label, values, differences });
  }
  return { metrics: shown, baseline: meta.baseline ?? null, seeds: meta.seeds.length, rows: out };
}

/** A paired difference as text: "+1.2 [0.3, 2.1] *" (* where its interval excludes zero), "-" where absent. */
export function differenceText(d: Interval): string {
  if (!Number.isFinite(d.mean)) return '-';
  const sign = d.mean > 0 ? '+' : '';
  return `${sign}${withInterval(d.mean, d.low, d.high)}${excludesZero(d.low, d.high) ? ' *' : ''}`;
}

/** The table for the sweep in `dir`; metrics that no cell has are left out. */
export function compareTable(dir: string, metrics: readonly string[] = KEY_METRICS): string {
  const c = comparison(dir, metrics);
  const head = ['cell', ...c.metrics];
  const body: string[][] = [];
  for (const r of c.rows) {
    body.push([`${r.cell} ${r.label}`, ...r.values.map((v) => withInterval(v.mean, v.low, v.high))]);
    if (r.differences) body.push([`  vs ${c.baseline}`, ...r.differences.map(differenceText)]);
  }
  const w = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((x, i) => (i === 0 ? x.padEnd(w[i]!) : x.padStart(w[i]!))).join('  ');
  const note = c.baseline ? `\n  vs ${c.baseline}: mean paired difference [95% interval]; * where the interval excludes 0` : '';
  return `${line(head)}\n${body.map(line).join('\n')}${note}\n  (${tidy(c.seeds)} seed${c.seeds === 1 ? '' : 's'} per cell; mean [95% interval])\n`;
}
