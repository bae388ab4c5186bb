// End-to-end latency in fluid mode, from each Service's mean and percentiles (p50, p90, p99, p999): a request
// waits for the slowest of the calls it makes (independent, in parallel), and its own work and its calls' add up.
import { shareAbove } from './stats.js';

const LEVELS = [0.5, 0.9, 0.99, 0.999];

/**
 * The latency of the slowest of several independent calls, each given by its mean and its p50, p90, p99 and
 * p999: P(max <= x) is the product of the calls' P(X <= x) (read from their percentiles as shareAbove does);
 * its percentiles by bisection, its mean by integrating P(max > x).
 */
export function slowestOf(calls: readonly { meanMs: number; p: readonly number[] }[]): { meanMs: number; p: number[] } {
  if (calls.length === 1) return { meanMs: calls[0]!.meanMs, p: [...calls[0]!.p] };
  const top = Math.max(...calls.map((c) => c.p[3]!));
  const cdf = (x: number) => calls.reduce((a, c) => a * (1 - shareAbove(x, c.p)), 1);
  const p = LEVELS.map((q) => {
    let lo = 0;
    let hi = top;
    for (let i = 0; i < 40; i++) {
      const mid = (lo + hi) / 2;
      if (cdf(mid) < q) lo = mid;
      else hi = mid;
    }
    return hi;
  });
  // The mean: the largest mean, raised by what the product adds over the percentile range.
  const steps = 64;
  let area = 0;
  for (let i = 0; i < steps; i++) area += (1 - cdf(((i + 0.5) * top) / steps)) * (top / steps);
  let areaMax = 0;
  const widest = calls.reduce((a, c) => (c.meanMs > a.meanMs ? c : a));
  for (let i = 0; i < steps; i++) areaMax += shareAbove(((i + 0.5) * top) / steps, widest.p) * (top / steps);
  return { meanMs: widest.meanMs + Math.max(0, area - areaMax), p };
}

/** Standard normal quantiles of LEVELS. */
const Z = [0, 1.2815515655446004, 2.3263478740408408, 3.090232306167813];

/** A latency as a lognormal fitted to its p50 and p99: its variance. */
function lognormalVariance(x: { meanMs: number; p: readonly number[] }): number {
  const p50 = Math.max(x.p[0]!, 1e-9);
  const p99 = Math.max(x.p[2]!, p50);
  const sigma = Math.log(p99 / p50) / Z[2]!;
  const mu = Math.log(p50);
  return (Math.exp(sigma * sigma) - 1) * Math.exp(2 * mu + sigma * sigma);
}

/**
 * The latency of two independent parts one after the other (Fenton–Wilkinson): the means and the variances
 * (each part's from a lognormal through its p50 and p99) add, and the sum is the lognormal with that mean and
 * variance.
 */
export function sumOf(
  a: { meanMs: number; p: readonly number[] },
  b: { meanMs: number; p: readonly number[] },
): { meanMs: number; p: number[] } {
  const mean = a.meanMs + b.meanMs;
  if (!(mean > 0)) return { meanMs: mean, p: a.p.map((x, i) => x + b.p[i]!) };
  const variance = lognormalVariance(a) + lognormalVariance(b);
  const s2 = Math.log(1 + variance / (mean * mean));
  const mu = Math.log(mean) - s2 / 2;
  return { meanMs: mean, p: Z.map((z) => Math.exp(mu + z * Math.sqrt(s2))) };
}
