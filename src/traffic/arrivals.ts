// Arrival times for a time-varying rate, by inversion of the integrated rate Λ(t) = ∫ rate (requests):
//   poisson: Λ(t_k) − Λ(t_{k−1}) = E_k with E_k ~ Exp(1), a non-homogeneous Poisson process (Çinlar's
//            time-change theorem: a unit Poisson process run on the clock Λ);
//   uniform: Λ(t_k) − Λ(t_{k−1}) = 1, deterministic arrivals that follow the curve.
// Λ is inverted piece by piece (rates.ts): in closed form on constant pieces, by safeguarded Newton on
// diurnal ones. Each Poisson arrival takes exactly one draw from the given stream, uniform arrivals none.
import type { Rng } from '../engine/rng.js';
import { integrateWithinPiece, isPiecewiseConstant, nextRateChange, rateAt, type RateCurve } from './rates.js';

export type ArrivalKind = 'poisson' | 'uniform';

/** Newton stops when a step is below this many ms (plus the float spacing at t); the result is floored to ms. */
const TOLERANCE_MS = 1e-6;
const MAX_ITERATIONS = 100;

export class ArrivalProcess {
  /** The previous arrival, in fractional ms: many arrivals may share one integer ms at high rates. */
  private t = -Infinity;
  /** The end of the cached piece holding t, and the piece's rate in requests per ms (used when constant). */
  private pieceEnd = -Infinity;
  private perMs = 0;
  private readonly constantPieces: boolean;
  /** Whether arrivals are Poisson (a flag: the kind is a string from the scenario file, slower to compare per arrival). */
  private readonly poisson: boolean;
  /** A diurnal curve with mean 0 has no piece with a positive rate: never an arrival. */
  private readonly silent: boolean;

  /** The curve must pass checkRateCurve; draws come from rng only (one per Poisson arrival). */
  constructor(
    private readonly curve: RateCurve,
    private readonly rng: Rng,
    kind: ArrivalKind,
  ) {
    this.constantPieces = isPiecewiseConstant(curve);
    this.poisson = kind === 'poisson';
    let base = curve;
    while (base.kind === 'spikes') base = base.base;
    this.silent = base.kind === 'diurnal' && base.meanRps === 0;
  }

  /**
   * The next arrival (integer ms, floored) after the previous one and not before nowMs; Infinity when the
   * rate stays 0 for ever. A nowMs past the previous arrival starts afresh there (exact for Poisson, which
   * is memoryless; a uniform process restarts its spacing). Equal values are returned at high rates.
   */
  next(nowMs: number): number {
    let t = Math.max(this.t, nowMs);
    // Exp(1) by inversion; 1 − u lies in (0, 1], so the log is finite.
    let need = this.poisson ? -Math.log(1 - this.rng.random()) : 1;
    if (this.silent) return this.arrive(Infinity);
    for (;;) {
      if (t >= this.pieceEnd) this.enterPiece(t);
      const end = this.pieceEnd;
      if (this.constantPieces) {
        // Λ is linear on the piece: t + need / rate, if that falls before the piece ends.
        const x = t + need / this.perMs;
        if (x < end || end === Infinity) return this.arrive(x);
        need -= this.perMs * (end - t);
      } else {
        const area = integrateWithinPiece(this.curve, t, end);
        if (area > need) return this.arrive(this.solve(t, end, need));
        need -= area;
      }
      t = end;
    }
  }

  private enterPiece(t: number): void {
    this.pieceEnd = nextRateChange(this.curve, t);
    this.perMs = rateAt(this.curve, t) / 1000;
  }

  private arrive(x: number): number {
    this.t = x; // Infinity when the rate is 0 on the last, endless piece
    return Math.floor(x);
  }

  /** x in (t, end) with ∫_t^x rate = need, where ∫_t^end rate > need: Newton, falling back to bisection. */
  private solve(t: number, end: number, need: number): number {
    let lo = t;
    let hi = end;
    const r0 = rateAt(this.curve, t) / 1000;
    let x = r0 > 0 ? t + need / r0 : (lo + hi) / 2;
    if (!(x > lo && x < hi)) x = (lo + hi) / 2;
    for (let i = 0; i < MAX_ITERATIONS; i++) {
      const f = integrateWithinPiece(this.curve, t, x) - need;
      if (f < 0) lo = x;
      else hi = x;
      // F'(x) = rate(x); a zero rate (amplitude 1 at the trough) or a step out of [lo, hi] bisects instead.
      const d = rateAt(this.curve, x) / 1000;
      let xn = d > 0 ? x - f / d : NaN;
      if (!(xn > lo && xn < hi)) xn = (lo + hi) / 2;
      if (Math.abs(xn - x) <= TOLERANCE_MS + Math.abs(x) * Number.EPSILON) return xn;
      x = xn;
    }
    return x;
  }
}
