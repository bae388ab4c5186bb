// Small statistics helpers for summaries.

/** Nearest-rank percentile (p in 0..100) of values sorted ascending; NaN for none. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const rank = Math.ceil((p / 100) * n);
  return sorted[Math.min(n - 1, Math.max(0, rank - 1))]!;
}

/** A growable array of doubles. */
export class DoubleList {
  private data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Float64Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

/** Rounds for output so that CSVs do not carry float noise (12 significant digits). */
export function tidy(v: number): number | string {
  // Integers of up to 12 digits are already exact at 12 significant digits.
  if (Number.isInteger(v) && v < 1e12 && v > -1e12) return v;
  if (Number.isNaN(v)) return '';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return Number(v.toPrecision(12));
}

/**
 * tidy(ms / 1000) for a time in milliseconds, without tidy's string round trip when ms is a whole number below
 * 1e12: ms / 1000 then has at most 12 significant digits, and the nearest double to it is what tidy returns.
 */
export function seconds(ms: number): number | string {
  return Number.isInteger(ms) && ms < 1e12 && ms > -1e12 ? ms / 1000 : tidy(ms / 1000);
}
