// The request-level traffic of a whole run against queueing theory: one Service backed by one pod with c
// slots is an M/M/c queue (Poisson arrivals, exponential service, one FIFO queue). Its response time T is
// W + S: W is 0 with probability 1 − C and otherwise exponential with rate cμ − λ, S exponential with rate
// μ, so P(T > t) = (1 − C)e^(−μt) + C(a e^(−μt) − μ e^(−at))/(a − μ) with a = cμ − λ and C Erlang C.
// 10 seeds × about 180,000 requests each (c = 3, λ = 2.1/s, μ = 1/s: ρ = 0.7, a day per seed): the 95%
// intervals over seeds of the mean response and of the p50, p90 and p99 must contain the exact values and
// be no wider than ±2%.
import { describe, expect, it } from 'vitest';
import { erlangC } from '../../src/traffic/erlang.js';
import { runScenario } from '../helpers/scenario.js';
import { serviceApp } from '../helpers/manifests.js';

const C = 3;
const LAMBDA = 2.1;
const MU = 1;

function scenario(seed: number) {
  return `
name: mmc
seed: ${seed}
duration: 24h
metrics: {interval: 1h}
cluster:
  nodePools:
    - {name: p, count: 1, allocatable: {cpu: "4", memory: 16Gi}}
workloads:
  - objects:${serviceApp('web')}
traffic:
  entrypoints:
    - {service: web, rate: ${LAMBDA}}
  services:
    web: {serviceTime: {exponential: {mean: 1s}}, concurrency: ${C}, queueLimit: 100000, timeout: 1h}
`;
}

/** P(T > t), t in seconds. */
function responseTail(t: number): number {
  const c = erlangC(C, LAMBDA, MU);
  const a = C * MU - LAMBDA;
  return (1 - c) * Math.exp(-MU * t) + (c * (a * Math.exp(-MU * t) - MU * Math.exp(-a * t))) / (a - MU);
}

/** The p-quantile of T in ms, by bisection on the tail. */
function quantileMs(p: number): number {
  let lo = 0;
  let hi = 100;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (responseTail(mid) > 1 - p) lo = mid;
    else hi = mid;
  }
  return lo * 1000;
}

/** Mean and 95% half-width (Student t, 9 degrees of freedom) of a sample. */
function interval(xs: number[]): { mean: number; half: number } {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  return { mean, half: (2.262 * sd) / Math.sqrt(n) };
}

describe('one Service as an M/M/c queue (Erlang C)', () => {
  it('mean response and its percentiles fall in the 95% intervals of 10 seeds, each ±2% wide', () => {
    const runs = Array.from({ length: 10 }, (_, i) => runScenario(scenario(i + 1)).summary);
    expect(Number(runs[0]!.requests)).toBeGreaterThan(170_000);
    const want = {
      latency_mean_ms: (erlangC(C, LAMBDA, MU) / (C * MU - LAMBDA) + 1 / MU) * 1000,
      latency_p50_ms: quantileMs(0.5),
      latency_p90_ms: quantileMs(0.9),
      latency_p99_ms: quantileMs(0.99),
    };
    for (const [key, exact] of Object.entries(want)) {
      const { mean, half } = interval(runs.map((r) => Number(r[key])));
      expect(half / exact, key).toBeLessThan(0.02);
      expect(Math.abs(mean - exact), `${key}: ${mean} ± ${half} vs ${exact}`).toBeLessThan(half);
    }
    // Only the requests of the first 2 s failed (the pod starts at 1 s and is listed 1 s later): about 4 a run.
    for (const r of runs) expect(Number(r.requests_failed)).toBeLessThan(20);
  }, 120_000);
});
