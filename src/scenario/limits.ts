// Ceilings on the work a scenario may ask for, checked when it loads (so `validate` refuses in well under
// a second what would run for hours or fill the disk). Each is sized from what a 2-core, 24 GiB machine
// runs in reasonable time, well above Kubernetes' own envelope of 5,000 nodes and 150,000 pods; a user who
// means more raises one with --limit NAME=N. docs/SCENARIO.md lists them.
import { mean, type Distribution } from '../engine/distributions.js';
import { formatDuration } from '../engine/time.js';
import { ScenarioError } from './errors.js';
import type { Scenario } from './types.js';

export interface Limits {
  /** Nodes in all pools together. */
  nodes: number;
  /** Pods the workloads ask for at once (replicas, Job parallelism, one per node for a DaemonSet), or arriving at one instant. */
  pods: number;
  /** Pods created over the run by arrival streams, traces and Job completions. */
  arrivals: number;
  /** Virtual time of one run, in days. */
  days: number;
  /** Rows of the output CSVs of one run (timeseries.csv and pods.csv); about 60 bytes each. */
  rows: number;
  /** Runs of one sweep (cells × seeds). */
  runs: number;
  /** Node failures over the run from the pools' random failures (each a failure and a repair). */
  failures: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = {
  nodes: 50_000,
  pods: 1_000_000,
  arrivals: 50_000_000,
  days: 366,
  rows: 50_000_000,
  runs: 100_000,
  failures: 10_000_000,
};

const DESCRIBE: Record<keyof Limits, string> = {
  nodes: 'nodes',
  pods: 'pods at once',
  arrivals: 'pods created over the run',
  days: 'days of virtual time',
  rows: 'rows of output',
  runs: 'runs in the sweep',
  failures: 'node failures over the run',
};

export const LIMIT_NAMES = Object.keys(DEFAULT_LIMITS) as (keyof Limits)[];

/** Bytes per CSV row, for the size estimate in messages (timeseries.csv rows run 40–80 bytes). */
const BYTES_PER_ROW = 60;

const fmt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'unbounded');

/** --limit NAME=N (repeatable) -> limits, every other one at its default. */
export function parseLimits(args: readonly string[] | undefined): Limits {
  const out: Limits = { ...DEFAULT_LIMITS };
  for (const a of args ?? []) {
    const m = /^([a-z]+)=(\d+)$/.exec(a.trim());
    const name = m?.[1] as keyof Limits | undefined;
    if (!m || !name || !LIMIT_NAMES.includes(name)) {
      throw new ScenarioError(
        '--limit',
        0,
        0,
        '',
        `expected NAME=N with NAME one of ${LIMIT_NAMES.join(', ')} and N a whole number, got "${a}"`,
      );
    }
    out[name] = Number(m[2]);
  }
  return out;
}

function refuse(limit: keyof Limits, wanted: number, where: Where, what: string, limits: Limits) {
  return new ScenarioError(
    where.file,
    where.line,
    where.column,
    where.path,
    `${what}${fmt(wanted)} ${DESCRIBE[limit]}, above the ceiling of ${fmt(limits[limit])}`,
    Number.isFinite(wanted)
      ? `raise it with --limit ${limit}=${Math.ceil(wanted)} if you mean it`
      : limit === 'failures'
        ? 'give timeToFailure and timeToRepair means above zero'
        : 'give the stream a count, or a distribution of gaps with a mean above zero',
  );
}

/** Where a check points: a field of the scenario file (located by the loader) or an object's source line. */
export interface Where {
  file: string;
  line: number;
  column: number;
  path: string;
}
export type Locate = (path: (string | number)[]) => Where;

/**
 * Throws a ScenarioError for the first ceiling the scenario passes. Estimates are upper bounds where they
 * can be (every object's pods at once, every stream's expected arrivals), so a refused scenario would
 * really ask for that much.
 */
export function checkLimits(s: Scenario, limits: Limits, locate: Locate): void {
  const days = s.durationMs / 86_400_000;
  if (days > limits.days) throw refuse('days', days, locate(['duration']), `${formatDuration(s.durationMs)} is `, limits);

  let nodes = 0;
  let biggestPool = 0;
  s.pools.forEach((p, i) => {
    nodes += p.count;
    if (p.count > s.pools[biggestPool]!.count) biggestPool = i;
  });
  if (nodes > limits.nodes)
    throw refuse('nodes', nodes, locate(['cluster', 'nodePools', biggestPool, 'count']), 'the node pools hold ', limits);

  let failures = 0;
  s.pools.forEach((p, i) => {
    if (!p.failures || p.count === 0) return;
    const cycle = mean(p.failures.timeToFailure) + mean(p.failures.timeToRepair);
    failures += cycle > 0 ? (p.count * s.durationMs) / cycle : Infinity;
    if (failures > limits.failures)
      throw refuse(
        'failures',
        failures,
        locate(['cluster', 'nodePools', i, 'failures']),
        'the pools fail and recover so often: about ',
        limits,
      );
  });

  let pods = 0;
  let jobPods = 0;
  for (const w of s.workloads) {
    const n = w.kind === 'DaemonSet' ? nodes : w.replicas;
    pods += n;
    const here = { file: w.source.file, line: w.source.line, column: 1, path: '' };
    if (pods > limits.pods) throw refuse('pods', pods, here, `with ${w.kind} ${w.namespace}/${w.name} the workloads ask for `, limits);
    // A Job makes a pod per completion, and one more per failure up to its backoffLimit.
    if (w.job) jobPods += Math.max(w.job.completions ?? 0, w.job.parallelism) + w.job.backoffLimit;
  }

  let arrivals = jobPods;
  for (const a of s.arrivals) {
    const here = { file: a.source.file, line: a.source.line, column: 1, path: '' };
    let n: number;
    if (a.trace) n = a.trace.length;
    else {
      const span = Math.max(0, Math.min(a.stop, s.durationMs) - a.start);
      const gap = mean(a.interarrival as Distribution);
      n = Math.min(a.limit, span === 0 ? 0 : gap > 0 ? span / gap : Infinity);
      // Every arrival of a stream whose gaps are all zero comes at one instant.
      if (gap <= 0 && span > 0 && n > limits.pods) throw refuse('pods', n, here, `stream ${a.name} has no time between arrivals: `, limits);
    }
    arrivals += n;
    if (arrivals > limits.arrivals) throw refuse('arrivals', arrivals, here, `with stream ${a.name}, about `, limits);
  }

  // timeseries.csv: five series per pool and zone, four cluster-wide, one per workload; pods.csv: a row a pod.
  const samples = Math.floor(s.durationMs / s.metricsIntervalMs) + 1;
  const series = 5 * s.pools.reduce((t, p) => t + p.zones.length, 0) + 4 + s.workloads.length + s.arrivals.length;
  const rows = samples * series + pods + arrivals;
  if (rows > limits.rows) {
    const gb = (rows * BYTES_PER_ROW) / 1e9;
    throw refuse(
      'rows',
      rows,
      locate(['metrics', 'interval']),
      `${fmt(samples)} samples of ${fmt(series)} series and a row per pod (about ${gb >= 1 ? `${fmt(gb)} GB` : `${(gb * 1000).toFixed(0)} MB`} of CSV): `,
      limits,
    );
  }
}

/** Refuses a sweep of more runs than the ceiling, before any is planned. */
export function checkSweepRuns(runs: number, limits: Limits, where: Where): void {
  if (runs > limits.runs) throw refuse('runs', runs, where, 'the grid and seeds make ', limits);
}
