// CSV files. Headers and one-shot tables go through csv-stringify; the streamed rows of a run (tens of
// thousands per run, most of a sweep run's time when formatted field by field through csv-stringify's
// casting pipeline) take csvRow, which writes the same bytes as csv-stringify's defaults for the numbers
// and strings the collectors emit (test/metrics/csv.test.ts compares the two).
import { closeSync, openSync, writeSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import type { Row, RowSink } from './collector.js';

/** csv-stringify's default quoting: a field holding a delimiter, a quote or a line break is quoted. */
const NEEDS_QUOTES = /[,"\n\r]/;

/** One field as csv-stringify writes it with default options (numbers cast with String). */
export function csvField(v: string | number): string {
  if (typeof v === 'number') return String(v);
  if (v === '' || !NEEDS_QUOTES.test(v)) return v;
  return `"${v.replaceAll('"', '""')}"`;
}

/** One record and its line break, as csv-stringify writes it. */
export function csvRow(row: Row): string {
  let line = row.length > 0 ? csvField(row[0]!) : '';
  for (let i = 1; i < row.length; i++) line += `,${csvField(row[i]!)}`;
  return `${line}\n`;
}

/** A second file that gets every row (not the header) with a fixed prefix: a sweep's combined timeseries. */
export interface PrefixedCopy {
  path: string;
  prefix: string;
}

export class CsvFile implements RowSink {
  private readonly fd: number;
  private chunk = '';
  private readonly copyFd: number = -1;
  private copyChunk = '';
  rows = 0;

  constructor(
    path: string,
    columns: readonly string[],
    private readonly copy?: PrefixedCopy,
    /** Characters buffered before a write. */
    private readonly chunkSize = 1 << 16,
  ) {
    this.fd = openSync(path, 'w');
    writeSync(this.fd, stringify([columns as string[]]));
    if (copy) this.copyFd = openSync(copy.path, 'w');
  }

  write(row: Row): void {
    const line = csvRow(row);
    this.chunk += line;
    if (this.copy) this.copyChunk += this.copy.prefix + line;
    this.rows++;
    if (this.chunk.length >= this.chunkSize) this.flush();
  }

  private flush(): void {
    if (this.chunk.length > 0) writeSync(this.fd, this.chunk);
    if (this.copyChunk.length > 0) writeSync(this.copyFd, this.copyChunk);
    this.chunk = '';
    this.copyChunk = '';
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
    if (this.copyFd >= 0) closeSync(this.copyFd);
  }
}

/** One-shot CSV text. */
export function csvText(columns: readonly string[], rows: Row[]): string {
  return stringify([columns as string[], ...rows]);
}
