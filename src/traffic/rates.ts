// Arrival-rate curves: plain data saying how many requests per second arrive at virtual time t (integer ms).
// Every curve is piecewise: nextRateChange gives the piece boundaries, and on each piece the rate is either
// constant or (diurnal only) a smooth cosine, so integrals and inverses can be taken exactly per piece.
import { DAY, HOUR, MINUTE } from '../engine/time.js';

export interface RateStep {
  /** The rate holds from this time (ms) until the next step's. */
  atMs: number;
  rps: number;
}

export interface RateSpike {
  atMs: number;
  durationMs: number;
  /** Multiplies the base rate on [atMs, atMs + durationMs); overlapping spikes multiply. */
  factor: number;
}

export type RateCurve =
  | { kind: 'constant'; rps: number }
  /** rate(t) = meanRps·(1 + amplitude·cos(2π(t − peakAtMs)/periodMs)). */
  | { kind: 'diurnal'; meanRps: number; amplitude: number; peakAtMs?: number; periodMs?: number }
  /** Piecewise constant; the rate is 0 before the first step. */
  | { kind: 'steps'; steps: RateStep[] }
  | { kind: 'spikes'; base: RateCurve; spikes: RateSpike[] }
  /** Replay: bucket i holds rps[i] on [startMs + i·bucketMs, startMs + (i + 1)·bucketMs); 0 outside the buckets. */
  | { kind: 'csv'; startMs: number; bucketMs: number; rps: number[] };

export const DEFAULT_PEAK_AT_MS = 14 * HOUR;
export const DEFAULT_PERIOD_MS = DAY;
/** The diurnal curve is continuous; nextRateChange cuts it on this grid so per-piece work stays bounded. */
export const DIURNAL_PIECE_MS = MINUTE;

/** Index of the last step with atMs <= t, or -1 (binary search; steps are increasing in time). */
function stepIndex(steps: readonly RateStep[], t: number): number {
  let lo = 0;
  let hi = steps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (steps[mid]!.atMs <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Product of the factors of the spikes active at t. */
function spikeFactor(spikes: readonly RateSpike[], t: number): number {
  let f = 1;
  for (const s of spikes) if (t >= s.atMs && t < s.atMs + s.durationMs) f *= s.factor;
  return f;
}

/** Requests per second at virtual time t (ms). */
export function rateAt(curve: RateCurve, tMs: number): number {
  switch (curve.kind) {
    case 'constant':
      return curve.rps;
    case 'diurnal': {
      const period = curve.periodMs ?? DEFAULT_PERIOD_MS;
      const peak = curve.peakAtMs ?? DEFAULT_PEAK_AT_MS;
      return curve.meanRps * (1 + curve.amplitude * Math.cos((2 * Math.PI * (tMs - peak)) / period));
    }
    case 'steps': {
      const i = stepIndex(curve.steps, tMs);
      return i < 0 ? 0 : curve.steps[i]!.rps;
    }
    case 'spikes':
      return rateAt(curve.base, tMs) * spikeFactor(curve.spikes, tMs);
    case 'csv': {
      const i = Math.floor((tMs - curve.startMs) / curve.bucketMs);
      return i >= 0 && i < curve.rps.length ? curve.rps[i]! : 0;
    }
  }
}

/** The first piece boundary strictly after t (ms), or Infinity when the rate never changes again. */
export function nextRateChange(curve: RateCurve, tMs: number): number {
  switch (curve.kind) {
    case 'constant':
      return Infinity;
    case 'diurnal':
      return (Math.floor(tMs / DIURNAL_PIECE_MS) + 1) * DIURNAL_PIECE_MS;
    case 'steps': {
      const i = stepIndex(curve.steps, tMs) + 1;
      return i < curve.steps.length ? curve.steps[i]!.atMs : Infinity;
    }
    case 'spikes': {
      let next = nextRateChange(curve.base, tMs);
      for (const s of curve.spikes) {
        if (s.atMs > tMs) next = Math.min(next, s.atMs);
        else if (s.atMs + s.durationMs > tMs) next = Math.min(next, s.atMs + s.durationMs);
      }
      return next;
    }
    case 'csv': {
      const end = curve.startMs + curve.rps.length * curve.bucketMs;
      if (tMs < curve.startMs) return curve.startMs;
      if (tMs >= end) return Infinity;
      return curve.startMs + (Math.floor((tMs - curve.startMs) / curve.bucketMs) + 1) * curve.bucketMs;
    }
  }
}

/** Whether the rate is constant on every piece (all kinds except diurnal, alone or under spikes). */
export function isPiecewiseConstant(curve: RateCurve): boolean {
  if (curve.kind === 'diurnal') return false;
  return curve.kind === 'spikes' ? isPiecewiseConstant(curve.base) : true;
}

/**
 * ∫ rate(t) dt over [from, to] within one piece, in requests (rates are per second, times in ms).
 * Diurnal: ∫ m(1 + a·cos(ω(t − p))) dt = m(to − from) + (m·a/ω)(sin ω(to − p) − sin ω(from − p)),
 * with the sine difference written as 2·cos(ω(to + from − 2p)/2)·sin(ω(to − from)/2) to avoid cancellation.
 */
export function integrateWithinPiece(curve: RateCurve, fromMs: number, toMs: number): number {
  switch (curve.kind) {
    case 'diurnal': {
      const period = curve.periodMs ?? DEFAULT_PERIOD_MS;
      const peak = curve.peakAtMs ?? DEFAULT_PEAK_AT_MS;
      const w = (2 * Math.PI) / period;
      const dSin = 2 * Math.cos((w * (toMs + fromMs - 2 * peak)) / 2) * Math.sin((w * (toMs - fromMs)) / 2);
      return (curve.meanRps * (toMs - fromMs + (curve.amplitude / w) * dSin)) / 1000;
    }
    case 'spikes':
      return integrateWithinPiece(curve.base, fromMs, toMs) * spikeFactor(curve.spikes, fromMs);
    default:
      return (rateAt(curve, fromMs) * (toMs - fromMs)) / 1000;
  }
}

/** Expected number of requests on [from, to] (ms): the sum of the exact integral over each piece. */
export function expectedRequests(curve: RateCurve, fromMs: number, toMs: number): number {
  let total = 0;
  for (let s = fromMs; s < toMs;) {
    const e = Math.min(nextRateChange(curve, s), toMs);
    total += integrateWithinPiece(curve, s, e);
    s = e;
  }
  return total;
}

/** "got -3", "got NaN", "got an empty list", for problem messages. */
function got(v: unknown): string {
  if (v === undefined || v === null) return 'got nothing';
  if (Array.isArray(v)) return v.length === 0 ? 'got an empty list' : 'got a list';
  return `got ${typeof v === 'string' ? `"${v}"` : typeof v === 'object' ? 'a mapping' : String(v)}`;
}

const isRate = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isTime = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const list = <T>(v: T[]): T[] => (Array.isArray(v) ? v : []);
const isDuration = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/**
 * Problems with a curve, each "field.path: expected …, got …"; empty when the curve is usable.
 * Rates are finite and >= 0, times are integer ms >= 0, durations integer ms > 0, steps strictly increasing in time.
 */
export function checkRateCurve(curve: RateCurve, path = 'rate'): string[] {
  const out: string[] = [];
  const need = (ok: boolean, field: string, expected: string, v: unknown): void => {
    if (!ok) out.push(`${path}.${field}: expected ${expected}, ${got(v)}`);
  };
  switch (curve.kind) {
    case 'constant':
      need(isRate(curve.rps), 'rps', 'a rate >= 0', curve.rps);
      break;
    case 'diurnal': {
      need(isRate(curve.meanRps), 'meanRps', 'a rate >= 0', curve.meanRps);
      const a = curve.amplitude;
      need(typeof a === 'number' && a >= 0 && a <= 1, 'amplitude', 'a number from 0 to 1', a);
      const period = curve.periodMs ?? DEFAULT_PERIOD_MS;
      need(isDuration(period), 'periodMs', 'a duration > 0 ms', period);
      const peak = curve.peakAtMs ?? DEFAULT_PEAK_AT_MS;
      need(isTime(peak) && (!isDuration(period) || peak < period), 'peakAtMs', `a time within the period (0 to ${period} ms)`, peak);
      break;
    }
    case 'steps':
      need(Array.isArray(curve.steps) && curve.steps.length > 0, 'steps', 'a non-empty list', curve.steps);
      list(curve.steps).forEach((s, i) => {
        need(isTime(s.atMs), `steps[${i}].atMs`, 'a time >= 0 ms', s.atMs);
        need(isRate(s.rps), `steps[${i}].rps`, 'a rate >= 0', s.rps);
        const prev = curve.steps[i - 1];
        if (prev && isTime(prev.atMs) && isTime(s.atMs))
          need(s.atMs > prev.atMs, `steps[${i}].atMs`, `a time after steps[${i - 1}].atMs (${prev.atMs} ms)`, s.atMs);
      });
      break;
    case 'spikes':
      out.push(...checkRateCurve(curve.base, `${path}.base`));
      list(curve.spikes).forEach((s, i) => {
        need(isTime(s.atMs), `spikes[${i}].atMs`, 'a time >= 0 ms', s.atMs);
        need(isDuration(s.durationMs), `spikes[${i}].durationMs`, 'a duration > 0 ms', s.durationMs);
        need(isRate(s.factor), `spikes[${i}].factor`, 'a factor >= 0', s.factor);
      });
      break;
    case 'csv':
      need(isTime(curve.startMs), 'startMs', 'a time >= 0 ms', curve.startMs);
      need(isDuration(curve.bucketMs), 'bucketMs', 'a duration > 0 ms', curve.bucketMs);
      need(Array.isArray(curve.rps) && curve.rps.length > 0, 'rps', 'a non-empty list', curve.rps);
      list(curve.rps).forEach((r, i) => need(isRate(r), `rps[${i}]`, 'a rate >= 0', r));
      break;
    default:
      out.push(`${path}.kind: expected one of constant, diurnal, steps, spikes, csv, ${got((curve as { kind: unknown }).kind)}`);
  }
  return out;
}
