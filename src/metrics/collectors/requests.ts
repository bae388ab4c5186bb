// Request traffic over a run: requests.csv has a row per metrics interval for each entry point (whole
// requests, end to end) and each Service (the requests its pods served): requests, answers, failures by
// kind, and latency percentiles of the answers; summary.csv the totals over the entry points and the
// burn rate of the latency objective; services.csv the same totals per entry point and per Service.
import * as hdr from 'hdr-histogram-js';
import type { TrafficModel } from '../../traffic/controller.js';
import type { CanaryController } from '../../traffic/canary.js';
import { percentile, type TrafficSeries } from '../../traffic/stats.js';
import type { Collector, Figures, RowSink, SinkFactory } from '../collector.js';
import { tidy } from '../stats.js';

export const REQUESTS_FILE = 'requests.csv';
export const REQUEST_COLUMNS = [
  'time_s',
  'scope',
  'service',
  'requests',
  'answered',
  'errors',
  'dropped',
  'timed_out',
  'rate_rps',
  'latency_p50_ms',
  'latency_p90_ms',
  'latency_p99_ms',
  'latency_p999_ms',
];

export const SERVICES_FILE = 'services.csv';
export const SERVICE_COLUMNS = [
  'scope',
  'service',
  'requests',
  'requests_answered',
  'requests_failed',
  'requests_dropped',
  'requests_timed_out',
  'request_error_ratio',
  'latency_mean_ms',
  'latency_p50_ms',
  'latency_p90_ms',
  'latency_p99_ms',
  'latency_p999_ms',
  'slo_burn_rate',
];

export class RequestsCollector implements Collector {
  static readonly files = [REQUESTS_FILE, SERVICES_FILE];
  private readonly rows: RowSink;
  private readonly services: RowSink;
  private last = 0;

  constructor(
    /** null: the scenario has no traffic (requests.csv holds its header only, summary.csv no request columns). */
    private readonly traffic: TrafficModel | null,
    private readonly canaries: CanaryController | null,
    private readonly slo: { latencyMs: number; target: number },
    private readonly intervalMs: number,
    sinks: SinkFactory,
  ) {
    this.rows = sinks.open(REQUESTS_FILE, REQUEST_COLUMNS);
    this.services = sinks.open(SERVICES_FILE, SERVICE_COLUMNS);
  }

  /** services.csv: the run's totals of each entry point and Service. */
  finish(): void {
    if (!this.traffic) return;
    for (const s of this.traffic.series) {
      const f = this.totals([s]);
      this.services.write([s.scope, s.name, ...SERVICE_COLUMNS.slice(2).map((c) => f[c] ?? '')]);
    }
  }

  private row(t: number | string, s: TrafficSeries): void {
    s.flush();
    const c = s.interval;
    const h = s.intervalLatency;
    const errors = c.failed.no_endpoints + c.failed.refused + c.failed.killed + c.failed.dependency + c.failed.error;
    this.rows.write([
      t,
      s.scope,
      s.name,
      tidy(c.requests),
      tidy(c.ok),
      tidy(errors),
      tidy(c.failed.dropped),
      tidy(c.failed.timed_out),
      tidy(c.requests / (this.intervalMs / 1000)),
      ...(s.fluid
        ? s.fluid.p.map((x) => (c.ok > 0 ? tidy(x) : ''))
        : [percentile(h, 50), percentile(h, 90), percentile(h, 99), percentile(h, 99.9)]),
    ]);
  }

  sample(t: number | string): void {
    // The first sample (time 0) covers nothing.
    if (this.last++ === 0 || !this.traffic) return;
    const series = this.traffic.series;
    for (const s of series) this.row(t, s);
    // Every row first: a series may show another's figures (TrafficSeries.source).
    for (const s of series) s.nextInterval();
  }

  /** Totals over the series: counts, error ratio, latency mean and percentiles, SLO burn rate. */
  private totals(series: readonly TrafficSeries[]): Figures {
    const all = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 86_400_000, numberOfSignificantValueDigits: 3 });
    let requests = 0;
    let ok = 0;
    let slow = 0;
    let failed = 0;
    let dropped = 0;
    let timedOut = 0;
    let fluidWeight = 0;
    let fluidMean = 0;
    const fluidP = [0, 0, 0, 0];
    for (const e of series) {
      requests += e.total.requests;
      ok += e.total.ok;
      slow += e.total.slow;
      failed += e.total.failures;
      dropped += e.total.failed.dropped;
      timedOut += e.total.failed.timed_out;
      if (e.fluid) {
        fluidWeight += e.fluid.weight;
        fluidMean += e.fluid.sumMean;
        e.fluid.sumP.forEach((x, i) => (fluidP[i] += x));
      } else all.add(e.latency);
    }
    // Fluid mode: the answer-weighted means of the steps' figures (docs/MODEL.md).
    const fluid = fluidWeight > 0;
    const pct = (q: number, i: number) => (fluid ? tidy(fluidP[i]! / fluidWeight) : percentile(all, q));
    const done = ok + failed;
    const bad = done > 0 ? (failed + slow) / done : 0;
    return {
      requests: tidy(requests),
      requests_answered: tidy(ok),
      requests_failed: tidy(failed),
      requests_dropped: tidy(dropped),
      requests_timed_out: tidy(timedOut),
      request_error_ratio: done > 0 ? tidy(failed / done) : '',
      latency_mean_ms: fluid ? tidy(fluidMean / fluidWeight) : all.totalCount > 0 ? tidy(all.mean) : '',
      latency_p50_ms: pct(50, 0),
      latency_p90_ms: pct(90, 1),
      latency_p99_ms: pct(99, 2),
      latency_p999_ms: pct(99.9, 3),
      slo_burn_rate: done > 0 ? tidy(bad / (1 - this.slo.target)) : '',
    };
  }

  summary(): Figures {
    if (!this.traffic) return {};
    return {
      ...this.totals(this.traffic.entries),
      requests_failed_during_rollouts: tidy(this.traffic.lostDuringRollouts),
      ...(this.canaries && this.canaries.outcomes.length > 0
        ? {
            canaries_aborted: this.canaries.outcomes.filter((o) => o.abortedAt >= 0).length,
            canary_weight_end: this.canaries.outcomes.map((o) => o.weight).join(' '),
          }
        : {}),
    };
  }
}
