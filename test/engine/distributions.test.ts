import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../src/engine/rng.js';
import { gamma, lognormalFromMedianP90, mean, sample, type Distribution } from '../../src/engine/distributions.js';

function draws(d: Distribution, n: number, name = 'd'): Float64Array {
  const rng = new RngStreams(7).get(name);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = sample(d, rng);
  return out;
}

function avg(xs: Float64Array): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

describe('distributions', () => {
  const n = 200_000;
  // Each sample mean must lie within 4 standard errors of the analytic mean.
  it.each<[string, Distribution, number]>([
    ['uniform', { kind: 'uniform', min: 2, max: 6 }, Math.sqrt(16 / 12)],
    ['exponential', { kind: 'exponential', mean: 5 }, 5],
    ['normal', { kind: 'normal', mean: 100, stddev: 10 }, 10],
    ['weibull', { kind: 'weibull', shape: 1.5, scale: 3 }, 3 * Math.sqrt(gamma(1 + 2 / 1.5) - gamma(1 + 1 / 1.5) ** 2)],
    ['lognormal', { kind: 'lognormal', mu: 0, sigma: 0.5 }, Math.sqrt((Math.exp(0.25) - 1) * Math.exp(0.25))],
  ])('%s sample mean matches its analytic mean', (_name, d, sd) => {
    const m = avg(draws(d, n));
    expect(Math.abs(m - mean(d))).toBeLessThan((4 * sd) / Math.sqrt(n));
  });

  it('lognormal from median and p90 has that median and p90', () => {
    const d: Distribution = { kind: 'lognormal', ...lognormalFromMedianP90(500, 2000) };
    const xs = draws(d, n).sort();
    expect(xs[Math.floor(n * 0.5)]! / 500).toBeCloseTo(1, 1);
    expect(xs[Math.floor(n * 0.9)]! / 2000).toBeCloseTo(1, 1);
  });

  it('empirical draws only its values, about uniformly', () => {
    const xs = draws({ kind: 'empirical', values: Float64Array.from([1, 2, 3]) }, 30_000);
    const counts = [0, 0, 0];
    for (const x of xs) counts[x - 1]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });

  it('gamma matches factorials', () => {
    expect(gamma(5)).toBeCloseTo(24, 9);
    expect(gamma(0.5)).toBeCloseTo(Math.sqrt(Math.PI), 9);
  });
});
