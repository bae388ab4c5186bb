// The fluid traffic mode against exact queueing results, the bare M/M/c loop and a Lindley-recursion M/G/1.
import { describe, expect, it } from 'vitest';
import { sample, type Distribution } from '../../src/engine/distributions.js';
import { Rng, RngStreams } from '../../src/engine/rng.js';
import { erlangB, erlangC, mmcMeanWait, mmcWaitTail } from '../../src/traffic/erlang.js';
import {
  FLUID_START,
  emptyOutput,
  fluidIntervalInto,
  distributionMoments,
  fluidInterval,
  fluidPaths,
  mmkk,
  servicePhases,
  type FluidInput,
  type FluidOutput,
  type FluidState,
} from '../../src/traffic/fluid.js';
import { simulateMMc } from '../../src/traffic/mmc.js';

const stream = (name: string, seed = 11): Rng => new RngStreams(seed).get(name);
const EXP100 = { meanMs: 100, scv: 1 };

function input(over: Partial<FluidInput>): FluidInput {
  return { dtMs: 1000, arrivals: 0, pods: 1, concurrency: 4, service: EXP100, queueLimit: Infinity, timeoutMs: Infinity, ...over };
}

/** Runs consecutive intervals, one arrivals figure each, and returns every output. */
function run(base: Partial<FluidInput>, arrivals: number[], state: FluidState = FLUID_START): { outs: FluidOutput[]; state: FluidState } {
  const outs: FluidOutput[] = [];
  for (const a of arrivals) {
    const r = fluidInterval(input({ ...base, arrivals: a }), state);
    outs.push(r.output);
    state = r.state;
  }
  return { outs, state };
}

/** Every request is accounted for once: arrivals + carried = served + dropped + timed out + failed + left waiting. */
function expectConserved(o: FluidOutput, before: FluidState, pods: number): void {
  const inflow = o.arrivals + before.pods * before.backlog;
  expect(o.served + o.dropped + o.timedOut + o.noEndpoints + o.backlog * pods).toBeCloseTo(inflow, 8);
}

/** x with P(W + S > x) = 1 − q, S ~ Exp(μ) independent of W, W known by its tail on a grid (bin midpoints). */
function latencyQuantileFromWaitTail(grid: number[], tail: number[], mu: number, q: number): number {
  const atoms: [number, number][] = [[0, 1 - tail[0]!]];
  for (let i = 0; i + 1 < grid.length; i++) atoms.push([(grid[i]! + grid[i + 1]!) / 2, tail[i]! - tail[i + 1]!]);
  const over = (x: number): number => atoms.reduce((s, [w, p]) => s + p * (x <= w ? 1 : Math.exp(-mu * (x - w))), 0);
  let lo = 0;
  let hi = grid.at(-1)!;
  for (let i = 0; i < 60; i++) [lo, hi] = over((lo + hi) / 2) > 1 - q ? [(lo + hi) / 2, hi] : [lo, (lo + hi) / 2];
  return hi;
}

/** M/G/1 FIFO by Lindley's recursion W' = max(0, W + S − A): the waits and latencies of `n` customers. */
function simulateMG1(lambda: number, service: Distribution, n: number, rng: Rng): { meanWait: number; latency: Float64Array } {
  let w = 0;
  let sum = 0;
  const latency = new Float64Array(n);
  for (let i = -n / 10; i < n; i++) {
    const s = sample(service, rng);
    if (i >= 0) [sum, latency[i]] = [sum + w, w + s];
    w = Math.max(0, w + s - rng.exponential(1 / lambda));
  }
  return { meanWait: sum / n, latency: latency.sort() };
}

/** M/M/k/K state probabilities by the balance equations: π_j ∝ a^j/j! for j <= k, π_k·ρ^(j−k) above. */
function balance(k: number, a: number, limit: number): number[] {
  const pi = [1];
  for (let j = 1; j <= k + limit; j++) pi.push((pi[j - 1]! * a) / Math.min(j, k));
  const z = pi.reduce((s, p) => s + p, 0);
  return pi.map((p) => p / z);
}
const blockingByBalance = (k: number, a: number, limit: number): number => balance(k, a, limit).at(-1)!;

/** M/M/k/K mean wait of the accepted, Lq/(λ(1 − π_K)), λ in the unit the result is wanted per. */
function mmkkMeanWait(k: number, lambda: number, mu: number, limit: number): number {
  const pi = balance(k, lambda / mu, limit);
  return pi.reduce((s, p, j) => s + Math.max(0, j - k) * p, 0) / (lambda * (1 - pi.at(-1)!));
}

describe('distributionMoments', () => {
  const table: [string, Distribution, number, number][] = [
    ['constant', { kind: 'constant', value: 40 }, 40, 0],
    ['exponential', { kind: 'exponential', mean: 25 }, 25, 1],
    ['uniform(0, 2m): SCV 1/3', { kind: 'uniform', min: 0, max: 200 }, 100, 1 / 3],
    ['normal', { kind: 'normal', mean: 100, stddev: 20 }, 100, 0.04],
    ['lognormal: SCV e^σ² − 1', { kind: 'lognormal', mu: 3, sigma: 0.8 }, Math.exp(3 + 0.32), Math.expm1(0.64)],
    ['weibull shape 1 = exponential', { kind: 'weibull', shape: 1, scale: 50 }, 50, 1],
    ['weibull shape 2: SCV 4/π − 1', { kind: 'weibull', shape: 2, scale: 10 }, 5 * Math.sqrt(Math.PI), 4 / Math.PI - 1],
    ['empirical', { kind: 'empirical', values: Float64Array.from([1, 2, 3, 6]) }, 3, 3.5 / 9],
  ];
  it.each(table)('%s', (_name, d, mean, scv) => {
    const m = distributionMoments(d);
    expect(m.meanMs).toBeCloseTo(mean, 9);
    expect(m.scv).toBeCloseTo(scv, 9);
    // The sampler agrees: 400,000 draws give the mean within 1% and the SCV within 4%.
    const rng = stream(d.kind);
    let s1 = 0;
    let s2 = 0;
    const draws = 400_000;
    for (let i = 0; i < draws; i++) {
      const x = sample(d, rng);
      [s1, s2] = [s1 + x, s2 + x * x];
    }
    const sm = s1 / draws;
    expect(Math.abs(sm / mean - 1)).toBeLessThan(0.01);
    expect(Math.abs((s2 / draws - sm * sm) / (sm * sm) - scv)).toBeLessThanOrEqual(0.04 * scv);
  });

  it.each([0, 0.25, 1, 4])('the fitted service phases keep the mean and SCV (scv = %s)', (scv) => {
    const phases = servicePhases({ meanMs: 80, scv });
    const m1 = phases.reduce((s, f) => s + f.q * (f.shift + 1 / f.rate), 0);
    const m2 = phases.reduce((s, f) => s + f.q * (f.shift ** 2 + (2 * f.shift) / f.rate + 2 / f.rate ** 2), 0);
    expect(m1).toBeCloseTo(80, 9);
    expect((m2 - m1 * m1) / (m1 * m1)).toBeCloseTo(scv, 9);
  });
});

describe('stable regime against M/M/k', () => {
  // One pod, k = 4 slots, s = 100 ms (μ = 0.01/ms), λ = 28/s: ρ = 0.7.
  const k = 4;
  const mu = 0.01;
  const lambda = 0.028;
  const { output } = fluidInterval(input({ arrivals: 28 }), FLUID_START);

  it('mean wait is Erlang C Wq, nothing dropped, nothing left waiting', () => {
    expect(output.meanWaitMs).toBeCloseTo(mmcMeanWait(k, lambda, mu), 9);
    expect(output.served).toBeCloseTo(28, 12);
    expect(output.dropped).toBe(0);
    expect(output.backlog).toBe(0);
  });

  it('three pods with three times the traffic see the same waits (random split of a Poisson stream)', () => {
    const three = fluidInterval(input({ arrivals: 84, pods: 3 }), FLUID_START).output;
    expect(three.meanWaitMs).toBeCloseTo(output.meanWaitMs, 9);
    expect(three.p99Ms).toBeCloseTo(output.p99Ms, 6);
    expect(three.served).toBeCloseTo(84, 9);
  });

  it('p50, p90, p99 and mean wait agree with simulateMMc over 600,000 customers within 5%', () => {
    const grid = Array.from({ length: 301 }, (_, i) => i * 5); // 0 … 1500 ms
    const sim = simulateMMc({ c: k, lambda, mu, customers: 600_000, warmup: 10_000, rng: stream('mmc'), tailAt: grid });
    expect(Math.abs(output.meanWaitMs / sim.meanWait - 1)).toBeLessThan(0.05);
    const got: [number, number][] = [
      [output.p50Ms, 0.5],
      [output.p90Ms, 0.9],
      [output.p99Ms, 0.99],
    ];
    for (const [fluid, q] of got) {
      const simulated = latencyQuantileFromWaitTail(grid, sim.waitTail, mu, q);
      expect(Math.abs(fluid / simulated - 1), `p${q * 100}: fluid ${fluid} ms, simulated ${simulated} ms`).toBeLessThan(0.05);
    }
    expect(output.p999Ms).toBeGreaterThan(output.p99Ms);
  });

  it('timeouts are the share P(W > T) = C·e^(−(kμ−λ)T), and agree with the simulated tail', () => {
    const o = fluidInterval(input({ arrivals: 28, timeoutMs: 200 }), FLUID_START).output;
    expect(o.timedOut / 28).toBeCloseTo(mmcWaitTail(k, lambda, mu, 200), 9);
    expect(o.served + o.timedOut).toBeCloseTo(28, 9);
    const sim = simulateMMc({ c: k, lambda, mu, customers: 300_000, warmup: 10_000, rng: stream('timeout'), tailAt: [200] });
    expect(Math.abs(o.timedOut / 28 / sim.waitTail[0]! - 1)).toBeLessThan(0.05);
    // The served are those that waited at most T: their mean wait is below the untruncated Wq.
    expect(o.meanWaitMs).toBeLessThan(output.meanWaitMs);
  });
});

describe('drops with a small queue match M/M/k/K', () => {
  // [k, L, ρ]
  const table: [number, number, number][] = [
    [2, 3, 0.9],
    [1, 2, 0.5],
    [4, 5, 0.8],
    [8, 0, 0.6],
    [3, 10, 0.95],
  ];
  it.each(table)('k=%s L=%s ρ=%s', (k, limit, rho) => {
    const arrivals = rho * k * 10; // per second, μ = 10/s
    const o = fluidInterval(input({ arrivals, concurrency: k, queueLimit: limit }), FLUID_START).output;
    expect(o.dropped / arrivals).toBeCloseTo(blockingByBalance(k, rho * k, limit), 12);
    expectConserved(o, FLUID_START, 1);
  });

  it('L = 0 is Erlang B, L = ∞ is Erlang C, and a long queue near ρ = 1 stays exact', () => {
    expect(mmkk(5, 4, 0).blocking).toBeCloseTo(erlangB(5, 4), 14);
    const open = mmkk(4, 2.8, Infinity);
    expect([open.blocking, open.waiting, open.meanAhead]).toEqual([0, erlangC(4, 2.8, 1), 1 / (1 - 0.7)].map((x) => expect.closeTo(x, 12)));
    expect(mmkk(2, 1.998, 5000).blocking).toBeCloseTo(blockingByBalance(2, 1.998, 5000), 12); // ρ = 0.999
    expect(() => mmkk(2, 2, 12)).toThrow(/ρ < 1/); // ρ >= 1 is the fluid regime's
  });

  it.each(table)('the mean wait of the accepted is M/M/k/K Lq/(λ(1 − π_K)) (k=%s L=%s ρ=%s)', (k, limit, rho) => {
    const o = fluidInterval(input({ arrivals: rho * k * 10, concurrency: k, queueLimit: limit }), FLUID_START).output;
    if (limit === 0) expect(o.meanWaitMs).toBe(0);
    else expect(o.meanWaitMs).toBeCloseTo(mmkkMeanWait(k, (rho * k) / 100, 0.01, limit), 9);
  });

  it('near ρ = 1 a short queue bounds the wait: below L/(kμ), not Erlang C’s C/(kμ − λ)', () => {
    const o = fluidInterval(input({ arrivals: 39.96, queueLimit: 40 }), FLUID_START).output; // ρ = 0.999
    expect(o.meanWaitMs).toBeCloseTo(mmkkMeanWait(4, 0.03996, 0.01, 40), 9);
    expect(o.meanWaitMs).toBeLessThan(1000);
  });
});

describe('overload: the fluid queue', () => {
  // Two pods, k = 4, s = 100 ms: 40 requests/s per pod. 96/s is 48 per pod, 20% over: the queue grows 8/s.
  const base: Partial<FluidInput> = { pods: 2, queueLimit: 40 };

  it('grows at λ − kμ until L, then drops the excess exactly', () => {
    const { outs } = run(base, Array<number>(8).fill(96));
    expect(outs.map((o) => o.backlog)).toEqual([8, 16, 24, 32, 40, 40, 40, 40]);
    expect(outs.map((o) => o.dropped)).toEqual([0, 0, 0, 0, 0, 16, 16, 16]);
    for (const o of outs) expect(o.served).toBe(80);
    // A request arriving at queue q waits q/(kμ): 0 → 200 ms over the first second, 1 s once full.
    expect(outs[0]!.meanWaitMs).toBeCloseTo(100, 9);
    expect(outs[7]!.meanWaitMs).toBeCloseTo(1000, 9);
    expect(outs[7]!.p50Ms).toBeCloseTo(1000 + 100 * Math.LN2, 1); // wait + exponential service median
  });

  it('after the overload the backlog drains at kμ − λ, then the stable regime takes over', () => {
    const over = run(base, Array<number>(6).fill(96));
    // 64/s is 32 per pod (ρ = 0.8): drains 8/s, every slot busy until empty.
    const { outs } = run(base, Array<number>(7).fill(64), over.state);
    expect(outs.map((o) => o.backlog)).toEqual([32, 24, 16, 8, 0, 0, 0]);
    for (const o of outs.slice(0, 5)) expect(o.served).toBe(80);
    expect(outs[5]!.meanWaitMs).toBeCloseTo(mmkkMeanWait(4, 0.032, 0.01, 40), 9);
    let state = over.state;
    for (const o of outs) {
      expectConserved(o, state, 2);
      state = { pods: 2, backlog: o.backlog };
    }
  });

  it('a backlog that empties mid-interval: fluid until empty, stationary after', () => {
    // 4 waiting per pod, λ = 32/s: empty after 0.5 s (40·0.5 = 20 served), then 0.5 s at ρ = 0.8.
    const { output } = fluidInterval(input({ ...base, arrivals: 64 }), { pods: 2, backlog: 4 });
    const stableServed = 16 * (1 - mmkk(4, 3.2, 40).blocking);
    expect(output.served).toBeCloseTo(2 * (20 + stableServed), 9);
    expect(output.backlog).toBe(0);
    expectConserved(output, { pods: 2, backlog: 4 }, 2);
  });

  it('with kμ·T below L, the queue stops at kμ·T and the excess times out instead', () => {
    // T = 500 ms: at most 40/s·0.5 s = 20 waiting per pod.
    const { outs } = run({ pods: 2, queueLimit: 100, timeoutMs: 500 }, Array<number>(5).fill(96));
    expect(outs.map((o) => o.backlog)).toEqual([8, 16, 20, 20, 20]);
    expect(outs.map((o) => o.timedOut)).toEqual([0, 0, 8, 16, 16]);
    for (const o of outs) expect(o.dropped).toBe(0);
    expect(outs[4]!.meanWaitMs).toBeCloseTo(500, 9);
  });

  it('more pods take over the backlog, spread evenly', () => {
    const { output, state } = fluidInterval(input({ pods: 4, queueLimit: 40, arrivals: 0 }), { pods: 2, backlog: 40 });
    // 80 waiting over 4 pods is 20 each, drained by 40/s in half a second.
    expect(output.served).toBeCloseTo(80, 9);
    expect(state.backlog).toBe(0);
  });
});

describe('no endpoints', () => {
  it('n = 0 fails every request, including those left waiting', () => {
    const { output, state } = fluidInterval(input({ pods: 0, arrivals: 100 }), { pods: 2, backlog: 5 });
    expect(output).toMatchObject({ arrivals: 100, served: 0, dropped: 0, timedOut: 0, noEndpoints: 110, backlog: 0 });
    for (const v of [output.meanWaitMs, output.p50Ms, output.p90Ms, output.p99Ms, output.p999Ms]) expect(v).toBeNaN();
    expect(state).toEqual({ pods: 0, backlog: 0 });
  });
});

describe('general service (Allen–Cunneen)', () => {
  it('constant service (SCV 0) halves the M/M/k wait', () => {
    const m = fluidInterval(input({ arrivals: 28 }), FLUID_START).output;
    const d = fluidInterval(input({ arrivals: 28, service: { meanMs: 100, scv: 0 } }), FLUID_START).output;
    expect(d.meanWaitMs / m.meanWaitMs).toBeCloseTo(0.5, 12);
  });

  // Thinning a renewal stream at random with p = 1/n leaves SCV p·ca² + 1 − p: 0 for one pod, 3/4 for four.
  it.each([
    [1, 0.5],
    [4, 0.875],
  ])('evenly spaced arrivals over %s pod(s) scale the M/M/k wait by %s', (pods, factor) => {
    const poisson = fluidInterval(input({ arrivals: 28 * pods, pods }), FLUID_START).output;
    const even = fluidInterval(input({ arrivals: 28 * pods, pods, arrivalScv: 0 }), FLUID_START).output;
    expect(even.meanWaitMs / poisson.meanWaitMs).toBeCloseTo(factor, 12);
  });

  // For k = 1 the mean is exact: Pollaczek–Khinchine Wq = λ·E[S²] / (2(1 − ρ)). The tail is Allen–Cunneen's
  // exponential: a little high for light-tailed service, and low for a heavy-tailed one such as a lognormal,
  // whose true wait tail is subexponential. [name, S, E[S²], lowest and highest fluid/simulated p99 − 1]
  const services: [string, Distribution, number, number, number][] = [
    ['constant 100', { kind: 'constant', value: 100 }, 100 ** 2, 0, 0.1],
    ['uniform 50…150', { kind: 'uniform', min: 50, max: 150 }, (50 ** 2 + 50 * 150 + 150 ** 2) / 3, 0, 0.1],
    ['exponential 100', { kind: 'exponential', mean: 100 }, 2 * 100 ** 2, -0.03, 0.03],
    ['lognormal σ = 1', { kind: 'lognormal', mu: Math.log(100) - 0.5, sigma: 1 }, Math.exp(2 * (Math.log(100) - 0.5) + 2), -0.25, 0],
  ];
  it.each(services)('M/G/1 with %s: mean wait is Pollaczek–Khinchine; p99 against a Lindley simulation', (name, d, second, low, high) => {
    const lambda = 0.007; // per ms: ρ = 0.7
    const o = fluidInterval(input({ arrivals: 7, concurrency: 1, service: distributionMoments(d) }), FLUID_START).output;
    expect(o.meanWaitMs).toBeCloseTo((lambda * second) / (2 * (1 - 0.7)), 6);
    const sim = simulateMG1(lambda, d, 400_000, stream(name));
    expect(Math.abs(o.meanWaitMs / sim.meanWait - 1)).toBeLessThan(0.05);
    const p99 = sim.latency[Math.floor(0.99 * sim.latency.length)]!;
    const error = o.p99Ms / p99 - 1;
    expect(error, `p99 fluid ${o.p99Ms}, simulated ${p99}`).toBeGreaterThanOrEqual(low);
    expect(error, `p99 fluid ${o.p99Ms}, simulated ${p99}`).toBeLessThanOrEqual(high);
  });
});

describe('every request accounted for', () => {
  // [arrivals/s, pods, k, L, T, carried pods, carried backlog]
  const table: [number, number, number, number, number, number, number][] = [
    [50, 2, 4, 10, Infinity, 0, 0],
    [500, 3, 8, 30, 250, 3, 12],
    [120, 1, 2, 5, 50, 4, 3],
    [0, 2, 1, Infinity, Infinity, 2, 7],
    [90, 3, 2, 0, 100, 0, 0],
  ];
  it.each(table)('λ=%s n=%s k=%s L=%s T=%s carried %s×%s', (arrivals, pods, k, limit, timeout, cp, cb) => {
    const before = { pods: cp, backlog: cb };
    const { output } = fluidInterval(input({ arrivals, pods, concurrency: k, queueLimit: limit, timeoutMs: timeout }), before);
    expectConserved(output, before, pods);
    expect(output.backlog).toBeLessThanOrEqual(limit);
    const p = [output.p50Ms, output.p90Ms, output.p99Ms, output.p999Ms];
    for (let i = 1; i < p.length; i++) expect(p[i]!).toBeGreaterThanOrEqual(p[i - 1]!);
  });
});

describe('the exponential-service path gives what the general path gives, to the bit', () => {
  it('over random exponential services, loads from light to overloaded, timeouts, queue limits and backlogs', () => {
    const rng = stream('fluid-paths');
    const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
    let compared = 0;
    try {
      for (let i = 0; i < 3000; i++) {
        const meanMs = pick([1, 5, 20, 100, 1000]) * (0.5 + rng.next());
        const pods = 1 + rng.int(40);
        const k = 1 + rng.int(12);
        const rho = pick([0.05, 0.5, 0.9, 0.99, 1.2, 2]) * (0.9 + 0.2 * rng.next());
        const dtMs = pick([1000, 30_000]);
        const fi: FluidInput = {
          dtMs,
          arrivals: (((rho * pods * k) / meanMs) * dtMs) / pick([1, 1, 1, 10]),
          pods,
          concurrency: k,
          service: { meanMs, scv: 1 },
          queueLimit: pick([0, 1, 10, 1000, Infinity]),
          timeoutMs: pick([10, 100, 10_000, Infinity]),
          arrivalScv: pick([1, 0.5, 2]),
        };
        const state = { pods: pick([0, pods]), backlog: pick([0, 0, 3 * rng.next()]) };
        fluidPaths.exponential = true;
        const fast = fluidInterval(fi, state);
        fluidPaths.exponential = false;
        const general = fluidInterval(fi, state);
        for (const key of Object.keys(general.output) as (keyof FluidOutput)[]) {
          expect(Object.is(fast.output[key], general.output[key]), `${key} of ${JSON.stringify(fi)}`).toBe(true);
        }
        expect(Object.is(fast.state.backlog, general.state.backlog)).toBe(true);
        if (fast.output.served > 0) compared++;
      }
    } finally {
      fluidPaths.exponential = true;
    }
    expect(compared).toBeGreaterThan(2000);
  });
});

describe('fluidIntervalInto: one output and one state per Service, written in place', () => {
  it('gives what fluidInterval gives, step after step, with the state read and written in one object', () => {
    const rng = stream('fluid-into');
    const output = emptyOutput();
    const state: FluidState = { pods: 0, backlog: 0 };
    let fresh: FluidState = FLUID_START;
    let overloaded = 0;
    let empty = 0;
    for (let i = 0; i < 400; i++) {
      // Loads from idle to twice the capacity, and now and then no endpoints (every field written again).
      const pods = rng.next() < 0.1 ? 0 : 1 + rng.int(6);
      const fi = input({ pods, arrivals: 4 * 10 * Math.max(pods, 1) * 2 * rng.next(), queueLimit: 50, timeoutMs: 2000 });
      const r = fluidInterval(fi, fresh);
      fluidIntervalInto(fi, state, output, state, servicePhases(fi.service));
      for (const key of Object.keys(r.output) as (keyof FluidOutput)[])
        expect(Object.is(output[key], r.output[key]), `${key} at step ${i}`).toBe(true);
      expect(state).toEqual(r.state);
      fresh = r.state;
      if (r.state.backlog > 0) overloaded++;
      if (pods === 0) empty++;
    }
    // Both regimes and the no-endpoint path were crossed.
    expect(overloaded).toBeGreaterThan(20);
    expect(empty).toBeGreaterThan(10);
  });
});
