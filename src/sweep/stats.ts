// Statistics for sweeps: mean, standard deviation and a seeded percentile-bootstrap confidence interval of the mean.
//
// The interval resamples the values with replacement BOOTSTRAP_RESAMPLES times and takes the 2.5th and 97.5th
// percentiles of the resample means. Every resample mean lies within [min, max] of the sample, so the interval
// does too: a positive quantity never gets a negative bound, as it can from a Student-t interval over a few
// seeds. The random stream is named by the caller (the sweep's scenario seed, the cell and the metric), never
// by the order the values were computed in, so a sweep run on any number of threads or merged from any shards
// writes the same bytes.
//
// A sweep computes thousands of these intervals (cells x metrics, twice with a baseline), so the resampling
// is built for speed without giving up exactness: the indices of a resample are drawn several at a time as
// one uniform integer below n^m (its base-n digits are the indices), unbiased by Lemire's method, from a
// small fast generator seeded by the named stream; small samples tally whole resamples instead of averaging
// each one, and large ones keep only the tails of the resample means.
import { RngStreams, type Rng } from '../engine/rng.js';

/** Resamples of every bootstrap interval. */
export const BOOTSTRAP_RESAMPLES = 10_000;
/** The confidence level of the intervals sweeps write (`ci95`). */
export const CONFIDENCE_LEVEL = 0.95;
/** Samples of up to this many values are bootstrapped by tallying whole resamples (see tallyRanks). */
export const TALLY_MAX = 6;

export interface Interval {
  n: number;
  mean: number;
  sd: number;
  low: number;
  high: number;
}

export interface BootstrapOptions {
  resamples?: number;
  level?: number;
}

/** Ranks l0, l1 = l0 or l0 + 1, h0, h1 = h0 or h0 + 1 (0-based) among the resample means, or their values. */
export type Ranks = [number, number, number, number];

const WORD = 4294967296; // 2^32
const INV_WORD = 1 / WORD;
/** Bounds up to which bound * word stays exact in a double (< 2^53). */
const MAX_BOUND = 2 ** 21;
/** Largest number of index tuples one draw chooses among in bootstrapMeans (their sums are tabulated: 64 KiB). */
const CHUNK_TABLE = 8192;
/** Resamples whose draws are generated at once. */
const BATCH = 512;

/**
 * The random stream of one bootstrap interval: seeded from the sweep's scenario seed and the names that
 * identify the interval (e.g. "summary", the cell id and the metric), and from nothing else.
 */
export function bootstrapStream(seed: number, ...names: string[]): Rng {
  return new RngStreams(seed).get(`bootstrap${JSON.stringify(names)}`);
}

/**
 * Mean, sample standard deviation and the percentile-bootstrap confidence interval of the mean. No values
 * give NaN everywhere; one value gives its mean and NaN for the rest (one seed says nothing about spread).
 * Equal values give [x, x] without drawing.
 */
export function meanInterval(xs: readonly number[], rng: Rng, opts: BootstrapOptions = {}): Interval {
  const n = xs.length;
  if (n === 0) return { n, mean: NaN, sd: NaN, low: NaN, high: NaN };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const x of xs) {
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const mean = sum / n;
  if (n === 1) return { n, mean, sd: NaN, low: NaN, high: NaN };
  let sq = 0;
  for (const x of xs) sq += (x - mean) * (x - mean);
  const sd = Math.sqrt(sq / (n - 1));
  if (min === max) return { n, mean, sd, low: min, high: max };
  const [low, high] = bootstrapPercentiles(xs, rng, opts.resamples ?? BOOTSTRAP_RESAMPLES, opts.level ?? CONFIDENCE_LEVEL);
  // Rounding in a resample's sum could step an ulp outside the sample's range: the interval never does.
  const clamp = (v: number) => Math.min(Math.max(v, min), max);
  return { n, mean, sd, low: clamp(low), high: clamp(high) };
}

/**
 * The (1 - level) / 2 and (1 + level) / 2 percentiles of `resamples` bootstrap means of `xs`, interpolated
 * linearly between order statistics (R's default, type 7, as NumPy's): with 10,000 resamples the 2.5th
 * percentile lies between the 250th and 251st smallest means, the 97.5th between the 9,750th and 9,751st.
 */
export function bootstrapPercentiles(xs: readonly number[], rng: Rng, resamples: number, level: number): [number, number] {
  if (!(Number.isInteger(resamples) && resamples >= 1)) throw new RangeError(`bootstrap: ${resamples} resamples`);
  if (!(level > 0 && level < 1)) throw new RangeError(`bootstrap: confidence level ${level}`);
  const lo = (resamples - 1) * ((1 - level) / 2);
  const hi = (resamples - 1) * ((1 + level) / 2);
  const last = resamples - 1;
  const l0 = Math.floor(lo);
  const h0 = Math.floor(hi);
  const ranks: Ranks = [l0, Math.min(l0 + 1, last), h0, Math.min(h0 + 1, last)];
  const [a, b, c, d] = xs.length <= TALLY_MAX ? tallyRanks(xs, rng, resamples, ranks) : ranksOf(bootstrapMeans(xs, rng, resamples), ranks);
  return [a + (lo - l0) * (b - a), c + (hi - h0) * (d - c)];
}

// Small samples: whole resamples, tallied.

interface ResampleTable {
  /** Which distinct resample each integer below n^n is (its n base-n digits are the indices drawn). */
  ids: Uint16Array;
  /** How many times each distinct resample takes each value: n counts per resample. */
  counts: Uint8Array;
  size: number;
}

const tables = new Map<number, ResampleTable>();

/** The C(2n - 1, n) distinct resamples (multisets of indices) of n values, and which one each of the n^n draws is. */
function resampleTable(n: number): ResampleTable {
  let table = tables.get(n);
  if (table) return table;
  const total = n ** n;
  const ids = new Uint16Array(total);
  const idOfKey = new Int32Array((n + 1) ** n).fill(-1);
  const counts: number[] = [];
  const c = new Uint8Array(n);
  for (let u = 0; u < total; u++) {
    c.fill(0);
    for (let v = u, i = 0; i < n; i++, v = Math.floor(v / n)) c[v % n]!++;
    let key = 0;
    for (let i = n - 1; i >= 0; i--) key = key * (n + 1) + c[i]!;
    if (idOfKey[key] === -1) {
      idOfKey[key] = counts.length / n;
      counts.push(...c);
    }
    ids[u] = idOfKey[key]!;
  }
  table = { ids, counts: Uint8Array.from(counts), size: counts.length / n };
  tables.set(n, table);
  return table;
}

/**
 * The values of the ranks among `resamples` bootstrap means of a small sample (n <= TALLY_MAX). Each resample
 * is one uniform integer below n^n: its n indices at once, as the integer's base-n digits. The resamples are
 * tallied by the multiset of indices they take, and the ranks read from the few distinct means (126 for
 * n = 5). For n <= 5 the draws are the ones bootstrapMeans makes.
 */
export function tallyRanks(xs: readonly number[], rng: Rng, resamples: number, ranks: Ranks): Ranks {
  const n = xs.length;
  if (n === 0 || n > TALLY_MAX) throw new RangeError(`bootstrap: ${n} values to tally`);
  const table = resampleTable(n);
  const hits = new Uint32Array(table.size);
  new Words(rng).countBelow(hits, table.ids, resamples, n ** n);
  const drawn: { mean: number; hits: number }[] = [];
  for (let id = 0; id < table.size; id++) {
    if (hits[id] === 0) continue;
    let s = 0;
    for (let i = 0; i < n; i++) s += table.counts[id * n + i]! * xs[i]!;
    drawn.push({ mean: s / n, hits: hits[id]! });
  }
  drawn.sort((p, q) => p.mean - q.mean);
  const value = (r: number) => {
    let seen = 0;
    for (const d of drawn) {
      seen += d.hits;
      if (r < seen) return d.mean;
    }
    return drawn[drawn.length - 1]!.mean;
  };
  return [value(ranks[0]), value(ranks[1]), value(ranks[2]), value(ranks[3])];
}

// Larger samples: every resample mean, then the tails.

/**
 * `resamples` bootstrap means of `xs`, each the mean of n values drawn from `xs` uniformly with replacement.
 * A resample's indices are drawn m at a time, as one uniform integer below n^m (n^m <= CHUNK_TABLE) whose m
 * base-n digits are the indices; a table built for the sample holds the sum of the values at the digits of
 * every such integer. When m does not divide n, the last draw of a resample counts only its lowest digits.
 * For n = 5 a resample is one draw; for n = 20, seven.
 */
export function bootstrapMeans(xs: readonly number[], rng: Rng, resamples: number): Float64Array {
  const n = xs.length;
  if (n === 0 || n > MAX_BOUND) throw new RangeError(`bootstrap: ${n} values`);
  let most = 1;
  while (most < n && n ** (most + 1) <= CHUNK_TABLE) most++;
  const chunks = Math.ceil(n / most);
  const m = Math.ceil(n / chunks);
  const rest = n - (chunks - 1) * m;
  const bound = n ** m;
  // sums[j][u]: the sum of the values at the j base-n digits of u (j = 0 … m).
  const sums: Float64Array[] = [new Float64Array([0])];
  for (let j = 1; j <= m; j++) {
    const prev = sums[j - 1]!;
    const next = new Float64Array(prev.length * n);
    for (let q = 0; q < prev.length; q++) for (let i = 0; i < n; i++) next[q * n + i] = prev[q]! + xs[i]!;
    sums.push(next);
  }
  const full = sums[m]!;
  // The last draw of a resample: the sum of its `rest` lowest digits, i.e. sums[rest] repeated.
  let tail = full;
  if (rest < m) {
    const part = sums[rest]!;
    tail = new Float64Array(bound);
    for (let at = 0; at < bound; at += part.length) tail.set(part, at);
  }
  const means = new Float64Array(resamples);
  const words = new Words(rng);
  const draws = new Int32Array(BATCH * chunks);
  for (let done = 0; done < resamples; done += BATCH) {
    const count = Math.min(BATCH, resamples - done);
    words.fillBelow(draws, count * chunks, bound);
    addMeans(draws, means, done, count, chunks, full, tail, n);
  }
  return means;
}

/** The means of `count` resamples of `chunks` draws each, from `done` on. A function of its own: the hot loop. */
function addMeans(
  draws: Int32Array,
  means: Float64Array,
  done: number,
  count: number,
  chunks: number,
  full: Float64Array,
  tail: Float64Array,
  n: number,
): void {
  let at = 0;
  for (let b = 0; b < count; b++) {
    let s = 0;
    for (let c = 1; c < chunks; c++) s += full[draws[at++]!]!;
    s += tail[draws[at++]!]!;
    means[done + b] = s / n;
  }
}

/**
 * The values of the ranks of `a`, in one pass: the l1 + 1 smallest values are kept in a max-heap, whose
 * root is then rank l1 and whose larger child rank l0; the largest likewise, as a max-heap of their negations.
 */
export function ranksOf(a: Float64Array, [l0, l1, h0, h1]: Ranks): Ranks {
  const n = a.length;
  const lk = l1 + 1;
  const hk = n - h0;
  const low = new Float64Array(lk);
  const high = new Float64Array(hk);
  for (let i = 0; i < lk; i++) siftUp(low, i, a[i]!);
  for (let i = 0; i < hk; i++) siftUp(high, i, -a[i]!);
  let lowTop = low[0]!;
  let highTop = -high[0]!;
  for (let i = Math.min(lk, hk); i < n; i++) {
    const v = a[i]!;
    if (v < lowTop && i >= lk) {
      siftDown(low, v);
      lowTop = low[0]!;
    }
    if (v > highTop && i >= hk) {
      siftDown(high, -v);
      highTop = -high[0]!;
    }
  }
  return [l0 === l1 ? lowTop : secondOf(low), lowTop, highTop, h0 === h1 ? highTop : -secondOf(high)];
}

/** The second largest value of a max-heap of at least two. */
function secondOf(h: Float64Array): number {
  return h.length === 2 ? h[1]! : Math.max(h[1]!, h[2]!);
}

/** Puts v at position i of a max-heap whose first i positions are filled. */
function siftUp(h: Float64Array, i: number, v: number): void {
  let j = i;
  while (j > 0) {
    const p = (j - 1) >> 1;
    if (h[p]! >= v) break;
    h[j] = h[p]!;
    j = p;
  }
  h[j] = v;
}

/** Replaces the root of a full max-heap with v, which is smaller than it. */
function siftDown(h: Float64Array, v: number): void {
  const k = h.length;
  let j = 0;
  for (;;) {
    let c = 2 * j + 1;
    if (c >= k) break;
    if (c + 1 < k && h[c + 1]! > h[c]!) c++;
    if (h[c]! <= v) break;
    h[j] = h[c]!;
    j = c;
  }
  h[j] = v;
}

/**
 * Uniform integers below a bound, exactly: floor(word * bound / 2^32) of uniform 32-bit words, skipping the
 * words whose low part (word * bound mod 2^32) is below 2^32 mod bound (Lemire's method; bound <= 2^21 keeps
 * word * bound exact in a double). The words come from sfc32 (Doty-Humphrey's small fast counting generator),
 * its state seeded with three words of the named stream, its first 12 outputs discarded as in sfc32's
 * reference seeding. The generator's step is written out in both loops: they are the hot loops of a sweep's
 * aggregation.
 */
class Words {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(rng: Rng) {
    const word = () => Math.floor(rng.random() * WORD) | 0;
    this.a = word();
    this.b = word();
    this.c = word();
    this.fillBelow(new Int32Array(12), 12, 1);
  }

  /** `count` integers below `bound` into `out`. */
  fillBelow(out: Int32Array, count: number, bound: number): void {
    const skip = WORD % bound;
    const scale = bound * INV_WORD;
    let a = this.a;
    let b = this.b;
    let c = this.c;
    let d = this.d;
    for (let i = 0; i < count;) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (((c << 21) | (c >>> 11)) + t) | 0;
      if (Math.imul(t, bound) >>> 0 >= skip) out[i++] = ((t >>> 0) * scale) | 0;
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }

  /** `count` integers below `bound`, each counted under its id: hits[ids[u]]++. */
  countBelow(hits: Uint32Array, ids: Uint16Array, count: number, bound: number): void {
    const skip = WORD % bound;
    const scale = bound * INV_WORD;
    let a = this.a;
    let b = this.b;
    let c = this.c;
    let d = this.d;
    for (let i = 0; i < count;) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (((c << 21) | (c >>> 11)) + t) | 0;
      if (Math.imul(t, bound) >>> 0 >= skip) {
        hits[ids[((t >>> 0) * scale) | 0]!]!++;
        i++;
      }
    }
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
  }
}
