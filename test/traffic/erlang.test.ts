// Erlang C and the M/M/c formulas against published values and independent computations, and the bare
// M/M/c loop against them.
import { beforeAll, describe, expect, it } from 'vitest';
import { RngStreams } from '../../src/engine/rng.js';
import { erlangB, erlangC, mmcMeanResponse, mmcMeanWait, mmcWaitTail } from '../../src/traffic/erlang.js';
import { simulateMMc, type MMcResult } from '../../src/traffic/mmc.js';

/** Erlang C by the direct sum, in logs so large c does not overflow: C = T_c/(1−ρ) / (Σ_{k<c} T_k + T_c/(1−ρ)), T_k = a^k/k!. */
function erlangCDirect(c: number, lambda: number, mu: number): number {
  const a = lambda / mu;
  const rho = a / c;
  const logT = [0];
  for (let k = 1; k <= c; k++) logT.push(logT[k - 1]! + Math.log(a / k));
  const logTop = logT[c]! - Math.log(1 - rho);
  const m = Math.max(logTop, ...logT.slice(0, c));
  let below = 0;
  for (let k = 0; k < c; k++) below += Math.exp(logT[k]! - m);
  const top = Math.exp(logTop - m);
  return top / (below + top);
}

describe('erlangC', () => {
  // [c, lambda, mu, expected, source]
  const table: [number, number, number, number, string][] = [
    [1, 0.5, 1, 0.5, 'M/M/1: C = ρ'],
    [1, 0.9, 2, 0.45, 'M/M/1: C = ρ'],
    [2, 1, 1, 1 / 3, 'M/M/2: C = 2ρ²/(1+ρ), ρ = 1/2'],
    [2, 1.5, 1, 9 / 14, 'M/M/2: C = 2ρ²/(1+ρ), ρ = 3/4'],
    [2, 3.8, 2, (2 * 0.95 ** 2) / 1.95, 'M/M/2: C = 2ρ²/(1+ρ), ρ = 0.95'],
    [3, 2.1, 1, erlangCDirect(3, 2.1, 1), 'direct sum'],
    [10, 8, 1, erlangCDirect(10, 8, 1), 'direct sum'],
    [50, 45, 1, erlangCDirect(50, 45, 1), 'direct sum'],
    [500, 480, 1, erlangCDirect(500, 480, 1), 'direct sum in logs (a^c/c! overflows)'],
  ];
  it.each(table)('c=%s λ=%s μ=%s → %s (%s)', (c, lambda, mu, expected) => {
    expect(erlangC(c, lambda, mu)).toBeCloseTo(expected, 12);
  });

  it('the direct sum itself gives the closed forms for c = 1 and 2', () => {
    expect(erlangCDirect(1, 0.5, 1)).toBeCloseTo(0.5, 14);
    expect(erlangCDirect(2, 1.5, 1)).toBeCloseTo(9 / 14, 14);
  });

  it('Erlang B by recursion matches a^c/c! / Σ a^k/k! for small c', () => {
    // c = 3, a = 2: (8/6) / (1 + 2 + 2 + 8/6) = 4/19
    expect(erlangB(3, 2)).toBeCloseTo(4 / 19, 14);
  });

  it('throws on an unstable or malformed queue', () => {
    expect(() => erlangC(2, 2, 1)).toThrow(/unstable/);
    expect(() => erlangC(2, 3, 1)).toThrow(/unstable/);
    expect(() => erlangC(0, 0.5, 1)).toThrow(/integer/);
    expect(() => mmcMeanWait(1, 1, 1)).toThrow(/unstable/);
  });
});

describe('M/M/c waits', () => {
  it('M/M/1: Wq = ρ/(μ−λ), W = 1/(μ−λ), P(W>t) = ρ·e^(−(μ−λ)t)', () => {
    expect(mmcMeanWait(1, 0.5, 1)).toBeCloseTo(1, 14);
    expect(mmcMeanResponse(1, 0.5, 1)).toBeCloseTo(2, 14);
    expect(mmcWaitTail(1, 0.5, 1, 2)).toBeCloseTo(0.5 * Math.exp(-1), 14);
  });

  it('M/M/2, λ = 1.5, μ = 1: Wq = C/(2−1.5) = 9/7', () => {
    expect(mmcMeanWait(2, 1.5, 1)).toBeCloseTo(9 / 7, 14);
    expect(mmcWaitTail(2, 1.5, 1, 0)).toBeCloseTo(9 / 14, 14);
    expect(mmcWaitTail(2, 1.5, 1, -1)).toBe(1);
  });

  it('the tail integrates to the mean: ∫ P(W>t) dt = Wq', () => {
    const [c, lambda, mu] = [4, 3.2, 1];
    const h = 1e-3;
    let area = 0;
    for (let t = h / 2; t < 60; t += h) area += mmcWaitTail(c, lambda, mu, t) * h;
    expect(area).toBeCloseTo(mmcMeanWait(c, lambda, mu), 6);
  });
});

/** Sample mean and the half-width of its 95% confidence interval (Student t, 19 degrees of freedom). */
function interval(xs: number[]): { mean: number; half: number } {
  expect(xs.length).toBe(20);
  const T_19_975 = 2.093;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, half: (T_19_975 * Math.sqrt(variance)) / Math.sqrt(xs.length) };
}

describe('bare M/M/c loop against Erlang C', () => {
  // c = 3, ρ = 0.7 (Wq ≈ 0.547, C ≈ 0.492; t = Wq/2, Wq, 2Wq give P(W>t) ≈ 0.385, 0.301, 0.184). N = 20 independent seeds × 200,000 customers after 1,000 warm-up
  // ones: the 95% half-widths come out at about 1.1% of Wq and 0.5–1.2% of P(W>t), within the 2% asked for.
  const [c, lambda, mu] = [3, 2.1, 1];
  const N = 20;
  const customers = 200_000;
  const wq = mmcMeanWait(c, lambda, mu);
  const tailAt = [0.5 * wq, wq, 2 * wq];
  let runs: MMcResult[] = [];
  beforeAll(() => {
    const streams = new RngStreams(1);
    runs = Array.from({ length: N }, (_, i) =>
      simulateMMc({ c, lambda, mu, customers, warmup: 1000, tailAt, rng: streams.get(`mmc:${i}`) }),
    );
  });

  it('serves every measured customer', () => {
    expect(runs).toHaveLength(N);
    for (const r of runs) expect(r.served).toBe(customers);
  });

  it('the 95% interval of the mean wait holds Wq and is within 2% of it', () => {
    const { mean, half } = interval(runs.map((r) => r.meanWait));
    expect(half / wq).toBeLessThan(0.02);
    expect(Math.abs(mean - wq)).toBeLessThan(half);
  });

  for (const k of [0, 1, 2])
    it(`the 95% interval of P(W > t) holds C·e^(−(cμ−λ)t) and is within 2% of it at t = ${tailAt[k]!.toFixed(3)}`, () => {
      const p = mmcWaitTail(c, lambda, mu, tailAt[k]!);
      const { mean, half } = interval(runs.map((r) => r.waitTail[k]!));
      expect(half / p).toBeLessThan(0.02);
      expect(Math.abs(mean - p)).toBeLessThan(half);
    });

  it('the same stream gives the same run', () => {
    const again = simulateMMc({ c, lambda, mu, customers: 1000, rng: new RngStreams(1).get('mmc:0') });
    const first = simulateMMc({ c, lambda, mu, customers: 1000, rng: new RngStreams(1).get('mmc:0') });
    expect(again).toEqual(first);
  });
});
