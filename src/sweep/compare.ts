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

/** The table for the sweep in `dir`; metrics that no cell has are left out. */
export function compareTable(dir: string, metrics: readonly string[] = KEY_METRICS): string {
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
  const head = ['cell', ...shown];
  const body: string[][] = [];
  for (const c of meta.cells) {
    const r = rows.find((x) => x.cell === c.id);
    if (!r) continue;
    body.push([
      `${c.id} ${c.label}`,
      ...shown.map((m) => withInterval(num(r[`${m}_mean`]), num(r[`${m}_ci95_low`]), num(r[`${m}_ci95_high`]))),
    ]);
    if (!meta.baseline || c.id === meta.baseline) continue;
    body.push([
      `  vs ${meta.baseline}`,
      ...shown.map((m) => {
        const d = diffs.find((x) => x.cell === c.id && x.metric === m);
        if (!d) return '-';
        const low = num(d.ci95_low);
        const high = num(d.ci95_high);
        const mean = num(d.mean_difference);
        const sign = mean > 0 ? '+' : '';
        return `${sign}${withInterval(mean, low, high)}${excludesZero(low, high) ? ' *' : ''}`;
      }),
    ]);
  }
  const w = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((x, i) => (i === 0 ? x.padEnd(w[i]!) : x.padStart(w[i]!))).join('  ');
  const note = meta.baseline ? `\n  vs ${meta.baseline}: mean paired difference [95% interval]; * where the interval excludes 0` : '';
  return `${line(head)}\n${body.map(line).join('\n')}${note}\n  (${tidy(meta.seeds.length)} seed${meta.seeds.length === 1 ? '' : 's'} per cell; mean [95% interval])\n`;
}
