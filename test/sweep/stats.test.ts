import { describe, expect, it } from 'vitest';
import { meanInterval, tCdf, tQuantile } from '../../src/sweep/stats.js';

// Two-sided 95 % critical values from standard t tables.
describe('Student t', () => {
  it.each([
    [1, 12.706],
    [2, 4.303],
    [5, 2.571],
    [10, 2.228],
    [19, 2.093],
    [30, 2.042],
    [120, 1.98],
    [100000, 1.96],
  ])('t(0.975, %i) = %f', (df, t) => {
    expect(tQuantile(0.975, df)).toBeCloseTo(t, 3);
  });
  it('is symmetric and inverts the CDF', () => {
    expect(tQuantile(0.025, 7)).toBeCloseTo(-tQuantile(0.975, 7), 10);
    expect(tCdf(tQuantile(0.9, 4), 4)).toBeCloseTo(0.9, 9);
    expect(tCdf(0, 3)).toBeCloseTo(0.5, 12);
  });
  it('gives the textbook interval', () => {
    // xs: mean 5, sample sd sqrt(2.5); half-width t(0.975, 4) * sd / sqrt(5) = 2.776 * 0.7071 = 1.963
    const r = meanInterval([3, 4, 5, 6, 7]);
    expect(r.mean).toBe(5);
    expect(r.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(r.high - r.mean).toBeCloseTo(1.9632, 3);
    expect(meanInterval([4]).sd).toBeNaN();
  });
});
