// A piscina worker: runs one (cell, seed) of a sweep into its directory. It never throws: a failed
// run comes back as data, so one bad parameter combination does not stop the sweep.
import { loadScenario } from '../scenario/load.js';
import type { Limits } from '../scenario/limits.js';
import { runToDirectory } from '../run/output.js';
import { ScenarioError } from '../scenario/errors.js';
import type { YamlDoc } from '../scenario/yaml-source.js';
import type { PrefixedCopy } from '../metrics/csv.js';

export interface RunTask {
  file: string;
  sets: string[];
  seed: number;
  limits: Limits;
  outDir: string;
  tmpSuffix: string;
  /** The run's part of the sweep's combined timeseries.csv (see aggregate.ts). */
  part?: PrefixedCopy;
}

export type RunReply = { ok: true } | { ok: false; error: string; userError: boolean };

/** Manifests parsed once per worker thread: every run of a sweep reads the same files. */
const manifestCache = new Map<string, { doc: YamlDoc; value: unknown }[]>();
/** The scenario file parsed once per worker thread too; each run applies its overrides to a copy. */
const scenarioCache = new Map<string, YamlDoc[]>();

export default function runOne(task: RunTask): RunReply {
  try {
    const s = loadScenario(task.file, { set: task.sets, seed: task.seed, limits: task.limits, manifestCache, scenarioCache });
    runToDirectory(s, task.outDir, task.tmpSuffix, task.part);
    return { ok: true };
  } catch (e) {
    if (e instanceof ScenarioError) return { ok: false, error: e.message, userError: true };
    return { ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e), userError: false };
  }
}
