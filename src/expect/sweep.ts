// Expectations over a sweep, judged per cell on its runs' values: the mean over the seeds (also without a
// statistic), a bound of its 95 % bootstrap interval (ci95_low, ci95_high), or the paired difference against
// the baseline cell over the seeds both ran (diff, diff_ci95_low, diff_ci95_high), so "A beats B" is a claim
// about an interval rather than one lucky seed. Each interval's random stream is named by the sweep's seed,
// the cell and the expectation, so a sweep judges the same however it was split into shards.
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { bootstrapStream, meanInterval } from '../sweep/stats.js';
import { tidy } from '../metrics/stats.js';
import { holds, lookup, type Expectation } from './expectation.js';
import { readRunTables, sweepJunitXml, sweepVerdictTable } from './report.js';

export interface SweepCell {
  id: string;
  label: string;
}

export interface SweepVerdict {
  cell: SweepCell;
  expectation: Expectation;
  /** "0.9991 [0.9987, 0.9995]", or why there is no value. */
  measured: string;
  /** The figure compared. */
  value: number;
  pass: boolean;
  /** Not applicable (a difference in the baseline cell itself). */
  skipped: boolean;
}

const fmt = (x: number) => (Number.isFinite(x) ? String(tidy(x)) : '-');

/** Judges every expectation in every cell from the runs' directories (runs/<cell>/<seed>). */
export function judgeSweep(
  dir: string,
  cells: readonly SweepCell[],
  seeds: readonly number[],
  baseline: string | null,
  exps: readonly Expectation[],
): SweepVerdict[] {
  const cache = new Map<string, ReturnType<typeof readRunTables> | null>();
  const tables = (cell: string, seed: number) => {
    const key = `${cell}/${seed}`;
    if (!cache.has(key)) {
      const d = join(dir, 'runs', cell, String(seed));
      cache.set(key, existsSync(join(d, 'summary.csv')) ? readRunTables(d) : null);
    }
    return cache.get(key)!;
  };
  const valueOf = (e: Expectation, cell: string, seed: number): number => {
    const t = tables(cell, seed);
    if (!t) return NaN;
    const r = lookup(e, t);
    return 'cell' in r && r.cell !== '' ? Number(r.cell) : NaN;
  };
  const out: SweepVerdict[] = [];
  for (const cell of cells) {
    for (const e of exps) {
      const stat = e.statistic ?? 'mean';
      const isDiff = stat.startsWith('diff');
      if (isDiff && (!baseline || cell.id === baseline)) {
        out.push({
          cell,
          expectation: e,
          measured: baseline ? 'baseline' : 'no baseline',
          value: NaN,
          pass: !!baseline,
          skipped: !!baseline,
        });
        continue;
      }
      const xs: number[] = [];
      for (const seed of seeds) {
        const v = valueOf(e, cell.id, seed);
        if (!isDiff) {
          if (Number.isFinite(v)) xs.push(v);
          continue;
        }
        const b = valueOf(e, baseline!, seed);
        if (Number.isFinite(v) && Number.isFinite(b)) xs.push(v - b);
      }
      const iv = meanInterval(xs, bootstrapStream(seeds[0] ?? 0, 'expect', cell.id, e.text));
      const value = stat.endsWith('ci95_low') ? iv.low : stat.endsWith('ci95_high') ? iv.high : iv.mean;
      const measured = xs.length === 0 ? 'none' : `${fmt(iv.mean)} [${fmt(iv.low)}, ${fmt(iv.high)}]`;
      out.push({ cell, expectation: e, measured, value, pass: holds(e.op, value, e.value), skipped: false });
    }
  }
  return out;
}

/** Judges a finished sweep's expectations (its sweep.json's), writes JUnit XML if asked; the table and whether all hold. */
export function checkSweep(
  dir: string,
  meta: {
    scenario: string;
    cells: readonly SweepCell[];
    seeds: readonly number[];
    baseline: string | null;
    expect?: readonly Expectation[];
  },
  junit: string | null,
): { text: string; ok: boolean } | null {
  const exps = meta.expect ?? [];
  if (exps.length === 0) return null;
  const verdicts = judgeSweep(dir, meta.cells, meta.seeds, meta.baseline, exps);
  if (junit) {
    writeFileSync(`${junit}.tmp`, sweepJunitXml(basename(meta.scenario).replace(/\.ya?ml$/, ''), verdicts));
    renameSync(`${junit}.tmp`, junit);
  }
  return { text: sweepVerdictTable(verdicts), ok: verdicts.every((v) => v.pass) };
}
