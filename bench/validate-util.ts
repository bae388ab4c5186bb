// What the fidelity checks share: the row of the table, number formatting, and a whole run of a scenario's
// text through the normal run path with its files kept in memory.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../src/scenario/load.js';
import { prepareRun } from '../src/run/simulate.js';
import type { Figures, Row, SinkFactory } from '../src/metrics/collector.js';

export interface Check {
  check: string;
  expected: string;
  measured: string;
  tolerance: string;
  pass: boolean;
}

/** A number to d decimals, without trailing zeros. */
export const f = (x: number, d = 3) => Number(x.toFixed(d)).toString();

/** The outcome of a whole run: summary.csv's figures and the rows of the files named to keep, by column. */
export interface RunResult {
  summary: Figures;
  rows(file: string): Record<string, string | number>[];
}

/** Runs a scenario's text (with --set overrides) through prepareRun; keeps the rows of the files named. */
export function runs(text: string, keep: readonly string[] = [], set: readonly string[] = []): RunResult {
  const kept = new Map<string, Record<string, string | number>[]>();
  const sinks: SinkFactory = {
    open(file, columns) {
      if (!keep.includes(file)) return { write() {} };
      const rows: Record<string, string | number>[] = [];
      kept.set(file, rows);
      return { write: (row: Row) => rows.push(Object.fromEntries(columns.map((c, i) => [c, row[i]!]))) };
    },
  };
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-validate-'));
  try {
    writeFileSync(join(dir, 's.yaml'), text);
    const summary = prepareRun(loadScenario(join(dir, 's.yaml'), { set: [...set] }), sinks).run().summary;
    return { summary, rows: (file) => kept.get(file) ?? [] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
