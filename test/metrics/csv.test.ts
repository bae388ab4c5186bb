// The streamed CSV rows must be byte-identical to what csv-stringify writes with its defaults.
import { describe, expect, it } from 'vitest';
import { stringify } from 'csv-stringify/sync';
import { csvRow } from '../../src/metrics/csv.js';
import { tidy } from '../../src/metrics/stats.js';
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
});
