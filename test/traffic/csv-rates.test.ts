// Rate traces as CSV: the curve they give, and each malformed input with its line and expectation.
import { describe, expect, it } from 'vitest';
import { parseCsvRates } from '../../src/traffic/csv-rates.js';
import { rateAt } from '../../src/traffic/rates.js';

describe('parseCsvRates', () => {
  it('reads evenly spaced buckets into a csv curve', () => {
    const r = parseCsvRates('time_s,rps\n60,10\n120,20.5\n180,0\n');
    expect(r).toEqual({ curve: { kind: 'csv', startMs: 60_000, bucketMs: 60_000, rps: [10, 20.5, 0] } });
    if (!('curve' in r)) throw new Error('expected a curve');
    expect(rateAt(r.curve, 119_999)).toBe(10);
    expect(rateAt(r.curve, 120_000)).toBe(20.5);
  });

  it('takes columns in either order, CRLF, blank lines, comments and spaces', () => {
    const r = parseCsvRates('# trace from prod\r\nrps, time_s\r\n\r\n 5 ,0.5\r\n# lull\r\n6,1.0\r\n7,1.5');
    expect(r).toEqual({ curve: { kind: 'csv', startMs: 500, bucketMs: 500, rps: [5, 6, 7] } });
  });

  it('a single row needs the bucket width', () => {
    expect(parseCsvRates('time_s,rps\n0,3\n', { bucketMs: 1000 })).toEqual({
      curve: { kind: 'csv', startMs: 0, bucketMs: 1000, rps: [3] },
    });
    expect(parseCsvRates('time_s,rps\n0,3\n')).toEqual({
      error: { line: 2, message: 'expected a second row to fix the bucket width (or give the bucket width)' },
    });
  });

  it('a given bucket width is checked against the rows', () => {
    expect(parseCsvRates('time_s,rps\n0,1\n60,2\n', { bucketMs: 30_000 })).toEqual({
      error: { line: 3, message: 'a gap: expected time_s 30 (buckets of 30 s from 0), got 60' },
    });
  });

  // [name, text, line, message]
  const bad: [string, string, number, string][] = [
    ['a gap', 'time_s,rps\n0,1\n60,2\n120,3\n240,4\n', 5, 'a gap: expected time_s 180 (buckets of 60 s from 0), got 240'],
    ['a gap after comments', 'time_s,rps\n# a\n0,1\n# b\n10,2\n\n30,3\n', 7, 'a gap: expected time_s 20 (buckets of 10 s from 0), got 30'],
    ['uneven spacing', 'time_s,rps\n0,1\n60,2\n100,3\n', 4, 'expected time_s 120 (buckets of 60 s from 0), got 100'],
    ['a duplicate time', 'time_s,rps\n0,1\n60,2\n60,3\n', 4, 'expected time_s 120 (buckets of 60 s from 0), got 60'],
    ['time going back', 'time_s,rps\n60,1\n0,2\n', 3, 'expected time_s after 60 (rows in increasing time), got 0'],
    ['a negative rate', 'time_s,rps\n0,1\n60,-2\n', 3, 'expected rps >= 0, got -2'],
    ['a non-numeric rate', 'time_s,rps\n0,1\n60,lots\n', 3, 'expected rps as a number, got "lots"'],
    ['an empty rate', 'time_s,rps\n0,1\n60,\n', 3, 'expected rps as a number, got ""'],
    ['a hex rate', 'time_s,rps\n0,0x10\n', 2, 'expected rps as a number, got "0x10"'],
    ['an infinite rate', 'time_s,rps\n0,1e999\n', 2, 'expected rps as a number, got "1e999"'],
    ['a non-numeric time', 'time_s,rps\nnoon,1\n', 2, 'expected time_s as a number of seconds, got "noon"'],
    ['a negative time', 'time_s,rps\n-60,1\n0,1\n', 2, 'expected time_s >= 0, got -60'],
    ['a time finer than 1 ms', 'time_s,rps\n0.0005,1\n', 2, 'expected time_s in whole milliseconds, got 0.0005'],
    ['a third column', 'time_s,rps\n0,1\n60,2,3\n', 3, 'expected 2 columns (time_s,rps), got 3'],
    ['no header', '0,1\n60,2\n', 1, 'expected the header "time_s,rps", got "0,1"'],
    ['a misspelt header', 'time,rps\n0,1\n60,2\n', 1, 'expected the header "time_s,rps", got "time,rps"'],
    ['an extra header column', 'time_s,rps,zone\n0,1,a\n', 1, 'expected the header "time_s,rps", got "time_s,rps,zone"'],
    ['an empty file', '', 1, 'expected the header "time_s,rps", got an empty file'],
    ['only a header', '# x\ntime_s,rps\n', 2, 'expected at least one row of time_s,rps after the header'],
  ];
  it.each(bad)('%s', (_name, text, line, message) => {
    expect(parseCsvRates(text)).toEqual({ error: { line, message } });
  });

  it('an unclosed quote is reported at its line by the CSV reader', () => {
    const r = parseCsvRates('time_s,rps\n0,1\n60,"2\n');
    expect('error' in r && r.error.line).toBe(3);
  });

  it('a bad bucket width option is an error, not a throw', () => {
    expect(parseCsvRates('time_s,rps\n0,1\n', { bucketMs: 0 })).toEqual({
      error: { line: 0, message: 'expected the bucket width as a whole number of ms > 0, got 0' },
    });
  });
});
