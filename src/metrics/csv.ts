// CSV files written with csv-stringify, in batches, to a file descriptor.
import { closeSync, openSync, writeSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import type { Row, RowSink } from './recorder.js';

export class CsvFile implements RowSink {
  private readonly fd: number;
  private batch: Row[] = [];
  rows = 0;

  constructor(
    path: string,
    columns: readonly string[],
    private readonly batchSize = 4096,
  ) {
    this.fd = openSync(path, 'w');
    writeSync(this.fd, stringify([columns as string[]]));
  }

  write(row: Row): void {
    this.batch.push(row);
    this.rows++;
    if (this.batch.length >= this.batchSize) this.flush();
  }

  private flush(): void {
    if (this.batch.length === 0) return;
    writeSync(this.fd, stringify(this.batch));
    this.batch = [];
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** One-shot CSV text. */
export function csvText(columns: readonly string[], rows: Row[]): string {
  return stringify([columns as string[], ...rows]);
}
