// A run's output directory, written atomically: everything goes to a temporary sibling directory that
// is renamed into place at the end, so a failed run leaves no partial results behind.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CsvFile, csvText, type PrefixedCopy } from '../metrics/csv.js';
import { TIMESERIES_FILE, type RowSink, type SinkFactory } from '../metrics/collector.js';
import { PODS_FILE } from '../metrics/collectors/pods.js';
import { NODES_FILE } from '../metrics/collectors/nodes.js';
import type { Scenario } from '../scenario/load.js';
import { ScenarioError } from '../scenario/errors.js';
import { simulate, type RunResult } from './simulate.js';

export interface RunOutput extends RunResult {
  outDir: string;
}

/**
 * The files of a run directory: only a directory holding nothing else may be replaced by a run. A
 * collector that writes a file of its own adds its name here.
 */
export const RUN_FILES: readonly string[] = [TIMESERIES_FILE, PODS_FILE, NODES_FILE, 'summary.csv', 'scenario.resolved.yaml'];

/**
 * Refuses an output path that holds anything but an earlier run's results: a run replaces its output
 * directory, and must never delete a user's files (`--out .`, `--out scenarios/x.yaml`).
 */
export function checkRunDirectory(outDir: string): void {
  if (!existsSync(outDir)) return;
  if (!statSync(outDir).isDirectory()) {
    throw new ScenarioError(outDir, 0, 0, '', 'the output path exists and is a file, not a directory', 'choose another --out');
  }
  const foreign = readdirSync(outDir).filter((f) => !RUN_FILES.includes(f));
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? ', …' : '');
    throw new ScenarioError(
      outDir,
      0,
      0,
      '',
      `the output directory holds files that are not a kubesim run's (${shown}); a run replaces its output directory`,
      'choose another --out, or an empty or new directory',
    );
  }
}

/**
 * Runs the scenario and writes timeseries.csv, pods.csv, nodes.csv, summary.csv and scenario.resolved.yaml.
 * With `timeseriesCopy`, also writes the timeseries rows with a prefix to that file (a sweep's part of its
 * combined timeseries.csv), in place before the run directory is.
 */
export function runToDirectory(s: Scenario, outDir: string, tmpSuffix: string, timeseriesCopy?: PrefixedCopy): RunOutput {
  checkRunDirectory(outDir);
  const tmp = `${outDir}.tmp-${tmpSuffix}`;
  mkdirSync(dirname(outDir), { recursive: true });
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const copyTmp = timeseriesCopy && { path: `${timeseriesCopy.path}.tmp-${tmpSuffix}`, prefix: timeseriesCopy.prefix };
  if (copyTmp) mkdirSync(dirname(copyTmp.path), { recursive: true });
  const files = new Map<string, CsvFile>();
  const factory: SinkFactory = {
    open(file: string, columns: readonly string[]): RowSink {
      if (!RUN_FILES.includes(file) || files.has(file)) throw new Error(`bug: run file ${file} is not in RUN_FILES or opened twice`);
      const f = new CsvFile(join(tmp, file), columns, file === TIMESERIES_FILE ? copyTmp : undefined);
      files.set(file, f);
      return f;
    },
  };
  try {
    const result = simulate(s, factory);
    for (const f of files.values()) f.close();
    const cols = Object.keys(result.summary);
    writeFileSync(join(tmp, 'summary.csv'), csvText(cols, [cols.map((c) => result.summary[c]!)]));
    writeFileSync(join(tmp, 'scenario.resolved.yaml'), s.resolvedYaml);
    if (copyTmp) renameSync(copyTmp.path, timeseriesCopy.path);
    if (existsSync(outDir)) rmSync(outDir, { recursive: true, force: true });
    renameSync(tmp, outDir);
    return { ...result, outDir };
  } catch (e) {
    for (const f of files.values()) {
      try {
        f.close();
      } catch {
        /* already closed */
      }
    }
    rmSync(tmp, { recursive: true, force: true });
    if (copyTmp) rmSync(copyTmp.path, { force: true });
    throw e;
  }
}
