// Metrics as a set of collectors (DESIGN rule 11): each watches the model (or reads a controller's
// figures), owns its timeseries rows, its summary columns and its files, and a new controller adds its
// own collector rather than editing a shared recorder. Metrics samples every collector at each interval,
// in the order they were added, and gathers their summary figures at the end.
import type { Simulation } from '../engine/simulation.js';
import { seconds } from './stats.js';

export type Row = (string | number)[];
export interface RowSink {
  write(row: Row): void;
}

/** Opens a run's output file by name (e.g. "pods.csv") with its header. */
export interface SinkFactory {
  open(file: string, columns: readonly string[]): RowSink;
}

/** Columns of the shared timeseries.csv: one row per (time, metric, labels). */
export const TIMESERIES_COLUMNS = ['time_s', 'metric', 'node_pool', 'zone', 'workload', 'value'];
export const TIMESERIES_FILE = 'timeseries.csv';

export type Figures = Record<string, string | number>;

export interface Collector {
  /** Writes this collector's rows of timeseries.csv for virtual time `t` (seconds, tidied). */
  sample?(t: number | string, ts: RowSink): void;
  /** Called once when the run ends (final rows of the collector's own files). */
  finish?(): void;
  /** This collector's summary.csv columns and values, at the end of the run. */
  summary?(): Figures;
}

/**
 * summary.csv's columns in their established order: collectors' figures are placed by this list, and
 * columns it does not name follow in the order their collectors were added.
 *
 * summary.csv is data: figures keep full precision (tidy's 12 significant digits, which only drops float
 * noise), so that runs compare and aggregate without rounding error and one seed gives the same bytes
 * everywhere; the terminal summary (cli/run.ts) rounds them for reading. A figure with no value (a
 * scheduling latency percentile when no pod was scheduled) is an empty cell.
 */
export const SUMMARY_ORDER = [
  'scenario',
  'seed',
  'profile',
  'duration_s',
  'nodes',
  'nodes_used_end',
  'nodes_used_peak',
  'pods_created',
  'pods_scheduled',
  'pods_pending_end',
  'pods_running_end',
  'pods_succeeded',
  'pods_preempted',
  'pods_deleted',
  'pods_pending_peak',
  'pods_pending_mean',
  'scheduling_attempts',
  'scheduling_failures',
  'preemptions',
  'nodes_evaluated_per_attempt',
  'scheduling_latency_p50_s',
  'scheduling_latency_p90_s',
  'scheduling_latency_p99_s',
  'scheduling_latency_max_s',
  'cpu_requested_ratio_mean',
  'memory_requested_ratio_mean',
  'cpu_requested_ratio_end',
  'cpu_requested_ratio_peak',
  'fragmentation_ratio_peak',
  'node_hours',
  'cost',
  'events',
];

export class Metrics {
  private readonly collectors: Collector[] = [];
  private readonly kSample: number;
  readonly timeseries: RowSink;

  constructor(
    private readonly sim: Simulation,
    readonly sinks: SinkFactory,
    private readonly intervalMs: number,
  ) {
    this.timeseries = sinks.open(TIMESERIES_FILE, TIMESERIES_COLUMNS);
    this.kSample = sim.register('metrics.sample', () => this.sample());
    sim.schedule(0, this.kSample);
  }

  add<C extends Collector>(c: C): C {
    this.collectors.push(c);
    return c;
  }

  private sample(): void {
    const t = seconds(this.sim.now);
    for (const c of this.collectors) c.sample?.(t, this.timeseries);
    this.sim.schedule(this.intervalMs, this.kSample);
  }

  /** Ends the run: collectors write their last rows; returns the summary in SUMMARY_ORDER. */
  finish(run: Figures): Figures {
    for (const c of this.collectors) c.finish?.();
    const all: Figures = { ...run };
    for (const c of this.collectors) Object.assign(all, c.summary?.());
    const out: Figures = {};
    for (const k of SUMMARY_ORDER) if (k in all) out[k] = all[k]!;
    for (const k of Object.keys(all)) if (!(k in out)) out[k] = all[k]!;
    return out;
  }
}

/** A sink factory from fixed sinks by file name (tests); files without one are discarded. */
export function namedSinks(sinks: Partial<Record<string, RowSink>>): SinkFactory {
  const discard: RowSink = { write() {} };
  return { open: (file) => sinks[file.replace(/\.csv$/, '')] ?? discard };
}
