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
  const r = round12(v);
  return r === r ? r : Number(v.toPrecision(12));
}

/** 10^k for k = 0…22, each exact as a double. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * Number(v.toPrecision(12)) without the string round trip, or NaN where that cannot be told apart cheaply.
 * toPrecision rounds |v|'s exact value to n·10^−k with 10^11 <= n < 10^12 (ties away from zero), and Number()
 * parses that decimal to the nearest double. Here m = |v|·10^k is one correctly rounded product, within 2^−13 of
 * the exact one (m < 2^40), so unless m's fraction lies within 10^−3 of a half, Math.round(m) is that n; and n
 * and 10^k (k <= 22) are exact doubles, so n / 10^k is the correctly rounded quotient: the nearest double to the
 * same decimal. A k misjudged at a power of ten gives an n out of range: NaN. (Tested against toPrecision.)
 */
export function round12(v: number): number {
  const a = Math.abs(v);
  const k = 11 - Math.floor(Math.log10(a));
  if (!(k >= 0 && k <= 22)) return NaN;
  const m = a * POW10[k]!;
  const n = Math.round(m);
  const f = m - Math.floor(m);
  if (!(n >= 1e11 && n < 1e12) || Math.abs(f - 0.5) < 1e-3) return NaN;
  const r = n / POW10[k]!;
  return v < 0 ? -r : r;
}

/**
 * tidy(ms / 1000) for a time in milliseconds, without tidy's string round trip when ms is a whole number below
 * 1e12: ms / 1000 then has at most 12 significant digits, and the nearest double to it is what tidy returns.
 */
export function seconds(ms: number): number | string {
  return Number.isInteger(ms) && ms < 1e12 && ms > -1e12 ? ms / 1000 : tidy(ms / 1000);
}
