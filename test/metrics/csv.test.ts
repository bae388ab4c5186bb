// The streamed CSV rows must be byte-identical to what csv-stringify writes with its defaults.
import { describe, expect, it } from 'vitest';
import { stringify } from 'csv-stringify/sync';
import { csvRow } from '../../src/metrics/csv.js';
import { round12, tidy } from '../../src/metrics/stats.js';
import { RngStreams } from '../../src/engine/rng.js';

const tricky: (string | number)[][] = [
  [],
  [''],
  ['', '', ''],
  [0, -0, 1, -1, 0.1, 1e21, 1.5e-7, 123456789012, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2],
  ['plain', 'with space', ' leading', 'trailing '],
  ['a,b', 'say "hi"', '"', '""', 'line\nbreak', 'cr\rreturn', 'crlf\r\n', ','],
  ['default/shop', 'zone-a', 'nvidia.com/gpu', 'ünïcödé', '=1+2', '-3', '@x', '\ttab'],
  [NaN, Infinity, -Infinity],
];

describe('csvRow', () => {
  it.each(tricky.map((r, i) => [i, r] as const))('row %i matches csv-stringify', (_i, row) => {
    expect(csvRow(row)).toBe(stringify([row]));
  });

  it('matches csv-stringify on 2,000 random rows of numbers and awkward strings', () => {
    const rng = new RngStreams(7).get('csv');
    const alphabet = ['a', 'Z', '0', ',', '"', '\n', '\r', ' ', '-', '.', 'é', '/'];
    const rows: (string | number)[][] = [];
    for (let i = 0; i < 2000; i++) {
      const row: (string | number)[] = [];
      const n = rng.int(7);
      for (let j = 0; j < n; j++) {
        if (rng.int(2) === 0) row.push(rng.int(3) === 0 ? rng.int(1000) : (rng.next() - 0.5) * 10 ** rng.int(30));
        else row.push(Array.from({ length: rng.int(6) }, () => alphabet[rng.int(alphabet.length)]).join(''));
      }
      rows.push(row);
    }
    expect(rows.map(csvRow).join('')).toBe(stringify(rows));
  });
});

describe('tidy', () => {
  it('keeps integers of up to 12 digits and rounds others to 12 significant digits', () => {
    expect(tidy(999_999_999_999)).toBe(999_999_999_999);
    expect(tidy(-42)).toBe(-42);
    expect(tidy(1_234_567_890_123)).toBe(1_234_567_890_120);
    expect(tidy(0.1 + 0.2)).toBe(0.3);
    expect(tidy(NaN)).toBe('');
    expect(tidy(-Infinity)).toBe('-inf');
  });

  it('gives Number(v.toPrecision(12)) to the bit without the string round trip, near ties and powers of ten too', () => {
    const rng = new RngStreams(3).get('tidy');
    const values: number[] = [];
    const typical: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      const e = rng.int(40) - 14; // 1e-14 … 1e25: every path, the fallbacks included
      const v = (rng.next() < 0.5 ? -1 : 1) * (1 + 9 * rng.next()) * 10 ** e;
      values.push(v);
      if (e >= -10 && e <= 10) typical.push(v);
      // Twelve digits and a half (the decimal's tie, never exact in binary), and neighbours of powers of ten.
      const n = 1e11 + rng.int(9e11);
      const k = rng.int(23);
      values.push((n + 0.5) / 10 ** k, (n + 0.4999) / 10 ** k, (n + 0.5001) / 10 ** k);
      const p = 10 ** (rng.int(30) - 10);
      values.push(p, p * (1 + Number.EPSILON), p * (1 - Number.EPSILON / 2), p * (1 - 5e-13), p * (1 + 5e-13));
    }
    values.push(0.1 + 0.2, 1 / 3, 2 / 3, 5e-324, Number.MAX_VALUE, -Number.MIN_VALUE, 0.5, 2.5e-12);
    for (const v of values) {
      const want = Number.isInteger(v) && Math.abs(v) < 1e12 ? v : Number(v.toPrecision(12));
      const got = tidy(v);
      if (!Object.is(got, want)) expect(got, `tidy(${v})`).toBe(want);
    }
    // Values of 1e-10 to 1e11 take the arithmetic path, not the string one, but for a few near a tie.
    expect(typical.filter((v) => Number.isNaN(round12(v))).length).toBeLessThan(typical.length * 0.01);
  });
});
