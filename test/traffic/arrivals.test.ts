// Arrival processes: counts against the integrated rate, order, determinism and stream use.
import { describe, expect, it } from 'vitest';
import { Rng, RngStreams } from '../../src/engine/rng.js';
import { DAY, HOUR, SECOND } from '../../src/engine/time.js';
import { ArrivalProcess, type ArrivalKind } from '../../src/traffic/arrivals.js';
import { expectedRequests, type RateCurve } from '../../src/traffic/rates.js';

const stream = (name: string, seed = 7): Rng => new RngStreams(seed).get(name);

/** All arrivals in [from, to), calling next() with the previous arrival as "now" as a simulation would. */
function arrivals(curve: RateCurve, rng: Rng, from: number, to: number, kind: ArrivalKind = 'poisson'): number[] {
  const p = new ArrivalProcess(curve, rng, kind);
  const out: number[] = [];
  for (let t = p.next(from); t < to; t = p.next(t)) out.push(t);
  return out;
}

function countIn(times: number[], from: number, to: number): number {
  return times.filter((t) => t >= from && t < to).length;
}

/** Counts per bin of the given width from 0. */
function histogram(times: number[], width: number, bins: number): number[] {
  const out = new Array<number>(bins).fill(0);
  for (const t of times) if (t >= 0 && t < width * bins) out[Math.floor(t / width)]!++;
  return out;
}

/** Poisson counts: |n − Λ| < 4·√Λ (fails by chance about once in 16,000 checks). */
function expectPoissonCount(n: number, expected: number): void {
  expect(Math.abs(n - expected)).toBeLessThan(4 * Math.sqrt(expected));
}

const diurnal: RateCurve = { kind: 'diurnal', meanRps: 5, amplitude: 0.8 };

describe('Poisson arrivals', () => {
  it('a constant 50 rps gives 180,000 ± 4σ arrivals in an hour, with Poisson dispersion per second', () => {
    const times = arrivals({ kind: 'constant', rps: 50 }, stream('a'), 0, HOUR);
    expectPoissonCount(times.length, 50 * 3600);
    // Index of dispersion of the per-second counts: 1 for Poisson (0 for evenly spaced arrivals);
    // its standard error over 3,600 bins is √(2/3599) ≈ 0.024.
    const bins = histogram(times, SECOND, 3600);
    const mean = bins.reduce((a, b) => a + b, 0) / bins.length;
    const variance = bins.reduce((a, b) => a + (b - mean) ** 2, 0) / (bins.length - 1);
    expect(variance / mean).toBeGreaterThan(0.9);
    expect(variance / mean).toBeLessThan(1.1);
  });

  it('diurnal arrivals per hour follow the curve', () => {
    const perHour = histogram(arrivals(diurnal, stream('d'), 0, DAY), HOUR, 24);
    perHour.forEach((n, h) => expectPoissonCount(n, expectedRequests(diurnal, h * HOUR, (h + 1) * HOUR)));
    // The busiest hour is around the 14:00 peak, the quietest around 02:00.
    expect([13, 14]).toContain(perHour.indexOf(Math.max(...perHour)));
    expect([1, 2]).toContain(perHour.indexOf(Math.min(...perHour)));
  });

  it('steps: nothing before the first step or in a zero step, then the step rates', () => {
    const curve: RateCurve = {
      kind: 'steps',
      steps: [
        { atMs: 10 * SECOND, rps: 200 },
        { atMs: 70 * SECOND, rps: 0 },
        { atMs: 130 * SECOND, rps: 1000 },
      ],
    };
    const times = arrivals(curve, stream('s'), 0, 190 * SECOND);
    expect(countIn(times, 0, 10 * SECOND)).toBe(0);
    expectPoissonCount(countIn(times, 10 * SECOND, 70 * SECOND), 200 * 60);
    expect(countIn(times, 70 * SECOND, 130 * SECOND)).toBe(0);
    expectPoissonCount(countIn(times, 130 * SECOND, 190 * SECOND), 1000 * 60);
  });

  it('a spike multiplies the base rate for its duration', () => {
    const curve: RateCurve = {
      kind: 'spikes',
      base: { kind: 'constant', rps: 100 },
      spikes: [{ atMs: 60_000, durationMs: 30_000, factor: 5 }],
    };
    const times = arrivals(curve, stream('k'), 0, 120_000);
    expectPoissonCount(countIn(times, 0, 60_000), 6000);
    expectPoissonCount(countIn(times, 60_000, 90_000), 15_000);
    expectPoissonCount(countIn(times, 90_000, 120_000), 3000);
  });

  it('a csv replay follows its buckets and ends with them', () => {
    const curve: RateCurve = { kind: 'csv', startMs: 0, bucketMs: 10_000, rps: [300, 0, 50] };
    const p = new ArrivalProcess(curve, stream('c'), 'poisson');
    const times: number[] = [];
    for (let t = p.next(0); t !== Infinity; t = p.next(t)) times.push(t);
    expectPoissonCount(countIn(times, 0, 10_000), 3000);
    expect(countIn(times, 10_000, 20_000)).toBe(0);
    expectPoissonCount(countIn(times, 20_000, 30_000), 500);
    expect(times[times.length - 1]).toBeLessThan(30_000);
    expect(p.next(0)).toBe(Infinity);
  });

  it('at 10^5 rps many arrivals share a millisecond, and times never go backwards', () => {
    const times = arrivals({ kind: 'constant', rps: 100_000 }, stream('hi'), 0, 100);
    expectPoissonCount(times.length, 10_000);
    expect(Math.max(...histogram(times, 1, 100))).toBeGreaterThan(50);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
  });

  it('never goes backwards across pieces, spikes and a "now" that jumps ahead', () => {
    const curve: RateCurve = {
      kind: 'spikes',
      base: { ...diurnal, amplitude: 1, meanRps: 40 },
      spikes: [{ atMs: 3 * HOUR, durationMs: 61_001, factor: 7 }],
    };
    const p = new ArrivalProcess(curve, stream('j'), 'poisson');
    const backwards: string[] = [];
    let prev = -1;
    for (let i = 0, now = 0; i < 50_000; i++) {
      if (i % 1000 === 0) now += 17 * 60_000 + 333; // skip ahead, as a simulation resuming later would
      const t = p.next(now);
      if (!(t >= prev && t >= now)) backwards.push(`#${i}: ${t} after ${prev}, now ${now}`);
      prev = now = t;
    }
    expect(backwards).toEqual([]);
    expect(prev).toBeGreaterThan(49 * (17 * 60_000));
  });

  it('the same stream gives the same times; another stream gives others', () => {
    const a = arrivals(diurnal, stream('x'), 0, HOUR);
    expect(arrivals(diurnal, stream('x'), 0, HOUR)).toEqual(a);
    expect(arrivals(diurnal, stream('y'), 0, HOUR)).not.toEqual(a);
  });

  it.each([
    ['constant', { kind: 'constant', rps: 30 }],
    ['diurnal', diurnal],
  ] as [string, RateCurve][])('%s: exactly one draw from the given stream per arrival', (_name, curve) => {
    const inner = stream('count');
    let draws = 0;
    const rng = new Rng(() => {
      draws++;
      return inner.random();
    });
    const times = arrivals(curve, rng, 0, HOUR);
    expect(draws).toBe(times.length + 1); // the one past the window was drawn too
  });

  it('a rate of 0 for ever gives Infinity', () => {
    expect(new ArrivalProcess({ kind: 'constant', rps: 0 }, stream('z'), 'poisson').next(0)).toBe(Infinity);
    expect(new ArrivalProcess({ kind: 'diurnal', meanRps: 0, amplitude: 0.5 }, stream('z'), 'poisson').next(0)).toBe(Infinity);
  });
});

describe('uniform arrivals', () => {
  it('a constant 10 rps arrives every 100 ms, without drawing', () => {
    const rng = new Rng(() => {
      throw new Error('uniform arrivals must not draw');
    });
    expect(arrivals({ kind: 'constant', rps: 10 }, rng, 0, 1001, 'uniform')).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
  });

  it('follow the integrated rate to within one arrival, over steps and a diurnal day', () => {
    const steps: RateCurve = {
      kind: 'steps',
      steps: [
        { atMs: 0, rps: 3 },
        { atMs: 7_777, rps: 0 },
        { atMs: 9_000, rps: 250 },
      ],
    };
    const rng = stream('unused');
    const s = arrivals(steps, rng, 0, 20_000, 'uniform');
    for (const to of [5_000, 7_777, 9_000, 12_345, 20_000])
      expect(Math.abs(countIn(s, 0, to) - expectedRequests(steps, 0, to))).toBeLessThanOrEqual(1);
    let cumulative = 0;
    histogram(arrivals(diurnal, rng, 0, DAY, 'uniform'), HOUR, 24).forEach((n, h) => {
      cumulative += n;
      expect(Math.abs(cumulative - expectedRequests(diurnal, 0, (h + 1) * HOUR))).toBeLessThanOrEqual(1);
    });
  });
});
