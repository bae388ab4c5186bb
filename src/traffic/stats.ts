// What the traffic of a run did, per Service and per entry point (end to end): counts of requests and of
// each way they fail, and latency histograms (HdrHistogram, 3 significant digits) for the current metrics
// interval and for the whole run.
import * as hdr from 'hdr-histogram-js';

/** Ways a request fails. */
export const FAILURES = ['no_endpoints', 'refused', 'dropped', 'timed_out', 'killed', 'dependency', 'error'] as const;
export type Failure = (typeof FAILURES)[number];

function histogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 86_400_000, numberOfSignificantValueDigits: 3 });
}

export class Counts {
  requests = 0;
  ok = 0;
  /** Answered, but slower than the objective. */
  slow = 0;
  readonly failed: Record<Failure, number> = { no_endpoints: 0, refused: 0, dropped: 0, timed_out: 0, killed: 0, dependency: 0, error: 0 };

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

/** Latencies below this (ms) are counted in a plain array and handed to the histograms per interval. */
const DIRECT = 65_536;

export class TrafficSeries {
  readonly total = new Counts();
  readonly interval = new Counts();
  /** The current interval's latencies: read them after flush(). */
  readonly intervalLatency = histogram();
  /** The whole run's latencies below DIRECT by whole ms, and those above in a histogram. */
  private readonly totalCounts = new Float64Array(DIRECT);
  private readonly totalAbove = histogram();
  /** Counts per whole ms not yet in the histograms, and which ms have any (recording into HdrHistogram per request costs more). */
  private readonly counts = new Uint32Array(DIRECT);
  private readonly touched: number[] = [];

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
    this.window?.answered(v);
    this.total.ok++;
    this.interval.ok++;
    if (latencyMs > this.sloMs) {
      this.total.slow++;
      this.interval.slow++;
    }
    if (v < DIRECT) {
      if (this.counts[v]++ === 0) this.touched.push(v);
    } else {
      this.totalAbove.recordValue(v);
      this.intervalLatency.recordValue(v);
    }
  }

  /** The whole run's latencies as a histogram (built on demand). */
  get latency(): hdr.Histogram {
    this.flush();
    const h = histogram();
    h.add(this.totalAbove);
    for (let v = 0; v < DIRECT; v++) if (this.totalCounts[v]! > 0) h.recordValueWithCount(v, this.totalCounts[v]!);
    return h;
  }

  /** Moves the latencies counted since the last flush into the histograms. */
  flush(): void {
    for (const v of this.touched) {
      const n = this.counts[v]!;
      this.totalCounts[v] += n;
      this.intervalLatency.recordValueWithCount(v, n);
      this.counts[v] = 0;
    }
    this.touched.length = 0;
  }

  failed(why: Failure): void {
    if (this.window) this.window.failures++;
    this.total.failed[why]++;
    this.interval.failed[why]++;
  }

  /** Fluid mode: this interval's latency mean and percentiles (p50, p90, p99, p999) of the answers, and the run's sums weighted by answers. */
  fluid: { mean: number; p: number[]; weight: number; sumMean: number; sumP: number[] } | null = null;

  /** Fluid mode: an interval's expected counts and latencies at once. */
  addFluid(requests: number, ok: number, failed: Partial<Record<Failure, number>>, meanMs: number, p: number[]): void {
    const f = (this.fluid ??= { mean: 0, p: [0, 0, 0, 0], weight: 0, sumMean: 0, sumP: [0, 0, 0, 0] });
    this.total.requests += requests;
    this.interval.requests += requests;
    this.total.ok += ok;
    this.interval.ok += ok;
    for (const k of FAILURES) {
      const n = failed[k] ?? 0;
      this.total.failed[k] += n;
      this.interval.failed[k] += n;
    }
    if (ok > 0) {
      // The interval's figures, weighted by its answers (several steps in one metrics interval).
      const w = this.interval.ok;
      const before = w - ok;
      f.mean = (f.mean * before + meanMs * ok) / w;
      for (let i = 0; i < 4; i++) f.p[i] = (f.p[i]! * before + p[i]! * ok) / w;
      f.weight += ok;
      f.sumMean += meanMs * ok;
      for (let i = 0; i < 4; i++) f.sumP[i] += p[i]! * ok;
      const slow = ok * shareAbove(this.sloMs, p);
      this.total.slow += slow;
      this.interval.slow += slow;
    }
    if (this.window) {
      this.window.failures += requests - ok;
      this.window.answeredFluid(ok, p[2]!);
    }
  }

  /** A window of its own (a canary's abort rule): counts since the last take. */
  window: WindowStats | null = null;

  /** Starts the next metrics interval. */
  nextInterval(): void {
    this.flush();
    this.interval.reset();
    if (this.fluid) {
      this.fluid.mean = 0;
      this.fluid.p = [0, 0, 0, 0];
    }
    this.intervalLatency.reset();
  }
}

/** A latency percentile of a histogram in ms, or '' when it holds nothing. */
export function percentile(h: hdr.Histogram, p: number): number | '' {
  return h.totalCount === 0 ? '' : h.getValueAtPercentile(p);
}

/** Answers and failures over a window, with the answers' latencies by whole ms (for a p99). */
export class WindowStats {
  failures = 0;
  answers = 0;
  private readonly counts = new Map<number, number>();

  answered(v: number): void {
    this.answers++;
    this.counts.set(v, (this.counts.get(v) ?? 0) + 1);
  }

  /** Fluid mode: expected answers with an interval's p99 (the window's p99 is taken as the largest). */
  private fluidP99 = 0;
  answeredFluid(n: number, p99: number): void {
    this.answers += n;
    if (n > 0) this.fluidP99 = Math.max(this.fluidP99, p99);
  }

  /** The window's p-th percentile of the answers' latencies (nearest rank), or 0 without answers. */
  percentile(p: number): number {
    if (this.fluidP99 > 0) return this.fluidP99;
    const rank = Math.ceil((p / 100) * this.answers);
    let seen = 0;
    for (const v of [...this.counts.keys()].sort((a, b) => a - b)) {
      seen += this.counts.get(v)!;
      if (seen >= rank) return v;
    }
    return 0;
  }

  reset(): void {
    this.failures = this.answers = 0;
    this.fluidP99 = 0;
    this.counts.clear();
  }
}

/**
 * The share of answers slower than x, from an interval's p50, p90, p99 and p999: log-linear in the tail
 * probability between those points, linear from 1 at 0 ms to 0.5 at p50, and at most 0.001 beyond p999.
 */
export function shareAbove(x: number, p: readonly number[]): number {
  const probs = [0.5, 0.1, 0.01, 0.001];
  if (x <= 0) return 1;
  if (x < p[0]!) return 1 - (0.5 * x) / p[0]!;
  for (let i = 0; i < 3; i++) {
    const a = p[i]!;
    const b = p[i + 1]!;
    if (x < b) {
      const f = b > a ? (x - a) / (b - a) : 1;
      return Math.exp(Math.log(probs[i]!) + f * (Math.log(probs[i + 1]!) - Math.log(probs[i]!)));
    }
  }
  return x === p[3] ? 0.001 : 0;
}
