// The numbers metrics-server and a custom metrics adapter hand the HPA, as upstream makes them: metrics-server's
// resourceUsage (pkg/storage/types.go) truncates a CPU rate to whole nanocores; the HPA's metrics client reads a
// container's usage as Quantity.MilliValue(), rounded up (apimachinery quantity.go ScaledValue: "ceil"); a
// prometheus-adapter value is NewMilliQuantity(int64(value * 1000)), truncated. Cases worked out by hand.
import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../src/engine/rng.js';
import {
  cpuSampleMilli,
  milliValueOfNanos,
  newMilliQuantityOfRate,
  resourceUsage,
  uniformSample,
} from '../../src/controllers/metrics-server/quantities.js';

describe('resourceUsage (metrics-server pkg/storage/types.go)', () => {
  // Cumulative use in millicore-ms (1 = 1,000 ns of CPU) over a window in ms, to whole nanocores.
  it.each([
    // [name, Δ used (millicore-ms), window (ms), nanocores]
    ['250m for 15 s', 250 * 15_000, 15_000, 250_000_000],
    ['nothing used', 0, 15_000, 0],
    ['a third of a millicore: truncated', 5_000, 15_000, 333_333],
    ['one nanocore-second short of 1m over 1 s', 1_000 - 1e-3, 1_000, 999_999],
    ['2 cores for 30 s', 2_000 * 30_000, 30_000, 2_000_000_000],
    ['7,001 millicore-ms over 7 s: 1.000142857m', 7_001, 7_000, 1_000_142],
  ])('%s', (_name, used, window, want) => {
    expect(resourceUsage(used, window)).toBe(want);
  });
});

describe('MilliValue of a nano quantity (apimachinery ScaledValue(Milli): rounded up)', () => {
  it.each([
    ['0n', 0, 0],
    ['1n is 1m', 1, 1],
    ['999999n is 1m', 999_999, 1],
    ['1000000n is exactly 1m', 1_000_000, 1],
    ['1000001n is 2m', 1_000_001, 2],
    ['250000000n is 250m', 250_000_000, 250],
    ['333333n is 1m', 333_333, 1],
    ['1.5 cores and 1n', 1_500_000_001, 1_501],
  ])('%s', (_name, nanos, want) => {
    expect(milliValueOfNanos(nanos)).toBe(want);
  });

  it('a CPU sample is whole millicores, never below the exact rate minus 1n', () => {
    // 1m and a third over 15 s: 1,333,333n, so 2m; 100m exactly: 100m.
    expect(milliValueOfNanos(resourceUsage(20_000, 15_000))).toBe(2);
    expect(milliValueOfNanos(resourceUsage(1_500_000, 15_000))).toBe(100);
  });
});

describe('NewMilliQuantity(int64(value * 1000)) (prometheus-adapter): whole milli-units, truncated', () => {
  // The argument is the value per ms (requests per ms), the result milli-requests per second.
  it.each([
    ['20 per second', 300 / 15_000, 20_000],
    ['no requests', 0, 0],
    ['one request in 15 s: 66.666…m, truncated', 1 / 15_000, 66],
    ['two requests in 15 s: 133.333…m', 2 / 15_000, 133],
    ['1,500 per second', 1.5, 1_500_000],
  ])('%s', (_name, perMs, want) => {
    expect(newMilliQuantityOfRate(perMs)).toBe(want);
  });
});

describe('cpuSampleMilli: the sample in one division where it can', () => {
  it('equals MilliValue of resourceUsage over rates near and far from whole millicores, windows and sizes', () => {
    const rng = new RngStreams(11).get('quantities');
    const windows = [15_000, 14_999, 15_001, 30_000, 60_000, 1_000, 7, 1];
    let near = 0;
    const wrong: string[] = [];
    for (let k = 0; k < 200_000; k++) {
      const window = windows[rng.int(windows.length)]!;
      const whole = rng.int(4) === 0 ? rng.int(100) : rng.int(4) === 0 ? rng.int(1_000_000) : rng.int(5_000);
      // Rates at, just below and just above whole millicores (by a few nanocores, or by a last bit), and anywhere.
      const kind = rng.int(6);
      let rate: number;
      if (kind === 0) rate = whole;
      else if (kind === 1) rate = whole + (1 + rng.int(30)) * 1e-6;
      else if (kind === 2) rate = whole - (1 + rng.int(30)) * 1e-6;
      else if (kind === 3) rate = whole + rng.random() * 2e-5;
      else if (kind === 4) rate = whole * (1 + (rng.int(5) - 2) * Number.EPSILON);
      else rate = whole + rng.random();
      if (rate < 0) continue;
      const used = rate * window;
      const want = milliValueOfNanos(resourceUsage(used, window));
      if (Math.abs(used / window - Math.round(used / window)) < 1e-5) near++;
      const got = cpuSampleMilli(used, window);
      if (got !== want && wrong.length < 5) wrong.push(`${used} over ${window}: ${got}, not ${want}`);
    }
    expect(wrong).toEqual([]);
    // Many cases within 10^-5 of a whole millicore (the exact path).
    expect(near).toBeGreaterThan(50_000);
  });
});

describe("uniformSample: one sample for every pod of a meter, or none where the pods' samples may differ", () => {
  /** What a pod with base b samples from the meter's readings m0 then m1 (the scrape's arithmetic). */
  const own = (m0: number, m1: number, b: number, w: number) => cpuSampleMilli(m1 - b - (m0 - b), w);

  it('gives the sample every base gives, over readings near and far from whole millicores and large ones', () => {
    const rng = new RngStreams(12).get('uniform');
    const windows = [15_000, 14_999, 30_000, 60_000, 1_000, 7];
    const offsets = [0, 1e-7, -1e-7, 3e-6, -3e-6, 1e-5, 2.5e-5];
    const wrong: string[] = [];
    let shared = 0;
    let differing = 0;
    for (let k = 0; k < 60_000; k++) {
      const w = windows[rng.int(windows.length)]!;
      // Cumulative readings from 10^3 to 10^16 millicore-ms (a meter read for years at thousands of cores).
      const m0 = (1 + rng.random()) * 10 ** (3 + rng.int(13));
      const kind = rng.int(3);
      const whole = rng.int(4) === 0 ? rng.int(3) : rng.int(5_000);
      const y = kind === 0 ? whole + rng.random() : whole + offsets[rng.int(offsets.length)]!;
      if (y < 0) continue;
      const m1 = m0 + y * w;
      // Bases that put m0 - b and m1 - b in different binades (their roundings then differ), and others.
      const p = 2 ** Math.floor(Math.log2(m0 * (0.2 + 0.6 * rng.random())));
      const bases = [
        0,
        m0,
        m0 / 2,
        rng.random() * m0,
        m0 - p,
        m0 - p + 0.3,
        m0 - p - 0.7,
        m0 - p + rng.random(),
        m0 - 2 * p + rng.random(),
      ];
      const samples = bases.filter((b) => b >= 0 && b <= m0).map((b) => own(m0, m1, b, w));
      if (!samples.every((v) => v === samples[0])) differing++;
      const u = uniformSample(m0, m1, w);
      if (Number.isNaN(u)) continue;
      shared++;
      if (!samples.every((v) => v === u) && wrong.length < 5) wrong.push(`m0 ${m0}, m1 ${m1}, w ${w}: ${u}, bases give ${samples}`);
    }
    expect(wrong).toEqual([]);
    // The shared sample is the common case, and readings whose bases disagree occur (and are refused).
    expect(shared).toBeGreaterThan(20_000);
    expect(differing).toBeGreaterThan(200);
  });

  it.each([
    // [name, m0, m1, window, shared sample]
    ['no use: 0 for every pod', 5e12, 5e12, 15_000, 0],
    ['150.5m over 15 s', 1e6, 1e6 + 150.5 * 15_000, 15_000, 151],
    ['exactly 2m: every base may read just above or at it', 1e15, 1e15 + 2 * 15_000, 15_000, NaN],
    ['within 10^-5 above a whole millicore: the exact path, refused', 1e6, 1e6 + (7 + 5e-6) * 15_000, 15_000, NaN],
  ])('%s', (_name, m0, m1, w, want) => {
    expect(uniformSample(m0, m1, w)).toBe(want);
  });
});
