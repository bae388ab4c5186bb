import { describe, expect, it } from 'vitest';
import { parseMilliQuantity, parseQuantity, QuantityError, formatBytes, formatMilli } from '../../src/model/quantity.js';

// Expected values follow apimachinery's resource.Quantity (quantity_test.go): Value() and MilliValue() round up.
describe('quantities', () => {
  it.each<[string | number, number]>([
    ['500m', 500],
    ['1.5', 1500],
    ['2', 2000],
    [0.15, 150],
    ['0.1', 100],
    ['99m', 99],
    ['1e3', 1_000_000],
    ['100u', 1],
    ['1n', 1],
    ['0.0001', 1],
    ['.5', 500],
    ['1k', 1_000_000],
    [2, 2000],
    ['+1', 1000],
    ['1E-3', 1],
  ])('cpu %j = %i millicores', (q, milli) => {
    expect(parseMilliQuantity(q)).toBe(milli);
  });

  it.each<[string | number, number]>([
    ['2Gi', 2 * 2 ** 30],
    ['512M', 512e6],
    ['1e3', 1000],
    ['1000Mi', 1000 * 2 ** 20],
    ['1Ki', 1024],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['129e6', 129e6],
    ['123', 123],
    ['0.5', 1],
    ['1m', 1],
    ['10Gi', 10 * 2 ** 30],
    ['1Ei', 2 ** 60],
  ])('bytes %j = %i', (q, bytes) => {
    expect(parseQuantity(q)).toBe(bytes);
  });

  it.each(['2Gb', '512MB', '1gi', '10 Mi', 'abc', '', '1.2.3', 'Gi', '1iB', '--1'])('rejects %j', (q) => {
    expect(() => parseQuantity(q)).toThrow(QuantityError);
  });

  it('suggests the units a slip probably meant', () => {
    expect(() => parseQuantity('2Gb')).toThrow(/did you mean 2Gi or 2G\?/);
    expect(() => parseQuantity('512MB')).toThrow(/did you mean 512Mi or 512M\?/);
  });

  it('formats', () => {
    expect(formatMilli(2500)).toBe('2500m');
    expect(formatMilli(2000)).toBe('2');
    expect(formatBytes(3 * 2 ** 30)).toBe('3Gi');
    expect(formatBytes(1536 * 2 ** 20)).toBe('1536Mi');
  });
});
