// Rate curves: values, piece boundaries, exact integrals and validation.
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, SECOND } from '../../src/engine/time.js';
import { checkRateCurve, expectedRequests, isPiecewiseConstant, nextRateChange, rateAt, type RateCurve } from '../../src/traffic/rates.js';

const constant: RateCurve = { kind: 'constant', rps: 50 };
const diurnal: RateCurve = { kind: 'diurnal', meanRps: 100, amplitude: 0.5 };
const steps: RateCurve = {
  kind: 'steps',
  steps: [
    { atMs: 10 * SECOND, rps: 5 },
    { atMs: 20 * SECOND, rps: 0 },
    { atMs: 30 * SECOND, rps: 8 },
  ],
};
const spikes: RateCurve = {
  kind: 'spikes',
  base: constant,
  spikes: [
    { atMs: 5 * SECOND, durationMs: 10 * SECOND, factor: 3 },
    { atMs: 10 * SECOND, durationMs: 2 * SECOND, factor: 2 },
  ],
};
const csv: RateCurve = { kind: 'csv', startMs: MINUTE, bucketMs: MINUTE, rps: [1, 2, 4] };

describe('rateAt', () => {
  // [name, curve, t (ms), expected rps]
  const table: [string, RateCurve, number, number][] = [
    ['constant', constant, 0, 50],
    ['constant, late', constant, 30 * DAY, 50],
    ['diurnal at the default peak (14:00)', diurnal, 14 * HOUR, 150],
    ['diurnal a day after the peak', diurnal, DAY + 14 * HOUR, 150],
    ['diurnal half a period from the peak', diurnal, 2 * HOUR, 50],
    ['diurnal a quarter period from the peak', diurnal, 8 * HOUR, 100],
    ['diurnal, own peak and period', { kind: 'diurnal', meanRps: 10, amplitude: 1, peakAtMs: 0, periodMs: HOUR }, 30 * MINUTE, 0],
    ['steps: 0 before the first', steps, 9_999, 0],
    ['steps: a step holds from its time', steps, 10_000, 5],
    ['steps: up to the next', steps, 19_999, 5],
    ['steps: zero step', steps, 25_000, 0],
    ['steps: the last holds for ever', steps, DAY, 8],
    ['spikes: base outside', spikes, 4_999, 50],
    ['spikes: one spike', spikes, 5_000, 150],
    ['spikes: overlapping spikes multiply', spikes, 11_000, 300],
    ['spikes: a spike ends at at + duration', spikes, 15_000, 50],
    ['csv: before the first bucket', csv, MINUTE - 1, 0],
    ['csv: first bucket', csv, MINUTE, 1],
    ['csv: last bucket', csv, 4 * MINUTE - 1, 4],
    ['csv: after the last bucket', csv, 4 * MINUTE, 0],
  ];
  it.each(table)('%s', (_name, curve, t, expected) => {
    expect(rateAt(curve, t)).toBeCloseTo(expected, 9);
  });
});

describe('nextRateChange', () => {
  const table: [string, RateCurve, number, number][] = [
    ['constant never changes', constant, 0, Infinity],
    ['diurnal: next minute', diurnal, 61_500, 2 * MINUTE],
    ['diurnal: strictly after a boundary', diurnal, MINUTE, 2 * MINUTE],
    ['steps: first step', steps, 0, 10_000],
    ['steps: strictly after', steps, 10_000, 20_000],
    ['steps: after the last', steps, 30_000, Infinity],
    ['spikes: spike start', spikes, 0, 5_000],
    ['spikes: inner spike start', spikes, 5_000, 10_000],
    ['spikes: inner spike end', spikes, 10_000, 12_000],
    ['spikes: outer spike end', spikes, 12_000, 15_000],
    ['spikes: over a constant base, then never', spikes, 15_000, Infinity],
    ['csv: start', csv, 0, MINUTE],
    ['csv: next bucket', csv, MINUTE + 1, 2 * MINUTE],
    ['csv: end of the last bucket', csv, 3 * MINUTE, 4 * MINUTE],
    ['csv: past the end', csv, 4 * MINUTE, Infinity],
  ];
  it.each(table)('%s', (_name, curve, t, expected) => {
    expect(nextRateChange(curve, t)).toBe(expected);
  });

  it('the rate is constant between changes for every piecewise-constant curve', () => {
    for (const curve of [constant, steps, spikes, csv]) {
      expect(isPiecewiseConstant(curve)).toBe(true);
      for (let t = 0; t < 5 * MINUTE; t = nextRateChange(curve, t)) {
        const end = Math.min(nextRateChange(curve, t), 5 * MINUTE);
        for (const u of [t, (t + end) / 2, end - 1]) expect(rateAt(curve, u)).toBe(rateAt(curve, t));
      }
    }
    expect(isPiecewiseConstant(diurnal)).toBe(false);
    expect(isPiecewiseConstant({ kind: 'spikes', base: diurnal, spikes: [] })).toBe(false);
  });
});

describe('expectedRequests', () => {
  /** Midpoint rule with 1 ms cells, a different method from the per-piece closed forms. */
  function numeric(curve: RateCurve, from: number, to: number): number {
    let s = 0;
    for (let t = from + 0.5; t < to; t++) s += rateAt(curve, t) / 1000;
    return s;
  }

  it('constant: rps × seconds', () => {
    expect(expectedRequests(constant, 0, HOUR)).toBeCloseTo(50 * 3600, 9);
  });

  it('a whole diurnal period gives mean × period, whatever the amplitude and phase', () => {
    expect(expectedRequests(diurnal, 5 * HOUR + 123, DAY + 5 * HOUR + 123)).toBeCloseTo(100 * 86_400, 4);
  });

  it('half a diurnal period around the peak: m(P/2 + aP/π) / 1000', () => {
    const expected = (100 * (DAY / 2 + (0.5 * DAY) / Math.PI)) / 1000;
    expect(expectedRequests(diurnal, 8 * HOUR, 20 * HOUR)).toBeCloseTo(expected, 4);
  });

  it.each([
    ['diurnal', diurnal, 13 * HOUR + 17, 13 * HOUR + 5 * MINUTE + 3],
    ['steps', steps, 3_000, 41_234],
    ['spikes', spikes, 0, 20_000],
    ['spikes over diurnal', { ...(spikes as Extract<RateCurve, { kind: 'spikes' }>), base: diurnal } as RateCurve, 0, 20_000],
    ['csv', csv, 30_000, 5 * MINUTE],
  ] as [string, RateCurve, number, number][])('%s matches the midpoint rule', (_name, curve, from, to) => {
    const exact = expectedRequests(curve, from, to);
    expect(Math.abs(exact - numeric(curve, from, to))).toBeLessThan(1e-6 * Math.max(1, exact));
  });
});

describe('checkRateCurve', () => {
  it('accepts good curves', () => {
    for (const curve of [constant, diurnal, steps, spikes, csv]) expect(checkRateCurve(curve)).toEqual([]);
  });

  const table: [string, RateCurve, string[]][] = [
    ['negative constant', { kind: 'constant', rps: -1 }, ['rate.rps: expected a rate >= 0, got -1']],
    ['NaN rate', { kind: 'constant', rps: NaN }, ['rate.rps: expected a rate >= 0, got NaN']],
    ['amplitude above 1', { kind: 'diurnal', meanRps: 10, amplitude: 1.5 }, ['rate.amplitude: expected a number from 0 to 1, got 1.5']],
    [
      'peak outside the period',
      { kind: 'diurnal', meanRps: 10, amplitude: 0.2, peakAtMs: 2 * HOUR, periodMs: HOUR },
      ['rate.peakAtMs: expected a time within the period (0 to 3600000 ms), got 7200000'],
    ],
    [
      'steps out of order and a negative rate',
      {
        kind: 'steps',
        steps: [
          { atMs: 0, rps: 1 },
          { atMs: 60_000, rps: -2 },
          { atMs: 60_000, rps: 3 },
        ],
      },
      ['rate.steps[1].rps: expected a rate >= 0, got -2', 'rate.steps[2].atMs: expected a time after steps[1].atMs (60000 ms), got 60000'],
    ],
    ['no steps', { kind: 'steps', steps: [] }, ['rate.steps: expected a non-empty list, got an empty list']],
    [
      'spikes: problems in the base and the spikes',
      { kind: 'spikes', base: { kind: 'constant', rps: -5 }, spikes: [{ atMs: 1.5, durationMs: 0, factor: -1 }] },
      [
        'rate.base.rps: expected a rate >= 0, got -5',
        'rate.spikes[0].atMs: expected a time >= 0 ms, got 1.5',
        'rate.spikes[0].durationMs: expected a duration > 0 ms, got 0',
        'rate.spikes[0].factor: expected a factor >= 0, got -1',
      ],
    ],
    [
      'csv: zero bucket width and a negative rate',
      { kind: 'csv', startMs: 0, bucketMs: 0, rps: [1, -1] },
      ['rate.bucketMs: expected a duration > 0 ms, got 0', 'rate.rps[1]: expected a rate >= 0, got -1'],
    ],
    [
      'unknown kind',
      { kind: 'sawtooth' } as unknown as RateCurve,
      ['rate.kind: expected one of constant, diurnal, steps, spikes, csv, got "sawtooth"'],
    ],
  ];
  it.each(table)('%s', (_name, curve, problems) => {
    expect(checkRateCurve(curve)).toEqual(problems);
  });

  it('prefixes the path it is given', () => {
    expect(checkRateCurve({ kind: 'constant', rps: -1 }, 'traffic[2].rate')).toEqual(['traffic[2].rate.rps: expected a rate >= 0, got -1']);
  });
});
