// A run's output directory, written atomically: everything goes to a temporary sibling directory that
// is renamed into place at the end, so a failed run leaves no partial results behind.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { makeDirectory, processAlive } from '../scenario/files.js';
import { CsvFile, csvText, type PrefixedCopy } from '../metrics/csv.js';
import { TIMESERIES_FILE, type RowSink, type SinkFactory } from '../metrics/collector.js';
import { PODS_FILE } from '../metrics/collectors/pods.js';
import { NODES_FILE, POOLS_FILE } from '../metrics/collectors/nodes.js';
import { BUDGETS_FILE } from '../metrics/collectors/budgets.js';
import { ROLLOUTS_FILE } from '../metrics/collectors/rollouts.js';
import { REQUESTS_FILE, SERVICES_FILE } from '../metrics/collectors/requests.js';
import { REPORT_FILE } from '../report/html.js';
import { EVENTS_FILE } from '../metrics/collectors/events.js';
import { WORKLOADS_FILE } from '../metrics/collectors/availability.js';
import type { Scenario } from '../scenario/load.js';
import { ScenarioError } from '../scenario/errors.js';
import { prepareRun, type PreparedRun, type RunResult } from './simulate.js';

export interface RunOutput extends RunResult {
  outDir: string;
}

/**
 * The files of a run directory: only a directory holding nothing else may be replaced by a run. A
 * collector that writes a file of its own adds its name here.
 */
export const RUN_FILES: readonly string[] = [
  TIMESERIES_FILE,
  PODS_FILE,
  NODES_FILE,
  POOLS_FILE,
  WORKLOADS_FILE,
  EVENTS_FILE,
  BUDGETS_FILE,
  ROLLOUTS_FILE,
  REQUESTS_FILE,
  SERVICES_FILE,
  'summary.csv',
  'scenario.resolved.yaml',
];

/** Files a run directory may also hold, written on request afterwards (run --report, kubesim report). */
export const OPTIONAL_RUN_FILES: readonly string[] = [REPORT_FILE];

/**
 * Refuses an output path that holds anything but an earlier run's results: a run replaces its output
 * directory, and must never delete a user's files (`--out .`, `--out scenarios/x.yaml`).
 */
export function checkRunDirectory(outDir: string): void {
  if (!existsSync(outDir)) return;
  if (!statSync(outDir).isDirectory()) {
    throw new ScenarioError(outDir, 0, 0, '', 'the output path exists and is a file, not a directory', 'choose another --out');
  }
  const foreign = readdirSync(outDir).filter((f) => !RUN_FILES.includes(f) && !OPTIONAL_RUN_FILES.includes(f));
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

/** A run whose files are open in its temporary directory: advance it, then finish or abandon it. */
interface OpenRun {
  prepared: PreparedRun;
  /** Writes the summary and resolved scenario and renames the temporary directory into place. */
  finish(): RunOutput;
  /** Closes and removes everything written so far. */
  abandon(): void;
}

/**
 * Removes `<out>.tmp-<pid>…` siblings left by processes that are gone (a run killed by SIGKILL or a
 * power cut); a running process's temporary is left alone.
 */
export function removeStaleTemporaries(outDir: string): void {
  const dir = dirname(outDir);
  const prefix = `${basename(outDir)}.tmp-`;
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const e of entries) {
    if (!e.startsWith(prefix)) continue;
    const pid = Number(/^\d+/.exec(e.slice(prefix.length))?.[0]);
    if (!processAlive(pid)) rmSync(join(dir, e), { recursive: true, force: true });
  }
}

function openRun(s: Scenario, outDir: string, tmpSuffix: string, timeseriesCopy?: PrefixedCopy): OpenRun {
  checkRunDirectory(outDir);
  const tmp = `${outDir}.tmp-${tmpSuffix}`;
  makeDirectory(dirname(outDir));
  removeStaleTemporaries(outDir);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  const copyTmp = timeseriesCopy && { path: `${timeseriesCopy.path}.tmp-${tmpSuffix}`, prefix: timeseriesCopy.prefix };
  const files = new Map<string, CsvFile>();
  const abandon = () => {
    for (const f of files.values()) {
      try {
        f.close();
      } catch {
        /* already closed */
      }
    }
    rmSync(tmp, { recursive: true, force: true });
    if (copyTmp) rmSync(copyTmp.path, { force: true });
  };
  try {
    if (copyTmp) makeDirectory(dirname(copyTmp.path));
    const factory: SinkFactory = {
      open(file: string, columns: readonly string[]): RowSink {
        if (!RUN_FILES.includes(file) || files.has(file)) throw new Error(`bug: run file ${file} is not in RUN_FILES or opened twice`);
        const f = new CsvFile(join(tmp, file), columns, file === TIMESERIES_FILE ? copyTmp : undefined);
        files.set(file, f);
        return f;
      },
    };
    const prepared = prepareRun(s, factory);
    const finish = (): RunOutput => {
      const result = prepared.run();
      for (const f of files.values()) f.close();
      const cols = Object.keys(result.summary);
      writeFileSync(join(tmp, 'summary.csv'), csvText(cols, [cols.map((c) => result.summary[c]!)]));
      writeFileSync(join(tmp, 'scenario.resolved.yaml'), s.resolvedYaml);
      if (copyTmp) renameSync(copyTmp.path, timeseriesCopy.path);
      if (existsSync(outDir)) rmSync(outDir, { recursive: true, force: true });
      renameSync(tmp, outDir);
      return { ...result, outDir };
    };
    return { prepared, finish, abandon };
  } catch (e) {
    abandon();
    throw e;
  }
}

/**
 * Runs the scenario and writes timeseries.csv, pods.csv, nodes.csv, summary.csv and scenario.resolved.yaml.
 * With `timeseriesCopy`, also writes the timeseries rows with a prefix to that file (a sweep's part of its
 * combined timeseries.csv), in place before the run directory is.
 */
export function runToDirectory(s: Scenario, outDir: string, tmpSuffix: string, timeseriesCopy?: PrefixedCopy): RunOutput {
  const r = openRun(s, outDir, tmpSuffix, timeseriesCopy);
  try {
    return r.finish();
  } catch (e) {
    r.abandon();
    throw e;
  }
}

/** A run stopped by a signal before it finished; nothing of it was kept. */
export class RunInterrupted extends Error {
  constructor(readonly signal: string) {
    super(`interrupted by ${signal}`);
    this.name = 'RunInterrupted';
  }
}

/** Events between two looks at the signal: a few milliseconds of work. */
const SLICE_EVENTS = 20_000;

/**
 * runToDirectory for the command line: the event loop runs in slices with a turn of Node's own loop in
 * between, so SIGINT and SIGTERM (which `signal` carries) are heard mid-run; an interrupted run removes
 * its temporary directory and throws RunInterrupted. `onSlice` sees the virtual time reached.
 */
export async function runToDirectoryInterruptible(
  s: Scenario,
  outDir: string,
  tmpSuffix: string,
  signal: AbortSignal,
  onSlice?: (nowMs: number) => void,
): Promise<RunOutput> {
  const r = openRun(s, outDir, tmpSuffix);
  try {
    while (!r.prepared.advance(SLICE_EVENTS)) {
      onSlice?.(r.prepared.sim.now);
      await new Promise<void>((done) => setImmediate(done));
      if (signal.aborted) throw new RunInterrupted(String(signal.reason));
    }
    if (signal.aborted) throw new RunInterrupted(String(signal.reason));
    return r.finish();
  } catch (e) {
    r.abandon();
    throw e;
  }
}
