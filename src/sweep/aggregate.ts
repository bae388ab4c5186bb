// A sweep's combined outputs, computed only from its run directories and sweep.json, so that a
// sweep run in one go and the same sweep merged from shards write the same bytes.
import { ScenarioError } from '../scenario/errors.js';
import { closeSync, existsSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { csvText } from '../metrics/csv.js';
import { tidy } from '../metrics/stats.js';
import { bootstrapStream, meanInterval } from './stats.js';
import { SWEEP_FORMAT, type SweepPlan } from './plan.js';
import { valueText } from './grid.js';
import { chooseCell, type ObjectiveSpec } from './objective.js';
import type { Expectation } from '../expect/expectation.js';

export interface SweepMeta {
  format: number;
  fingerprint: string;
  scenario: string;
  sets: string[];
  axes: { key: string; column: string; values: unknown[] }[];
  cells: { id: string; label: string; values: unknown[]; sets: string[] }[];
  seeds: number[];
  baseline: string | null;
  /** sweep.objective (absent in a sweep.json of an older kubesim). */
  objective?: ObjectiveSpec | null;
  /** Expectations judged per cell (absent in a sweep.json of an older kubesim). */
  expect?: Expectation[];
}

export function metaOf(plan: SweepPlan): SweepMeta {
  return {
    format: SWEEP_FORMAT,
    fingerprint: plan.fingerprint,
    scenario: plan.file,
    sets: plan.sets,
    axes: plan.axes.map((a) => ({ key: a.key, column: a.column, values: a.values })),
    cells: plan.cells.map((c) => ({ id: c.id, label: c.label, values: c.values, sets: c.sets })),
    seeds: plan.seeds,
    baseline: plan.baseline?.id ?? null,
    objective: plan.objective,
    expect: plan.expect,
  };
}

export function writeAtomic(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

export function metaText(meta: SweepMeta): string {
  return `${JSON.stringify(meta, null, 2)}\n`;
}

export function readMeta(dir: string): SweepMeta | null {
  const p = join(dir, 'sweep.json');
  if (!existsSync(p)) return null;
  let meta: unknown;
  try {
    meta = JSON.parse(readFileSync(p, 'utf8'));
  } catch (e) {
    if (e instanceof SyntaxError)
      throw new ScenarioError(p, 0, 0, '', 'is not a sweep.json kubesim wrote (not valid JSON)', 'run the sweep again into a new --out');
    throw e;
  }
  if (typeof meta !== 'object' || meta === null || !Array.isArray((meta as SweepMeta).cells)) {
    throw new ScenarioError(p, 0, 0, '', 'is not a sweep.json kubesim wrote (no cells)', 'run the sweep again into a new --out');
  }
  return meta as SweepMeta;
}

interface RunSummary {
  cell: SweepMeta['cells'][number];
  seed: number;
  header: string[];
  values: string[];
}

function readRuns(dir: string, meta: SweepMeta): { found: RunSummary[]; missing: { cell: string; seed: number }[] } {
  const found: RunSummary[] = [];
  const missing: { cell: string; seed: number }[] = [];
  for (const cell of meta.cells) {
    for (const seed of meta.seeds) {
      const p = join(dir, 'runs', cell.id, String(seed), 'summary.csv');
      if (!existsSync(p)) {
        missing.push({ cell: cell.id, seed });
        continue;
      }
      const rows = parse(readFileSync(p, 'utf8')) as string[][];
      found.push({ cell, seed, header: rows[0]!, values: rows[1]! });
    }
  }
  return { found, missing };
}

function numericColumns(runs: RunSummary[]): string[] {
  if (runs.length === 0) return [];
  const header = runs[0]!.header;
  return header.filter((col, i) => col !== 'seed' && runs.every((r) => r.values[i] !== '' && Number.isFinite(Number(r.values[i]))));
}

/** Writes runs.csv, summary.csv, timeseries.csv and (with a baseline) differences.csv. Returns the runs missing. */
export function aggregate(
  dir: string,
  meta: SweepMeta,
): { runs: number; missing: { cell: string; seed: number }[]; best?: { cell: string; text: string } | null } {
  const { found, missing } = readRuns(dir, meta);
  const axisCols = meta.axes.map((a) => a.column);
  const params = (c: SweepMeta['cells'][number]) => c.values.map((v) => (typeof v === 'string' ? v : valueText(v)));

  // runs.csv: every run's summary row, with its cell's parameters.
  const header = found[0]?.header ?? [];
  const runRows = found.map((r) => [r.cell.id, ...params(r.cell), ...header.map((h) => r.values[r.header.indexOf(h)] ?? '')]);
  writeAtomic(join(dir, 'runs.csv'), csvText(['cell', ...axisCols, ...header], runRows));

  // summary.csv: one row per cell, mean, sd and 95 % bootstrap interval of every numeric metric. Each
  // interval's random stream is named by the sweep's scenario seed, the cell and the metric (stats.ts).
  const seed = meta.seeds[0] ?? 0;
  const metrics = numericColumns(found);
  const col = (r: RunSummary, m: string) => Number(r.values[r.header.indexOf(m)]);
  const sumHeader = ['cell', ...axisCols, 'runs', ...metrics.flatMap((m) => [`${m}_mean`, `${m}_sd`, `${m}_ci95_low`, `${m}_ci95_high`])];
  const sumRows = meta.cells.map((c) => {
    const rs = found.filter((r) => r.cell.id === c.id);
    return [
      c.id,
      ...params(c),
      rs.length,
      ...metrics.flatMap((m) => {
        const iv = meanInterval(
          rs.map((r) => col(r, m)),
          bootstrapStream(seed, 'summary', c.id, m),
        );
        return [tidy(iv.mean), tidy(iv.sd), tidy(iv.low), tidy(iv.high)];
      }),
    ];
  });
  writeAtomic(join(dir, 'summary.csv'), csvText(sumHeader, sumRows));

  // objective.csv: each cell's objective and constraints (the bound each was judged on), and the winner.
  let best: { cell: string; text: string } | null | undefined;
  if (meta.objective) {
    const spec = meta.objective;
    const at = (cell: string, m: string) => {
      const row = sumRows[meta.cells.findIndex((c) => c.id === cell)]!;
      const k = sumHeader.indexOf(`${m}_mean`);
      const num = (x: unknown) => (x === '' || x === undefined ? NaN : Number(x));
      return k < 0 ? { mean: NaN, low: NaN, high: NaN } : { mean: num(row[k]), low: num(row[k + 2]), high: num(row[k + 3]) };
    };
    const chosen = chooseCell(
      spec,
      meta.cells.map((c) => c.id),
      at,
    );
    const rows = chosen.verdicts.map((v, i) => [
      v.cell,
      ...params(meta.cells[i]!),
      tidy(v.objective.mean),
      tidy(v.objective.low),
      tidy(v.objective.high),
      ...v.constraints.flatMap((c) => [tidy(c.bound), c.holds ? 'yes' : 'no']),
      v.feasible ? 'yes' : 'no',
      v.cell === chosen.best ? 'best' : '',
    ]);
    const head = [
      'cell',
      ...axisCols,
      `${spec.minimize}_mean`,
      `${spec.minimize}_ci95_low`,
      `${spec.minimize}_ci95_high`,
      ...spec.constraints.flatMap((c, i) => [`constraint${i + 1}_bound`, `constraint${i + 1}_holds`]),
      'feasible',
      'choice',
    ];
    writeAtomic(join(dir, 'objective.csv'), csvText(head, rows));
    const winner = meta.cells.find((c) => c.id === chosen.best);
    best = winner
      ? {
          cell: winner.id,
          text: `${winner.id} (${winner.label}): ${spec.minimize} ${fmt(at(winner.id, spec.minimize))}${spec.constraints
            .map((c) => `; ${c.text}: ${fmt(at(winner.id, c.metric))}`)
            .join('')}`,
        }
      : null;
  }

  // differences.csv: paired differences against the baseline cell over the seeds both ran.
  if (meta.baseline) {
    const base = new Map(found.filter((r) => r.cell.id === meta.baseline).map((r) => [r.seed, r]));
    const rows: (string | number)[][] = [];
    for (const c of meta.cells) {
      if (c.id === meta.baseline) continue;
      const pairs = found.filter((r) => r.cell.id === c.id && base.has(r.seed));
      for (const m of metrics) {
        const iv = meanInterval(
          pairs.map((r) => col(r, m) - col(base.get(r.seed)!, m)),
          bootstrapStream(seed, 'difference', c.id, m),
        );
        rows.push([c.id, ...params(c), m, iv.n, tidy(iv.mean), tidy(iv.sd), tidy(iv.low), tidy(iv.high)]);
      }
    }
    writeAtomic(
      join(dir, 'differences.csv'),
      csvText(['cell', ...axisCols, 'metric', 'pairs', 'mean_difference', 'sd', 'ci95_low', 'ci95_high'], rows),
    );
  }

  // timeseries.csv: every run's samples with cell and seed columns, streamed run by run. A sweep's workers
  // wrote each run's lines with that prefix already (parts/); runs without a part (merged shards, runs of
  // an earlier sweep) are prefixed here, to the same bytes.
  const tsPath = join(dir, 'timeseries.csv');
  const fd = openSync(`${tsPath}.tmp`, 'w');
  const chunk = Buffer.allocUnsafe(1 << 20);
  try {
    let wroteHeader = false;
    for (const r of found) {
      const part = partFile(dir, r.cell.id, r.seed);
      const hasPart = existsSync(part);
      if (!wroteHeader || !hasPart) {
        const text = readFileSync(join(dir, 'runs', r.cell.id, String(r.seed), 'timeseries.csv'));
        const headerEnd = recordEnd(text, 0, { next: text.indexOf(QUOTE) });
        if (!wroteHeader) {
          writeSync(fd, `cell,seed,`);
          writeSync(fd, text, 0, headerEnd);
          wroteHeader = true;
        }
        if (!hasPart) {
          writeSync(fd, prefixLines(text.subarray(headerEnd), Buffer.from(partPrefix(r.cell.id, r.seed))));
          continue;
        }
      }
      appendFile(fd, part, chunk);
    }
  } finally {
    closeSync(fd);
  }
  renameSync(`${tsPath}.tmp`, tsPath);
  rmSync(join(dir, PARTS_DIR), { recursive: true, force: true });
  return { runs: found.length, missing, best };
}

/** "12.3 [11.9, 12.7]": a mean and its 95 % interval, to 3 significant digits. */
function fmt(f: { mean: number; low: number; high: number }): string {
  const p = (x: number) => (Number.isFinite(x) ? String(Number(x.toPrecision(3))) : '-');
  return `${p(f.mean)} [${p(f.low)}, ${p(f.high)}]`;
}

const NEWLINE = 0x0a;
const QUOTE = 0x22;

/** Copies a file's bytes to `fd` through one reused buffer. */
function appendFile(fd: number, path: string, chunk: Buffer): void {
  const src = openSync(path, 'r');
  try {
    for (let n = readSync(src, chunk); n > 0; n = readSync(src, chunk)) writeSync(fd, chunk, 0, n);
  } finally {
    closeSync(src);
  }
}

/** Where a sweep's workers put each run's lines of the combined timeseries.csv until aggregation. */
export const PARTS_DIR = '.parts';

export function partFile(dir: string, cell: string, seed: number): string {
  return join(dir, PARTS_DIR, `${cell}-${seed}.csv`);
}

/** The columns a run's lines get in the combined timeseries.csv. */
export function partPrefix(cell: string, seed: number): string {
  return `${cell},${seed},`;
}

/**
 * Every record of `body` (CSV) with `prefix` before it. A record ends at a newline outside quotes: a quoted
 * field may hold newlines and doubled quotes (RFC 4180), as a workload's name may.
 */
export function prefixLines(body: Buffer, prefix: Buffer): Buffer {
  const ends: number[] = [];
  const quotes = { next: body.indexOf(QUOTE) };
  for (let at = 0; at < body.length; at = ends[ends.length - 1]!) ends.push(recordEnd(body, at, quotes));
  const out = Buffer.allocUnsafe(body.length + ends.length * prefix.length);
  let pos = 0;
  let from = 0;
  for (const end of ends) {
    pos += prefix.copy(out, pos);
    pos += body.copy(out, pos, from, end);
    from = end;
  }
  return out;
}

/**
 * Where the CSV record that starts at `from` ends: just past its newline, or at the end of `text`. Every quote
 * toggles whether a newline is inside a quoted field (a doubled quote toggles twice). `quotes.next` is the first
 * quote at or after `from` (-1: none), carried from record to record, so text without quotes costs one
 * indexOf per record and text with quotes one more per quote.
 */
export function recordEnd(text: Buffer, from: number, quotes: { next: number }): number {
  let quoted = false;
  for (let at = from; ;) {
    const nl = text.indexOf(NEWLINE, at);
    const end = nl === -1 ? text.length : nl;
    while (quotes.next !== -1 && quotes.next < end) {
      quoted = !quoted;
      quotes.next = text.indexOf(QUOTE, quotes.next + 1);
    }
    if (nl === -1) return text.length;
    if (!quoted) return nl + 1;
    at = nl + 1;
  }
}
