// A rate trace as CSV, one row per time bucket, into a csv replay curve:
//
//   time_s,rps        header required (columns in either order)
//   0,120             bucket [0 s, 60 s) carries 120 requests per second
//   60,135            buckets are evenly spaced; the width is the gap between the first two rows
//
// Empty lines and lines starting with # are skipped. Errors are data: the 1-based line and what was expected.
import { parse } from 'csv-parse/sync';
import type { RateCurve } from './rates.js';

export type CsvRateCurve = Extract<RateCurve, { kind: 'csv' }>;
/** line is 1-based in the text, or 0 for a problem with the options. */
export type CsvRatesResult = { curve: CsvRateCurve } | { error: { line: number; message: string } };

export interface CsvRatesOptions {
  /** Bucket width in ms; needed for a single-row trace, otherwise checked against the rows. */
  bucketMs?: number;
}

interface Row {
  record: string[];
  info: { lines: number };
}

/** A plain decimal number ("12", "-0.5", "1e3"); rejects "", "0x10", "Infinity", which Number() would accept. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const seconds = (ms: number): string => String(ms / 1000);

export function parseCsvRates(text: string, options: CsvRatesOptions = {}): CsvRatesResult {
  let rows: Row[];
  try {
    // With info: true each record comes as { record, info } (info.lines: the line the record ends on).
    rows = parse(text, { info: true, trim: true, skip_empty_lines: true, comment: '#', relax_column_count: true }) as unknown as Row[];
  } catch (e) {
    const err = e as { lines?: number; message: string };
    return { error: { line: err.lines ?? 0, message: err.message } };
  }
  const fail = (line: number, message: string): CsvRatesResult => ({ error: { line, message } });

  const header = rows[0];
  if (!header) return fail(1, 'expected the header "time_s,rps", got an empty file');
  const timeCol = header.record.indexOf('time_s');
  const rpsCol = header.record.indexOf('rps');
  if (header.record.length !== 2 || timeCol < 0 || rpsCol < 0)
    return fail(header.info.lines, `expected the header "time_s,rps", got "${header.record.join(',')}"`);
  const data = rows.slice(1);
  if (data.length === 0) return fail(header.info.lines, 'expected at least one row of time_s,rps after the header');

  const given = options.bucketMs;
  if (given !== undefined && !(Number.isSafeInteger(given) && given > 0))
    return fail(0, `expected the bucket width as a whole number of ms > 0, got ${given}`);

  const rps: number[] = [];
  let startMs = 0;
  let bucketMs = given ?? 0;
  for (const [i, row] of data.entries()) {
    const line = row.info.lines;
    if (row.record.length !== 2) return fail(line, `expected 2 columns (time_s,rps), got ${row.record.length}`);
    const t = row.record[timeCol]!;
    const r = row.record[rpsCol]!;
    if (!NUMBER.test(t) || !Number.isFinite(Number(t))) return fail(line, `expected time_s as a number of seconds, got "${t}"`);
    // Virtual time is integer ms: a time must be a whole number of milliseconds.
    const ms = Math.round(Number(t) * 1000);
    if (Math.abs(Number(t) * 1000 - ms) > 1e-6) return fail(line, `expected time_s in whole milliseconds, got ${t}`);
    if (ms < 0) return fail(line, `expected time_s >= 0, got ${t}`);
    if (!NUMBER.test(r) || !Number.isFinite(Number(r))) return fail(line, `expected rps as a number, got "${r}"`);
    if (Number(r) < 0) return fail(line, `expected rps >= 0, got ${r}`);

    if (i === 0) startMs = ms;
    else if (i === 1 && given === undefined) {
      if (ms <= startMs) return fail(line, `expected time_s after ${seconds(startMs)} (rows in increasing time), got ${t}`);
      bucketMs = ms - startMs;
    }
    // Bucket i starts at start + i·width; anything else is a gap, a duplicate or uneven spacing.
    const expected = startMs + i * bucketMs;
    if (ms !== expected) {
      const what = ms > expected ? 'a gap: ' : '';
      return fail(
        line,
        `${what}expected time_s ${seconds(expected)} (buckets of ${seconds(bucketMs)} s from ${seconds(startMs)}), got ${t}`,
      );
    }
    rps.push(Number(r));
  }
  if (bucketMs === 0) return fail(data[0]!.info.lines, 'expected a second row to fix the bucket width (or give the bucket width)');
  return { curve: { kind: 'csv', startMs, bucketMs, rps } };
}
