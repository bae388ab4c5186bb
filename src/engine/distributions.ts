// Distributions a scenario can name. Parameters are in base units (ms for durations,
// millicores or bytes for quantities); the scenario loader converts them.
import type { Rng } from './rng.js';

/** z such that P(Z <= z) = 0.9 for a standard normal. */
export const Z90 = 1.2815515655446004;

export type Distribution =
  | { kind: 'constant'; value: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'exponential'; mean: number }
  | { kind: 'normal'; mean: number; stddev: number; min?: number }
  | { kind: 'lognormal'; mu: number; sigma: number }
  | { kind: 'weibull'; shape: number; scale: number }
  | { kind: 'empirical'; values: Float64Array };

/** Draws one value; normal draws are truncated at `min` (default 0) because durations and requests cannot be negative. */
export function sample(d: Distribution, rng: Rng): number {
  switch (d.kind) {
    case 'constant':
      return d.value;
    case 'uniform':
      return rng.uniform(d.min, d.max);
    case 'exponential':
      return rng.exponential(d.mean);
    case 'normal':
      return Math.max(d.min ?? 0, rng.normal(d.mean, d.stddev));
    case 'lognormal':
      return rng.lognormal(d.mu, d.sigma);
    case 'weibull':
      return rng.weibull(d.shape, d.scale);
    case 'empirical':
      return d.values[rng.int(d.values.length)]!;
  }
}

/** Lognormal parameters from a median and a 90th percentile. */
export function lognormalFromMedianP90(median: number, p90: number): { mu: number; sigma: number } {
  return { mu: Math.log(median), sigma: Math.log(p90 / median) / Z90 };
}

export function mean(d: Distribution): number {
  switch (d.kind) {
    case 'constant':
      return d.value;
    case 'uniform':
      return (d.min + d.max) / 2;
    case 'exponential':
      return d.mean;
    case 'normal':
      return d.mean;
    case 'lognormal':
      return Math.exp(d.mu + (d.sigma * d.sigma) / 2);
    case 'weibull': {
      return d.scale * gamma(1 + 1 / d.shape);
    }
    case 'empirical': {
      let s = 0;
      for (const v of d.values) s += v;
      return d.values.length ? s / d.values.length : 0;
    }
  }
}

/** Lanczos approximation of the gamma function (g = 7), accurate to ~1e-13 for positive arguments. */
export function gamma(z: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.PI / (Math.sin(Math.PI * z) * gamma(1 - z));
  z -= 1;
  let x = c[0]!;
  for (let i = 1; i < g + 2; i++) x += c[i]! / (z + i);
  const t = z + g + 0.5;
  return Math.sqrt(2 * Math.PI) * Math.pow(t, z + 0.5) * Math.exp(-t) * x;
}
