// What the traffic of a run did, per Service and per entry point (end to end): counts of requests and of
// each way they fail, and latency histograms (HdrHistogram, 3 significant digits) for the current metrics
// interval and for the whole run.
import * as hdr from 'hdr-histogram-js';

/** Ways a request fails. */
export const FAILURES = ['no_endpoints', 'refused', 'dropped', 'timed_out', 'killed', 'dependency'] as const;
export type Failure = (typeof FAILURES)[number];

function histogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 86_400_000, numberOfSignificantValueDigits: 3 });
}

export class Counts {
  requests = 0;
  ok = 0;
  /** Answered, but slower than the objective. */
  slow = 0;
  readonly failed: Record<Failure, number> = { no_endpoints: 0, refused: 0, dropped: 0, timed_out: 0, killed: 0, dependency: 0 };

  get failures(): number {
    let n = 0;
    for (const f of FAILURES) n += this.failed[f];
    return n;
  }

  reset(): void {
    this.requests = this.ok = this.slow = 0;
    for (const f of FAILURES) this.failed[f] = 0;
  }
}

export class TrafficSeries {
  readonly total = new Counts();
  readonly interval = new Counts();
  readonly latency = histogram();
  readonly intervalLatency = histogram();

  constructor(
    /** The Service's name ("namespace/name"). */
    readonly name: string,
    /** 'service': requests a Service's pods served; 'entry': whole requests from their entry point. */
    readonly scope: 'service' | 'entry',
    private readonly sloMs: number,
  ) {}

  arrived(): void {
    this.total.requests++;
    this.interval.requests++;
  }

  answered(latencyMs: number): void {
    const v = Math.max(1, Math.round(latencyMs));
    this.total.ok++;
    this.interval.ok++;
    if (latencyMs > this.sloMs) {
      this.total.slow++;
      this.interval.slow++;
    }
    this.latency.recordValue(v);
    this.intervalLatency.recordValue(v);
  }

  failed(why: Failure): void {
    this.total.failed[why]++;
    this.interval.failed[why]++;
  }

  /** Starts the next metrics interval. */
  nextInterval(): void {
    this.interval.reset();
    this.intervalLatency.reset();
  }
}

/** A latency percentile of a histogram in ms, or '' when it holds nothing. */
export function percentile(h: hdr.Histogram, p: number): number | '' {
  return h.totalCount === 0 ? '' : h.getValueAtPercentile(p);
}
