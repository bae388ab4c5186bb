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

/**
 * Latencies are counted by the buckets of an HdrHistogram at 3 significant digits from 1 ms (JsHistogram's
 * countsArrayIndex): 2048 sub-buckets, so values below 2048 ms count exactly and each power of two above
 * halves the resolution. Plain counts per bucket index cover values below LIMIT (the range histogram() is
 * built for); larger ones go to HdrHistograms.
 */
const LIMIT = 2 ** 27;
const INDICES = 18 << 10;

/** The bucket index of a latency v, 1 <= v < LIMIT. */
function indexOf(v: number): number {
  const shift = Math.max(0, 21 - Math.clz32(v));
  return (shift << 10) + (v >> shift);
}

/** The lowest latency counted at index i (JsHistogram.valueFromIndex), or with `highest`, the highest. */
function valueAt(i: number, highest: boolean): number {
  const shift = Math.max(0, (i >> 10) - 1);
  const lowest = (i - (shift << 10)) << shift;
  return highest ? lowest + (1 << shift) - 1 : lowest;
}

/**
 * One metrics interval's latencies: counts by bucket index, and a histogram above LIMIT. Percentiles are those
 * of an HdrHistogram holding the same values, walked over the indices in use (ordered by prepare()) rather
 * than over all of them.
 */
export class IntervalLatency {
  /** Counts by bucket index, and which indices have any (the first `used` of `touched`). */
  readonly counts = new Uint32Array(INDICES);
  private touched = new Int32Array(1024);
  private used = 0;
  readonly above = histogram();
  /**
   * Set by prepare(): the indices in use in increasing order (the first `n` of `sorted`), the running sums of their
   * counts, and how many are counted. The arrays are kept from interval to interval (as large as `touched`): made
   * anew at every prepare, their backing stores outside the heap made each later one several times slower.
   */
  private sorted = new Int32Array(1024);
  private cumulative = new Float64Array(1024);
  private n = 0;
  private direct = 0;
  totalCount = 0;

  record(v: number): void {
    if (v < LIMIT) {
      const i = indexOf(v);
      if (this.counts[i]++ === 0) {
        if (this.used === this.touched.length) {
          const t = new Int32Array(this.used * 2);
          t.set(this.touched);
          this.touched = t;
        }
        this.touched[this.used++] = i;
      }
    } else this.above.recordValue(v);
  }

  /** Orders the indices in use (by a scan of their range when that is dense, else a sort). */
  prepare(): void {
    const t = this.touched.subarray(0, this.used);
    const counts = this.counts;
    let lo = INDICES;
    let hi = -1;
    for (let k = 0; k < t.length; k++) {
      const i = t[k]!;
      if (i < lo) lo = i;
      if (i > hi) hi = i;
    }
    if (this.sorted.length < t.length) {
      this.sorted = new Int32Array(this.touched.length);
      this.cumulative = new Float64Array(this.touched.length);
    }
    const sorted = this.sorted;
    const cumulative = this.cumulative;
    const n = t.length;
    if (hi - lo < 8 * n) {
      let k = 0;
      for (let i = lo; i <= hi; i++) if (counts[i]! > 0) sorted[k++] = i;
    } else {
      sorted.set(t);
      sorted.subarray(0, n).sort();
    }
    let sum = 0;
    for (let k = 0; k < n; k++) cumulative[k] = sum += counts[sorted[k]!]!;
    this.n = n;
    this.direct = sum;
    this.totalCount = sum + this.above.totalCount;
  }

  /** As HdrHistogram's getValueAtPercentile (nearest rank, reported as the bucket's highest value). */
  getValueAtPercentile(p: number): number {
    const requested = Math.min(p, 100);
    const fp = (requested / 100) * this.totalCount;
    // HdrHistogram's rounding: up, but not past a count that fp's own rounding error (one ulp) overshoots.
    const rank = Math.max(Math.ceil(fp - Math.pow(2, Math.floor(Math.log2(fp)) - 52)), 1);
    if (rank > this.direct) return this.all().getValueAtPercentile(p);
    // The first index whose running sum reaches the rank.
    const c = this.cumulative;
    let lo = 0;
    let hi = this.n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (c[mid]! >= rank) hi = mid;
      else lo = mid + 1;
    }
    return valueAt(this.sorted[lo]!, p !== 0);
  }

  /** The interval as one HdrHistogram (only for a percentile among the values above LIMIT). */
  private all(): hdr.Histogram {
    const h = histogram();
    h.add(this.above);
    for (let k = 0; k < this.n; k++) h.recordValueWithCount(valueAt(this.sorted[k]!, false), this.counts[this.sorted[k]!]!);
    return h;
  }

  /** Adds the counts to `into` (by index) and starts empty. */
  drain(into: Float64Array): void {
    for (let k = 0; k < this.used; k++) {
      const i = this.touched[k]!;
      into[i] += this.counts[i]!;
      this.counts[i] = 0;
    }
    this.used = 0;
    // An empty histogram is as reset leaves it (reset clears every bucket: costly for each series each interval).
    if (this.above.totalCount > 0) this.above.reset();
    this.n = this.direct = this.totalCount = 0;
  }
}

export class TrafficSeries {
  readonly total: Counts;
  readonly interval: Counts;
  /** The current interval's latencies: read them after flush(). */
  readonly intervalLatency: IntervalLatency;
  /** Earlier intervals' latencies below LIMIT by bucket index, and the whole run's above in a histogram. */
  private readonly totalCounts: Float64Array;
  private readonly totalAbove: hdr.Histogram;

  constructor(
    /** The Service's name ("namespace/name"). */
    readonly name: string,
    /** 'service': requests a Service's pods served; 'entry': whole requests from their entry point. */
    readonly scope: 'service' | 'entry',
    private readonly sloMs: number,
    /**
     * A series that records exactly what this one would (an entry point whose only backend is a Service that
     * calls nothing and that nothing else sends requests to): this one shows its counts and latencies, and
     * nothing is recorded into this one. Starting the next interval on either starts it on both.
     */
    readonly source: TrafficSeries | null = null,
  ) {
    this.total = source ? source.total : new Counts();
    this.interval = source ? source.interval : new Counts();
    this.intervalLatency = source ? source.intervalLatency : new IntervalLatency();
    this.totalCounts = source ? source.totalCounts : new Float64Array(INDICES);
    this.totalAbove = source ? source.totalAbove : histogram();
  }

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
    this.intervalLatency.record(v);
    if (v >= LIMIT) this.totalAbove.recordValue(v);
  }

  /** The whole run's latencies as a histogram (built on demand). */
  get latency(): hdr.Histogram {
    const h = histogram();
    h.add(this.totalAbove);
    const now = this.intervalLatency.counts;
    for (let i = 0; i < INDICES; i++) {
      const n = this.totalCounts[i]! + now[i]!;
      if (n > 0) h.recordValueWithCount(valueAt(i, false), n);
    }
    return h;
  }

  /** Makes intervalLatency current with the latencies recorded so far. */
  flush(): void {
    this.intervalLatency.prepare();
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
    // Field by field (a loop over FAILURES reads the object by a variable key, slowly); zero is the common case.
    this.addFailed('no_endpoints', failed.no_endpoints);
    this.addFailed('refused', failed.refused);
    this.addFailed('dropped', failed.dropped);
    this.addFailed('timed_out', failed.timed_out);
    this.addFailed('killed', failed.killed);
    this.addFailed('dependency', failed.dependency);
    this.addFailed('error', failed.error);
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

  private addFailed(k: Failure, n: number | undefined): void {
    if (n === undefined || n === 0) return;
    this.total.failed[k] += n;
    this.interval.failed[k] += n;
  }

  /** A window of its own (a canary's abort rule): counts since the last take. */
  window: WindowStats | null = null;

  /** Starts the next metrics interval. */
  nextInterval(): void {
    this.intervalLatency.drain(this.totalCounts);
    this.interval.reset();
    if (this.fluid) {
      this.fluid.mean = 0;
      this.fluid.p = [0, 0, 0, 0];
    }
  }
}

/** A latency percentile of a histogram in ms, or '' when it holds nothing. */
export function percentile(h: Pick<hdr.Histogram, 'totalCount' | 'getValueAtPercentile'>, p: number): number | '' {
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
  if (x <= 0) return 1;
  if (x < p[0]!) return 1 - (0.5 * x) / p[0]!;
  for (let i = 0; i < 3; i++) {
    const a = p[i]!;
    const b = p[i + 1]!;
    if (x < b) {
      const f = b > a ? (x - a) / (b - a) : 1;
      return Math.exp(LOG_TAIL[i]! + f * (LOG_TAIL[i + 1]! - LOG_TAIL[i]!));
    }
  }
  return x === p[3] ? 0.001 : 0;
}

/** The logs of the tail probabilities at p50, p90, p99 and p999. */
const LOG_TAIL = [0.5, 0.1, 0.01, 0.001].map((q) => Math.log(q));
