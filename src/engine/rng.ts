// Named random streams: each stream is seeded from (scenario seed, stream name), so adding a new
// consumer of randomness never shifts the draws of an existing one (common random numbers).
import seedrandom from 'seedrandom';

export class Rng {
  private spare = NaN;
  constructor(private readonly next: () => number) {}

  /** Uniform in [0, 1). */
  random(): number {
    return this.next();
  }

  /** Integer uniform in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  exponential(mean: number): number {
    // 1 - u lies in (0, 1], so the log is finite.
    return -mean * Math.log(1 - this.next());
  }

  /** Standard normal by the Box-Muller transform; the second value of each pair is kept for the next call. */
  standardNormal(): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = NaN;
      return z;
    }
    const u1 = 1 - this.next();
    const u2 = this.next();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  normal(mean: number, stddev: number): number {
    return mean + stddev * this.standardNormal();
  }

  lognormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.standardNormal());
  }

  weibull(shape: number, scale: number): number {
    return scale * Math.pow(-Math.log(1 - this.next()), 1 / shape);
  }
}

export class RngStreams {
  private readonly streams = new Map<string, Rng>();
  constructor(private readonly seed: number | string) {}

  get(name: string): Rng {
    let r = this.streams.get(name);
    if (!r) {
      // Alea: fast, and the same sequence on every platform for a given seed string.
      r = new Rng(seedrandom.alea(`kubesim:${this.seed}:${name}`));
      this.streams.set(name, r);
    }
    return r;
  }
}
