// The "fluid" traffic mode: one call per Service and interval gives expected counts and latency percentiles
// from queueing formulas, so weeks at 10^5 requests/s need no per-request events. Each of the n ready pods
// has k slots fed by one FIFO queue of at most L waiting requests; kube-proxy's random choice sends each pod
// λ/n. All rates below are per pod and per ms; μ = 1/s. Two regimes, joined so a backlog drains at kμ − λ:
//  - stable (ρ = λ/(kμ) < 1, empty queue): stationary M/M/k/K state probabilities, K = k + L (see mmkk),
//    with the Allen–Cunneen factor (ca² + cs²)/2 on the wait (Gross & Harris §6.3): P(W > t) ≈ Cw·e^(−θt),
//    θ = kμ/(E[ahead]·(ca² + cs²)/2); with L = ∞, Cw is Erlang C and θ = (kμ − λ)·2/(ca² + cs²).
//    Exact for exponential service: blocking, P(wait), mean wait, and the whole tail when L = ∞ or 1 (for
//    other L the exponential tail only matches the mean, and is long near ρ = 1). For k = 1, L = ∞ the mean
//    is Pollaczek–Khinchine's for any service; at L = 0 the blocking is Erlang B's for any service.
//    Requests whose wait would exceed T give up: the share Cw·e^(−θT), without the relief it gives others.
//  - fluid (ρ >= 1, or a backlog carried in): the queue moves as dq/dt = λ − kμ, capped at L (the excess is
//    dropped) or at kμ·T if lower (the excess times out); a request arriving at queue q waits q/(kμ).
//    It starts from the carried backlog, not from the stationary queue of a nearly critical interval.
// Latency = wait + service, service fitted by two moments (see servicePhases); percentiles invert
// P(W + S > x) numerically. Mean wait and percentiles cover the served requests only (NaN if none).
import { gamma, mean, type Distribution } from '../engine/distributions.js';
import { erlangB } from './erlang.js';

export interface ServiceMoments {
  meanMs: number;
  /** Squared coefficient of variation, variance / mean²: 0 constant, 1 exponential. */
  scv: number;
}

export interface FluidInput {
  dtMs: number;
  /** Expected arrivals in the interval for the whole Service, e.g. expectedRequests(curve, t, t + dtMs). */
  arrivals: number;
  /** Ready endpoints n; 0 fails every request. */
  pods: number;
  /** Slots per pod k (requests served at once). */
  concurrency: number;
  service: ServiceMoments;
  /** Waiting room per pod L (Infinity for none). */
  queueLimit: number;
  /** A request waiting longer than this gives up (Infinity for never). */
  timeoutMs: number;
  /** SCV of the Service's interarrival times: 1 Poisson (default), 0 evenly spaced. */
  arrivalScv?: number;
}

/** Carried between intervals: requests waiting per pod, and the pod count they were spread over. */
export interface FluidState {
  pods: number;
  backlog: number;
}

export const FLUID_START: FluidState = Object.freeze({ pods: 0, backlog: 0 });

export interface FluidOutput {
  arrivals: number;
  served: number;
  /** Refused because the pod's queue was full. */
  dropped: number;
  timedOut: number;
  /** Failed for want of a ready endpoint (n = 0), including the backlog left by the pods that went away. */
  noEndpoints: number;
  /** Waiting per pod at the end of the interval. */
  backlog: number;
  meanWaitMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
}

/** Mean and SCV of a Distribution; a normal's clamp at `min` is ignored, as in mean(). */
export function distributionMoments(d: Distribution): ServiceMoments {
  const m = mean(d);
  return { meanMs: m, scv: m > 0 ? variance(d) / (m * m) : 0 };
}

function variance(d: Distribution): number {
  switch (d.kind) {
    case 'constant':
      return 0;
    case 'uniform':
      return (d.max - d.min) ** 2 / 12;
    case 'exponential':
      return d.mean ** 2;
    case 'normal':
      return d.stddev ** 2;
    case 'lognormal': // (e^σ² − 1)·e^(2μ + σ²)
      return Math.expm1(d.sigma ** 2) * Math.exp(2 * d.mu + d.sigma ** 2);
    case 'weibull': // λ²·(Γ(1 + 2/k) − Γ(1 + 1/k)²)
      return d.scale ** 2 * (gamma(1 + 2 / d.shape) - gamma(1 + 1 / d.shape) ** 2);
    case 'empirical': {
      const m = mean(d);
      return d.values.length ? d.values.reduce((s, v) => s + (v - m) ** 2, 0) / d.values.length : 0;
    }
  }
}

/** One phase of the fitted service time: with probability q, shift + Exp(rate) (rate Infinity: just shift). */
export interface ServicePhase {
  q: number;
  shift: number;
  rate: number;
}

/**
 * Two-moment fit of S. scv <= 1: shift s(1 − c) plus Exp(mean s·c), c = √scv (exact for constant and
 * exponential). scv > 1: hyperexponential with balanced means, p = (1 + √((scv − 1)/(scv + 1)))/2,
 * rates 2p/s and 2(1 − p)/s (Whitt 1982).
 */
export function servicePhases(s: ServiceMoments): ServicePhase[] {
  if (s.scv <= 0) return [{ q: 1, shift: s.meanMs, rate: Infinity }];
  if (s.scv <= 1) {
    const c = Math.sqrt(s.scv);
    return [{ q: 1, shift: s.meanMs * (1 - c), rate: 1 / (s.meanMs * c) }];
  }
  const p = (1 + Math.sqrt((s.scv - 1) / (s.scv + 1))) / 2;
  return [
    { q: p, shift: 0, rate: (2 * p) / s.meanMs },
    { q: 1 - p, shift: 0, rate: (2 * (1 - p)) / s.meanMs },
  ];
}

/** Served requests' waits: atoms (w[i] ms, weight p[i], i < n) plus expP·θe^(−θw) on (0, limit]. */
interface Waits {
  w: Float64Array;
  p: Float64Array;
  n: number;
  expP: number;
  theta: number;
  limit: number;
  /** e^(−θ·limit), once per interval. */
  expLimit: number;
}

/** Points per fluid phase at which the queue q(t) is sampled (midpoints); an arrival at t waits q(t)/(kμ). */
const FLUID_POINTS = 16;

/** The waits of the interval being computed (fluidInterval returns nothing that holds them). */
const WAITS: Waits = {
  w: new Float64Array(FLUID_POINTS + 1),
  p: new Float64Array(FLUID_POINTS + 1),
  n: 0,
  expP: 0,
  theta: 0,
  limit: 0,
  expLimit: 0,
};

const QUANTILES = [0.5, 0.9, 0.99, 0.999] as const;

/** P(S > y). */
function serviceTail(phases: readonly ServicePhase[], y: number): number {
  let t = 0;
  for (const f of phases) t += y <= f.shift ? f.q : f.q * Math.exp(-f.rate * (y - f.shift));
  return t;
}

/** ∫_0^limit θe^(−θw)·P(S > x − w) dw for the exponential wait part (closed form per phase). */
function expPartTail(phases: readonly ServicePhase[], theta: number, limit: number, x: number): number {
  let t = 0;
  for (const f of phases) {
    const y = x - f.shift;
    if (y < limit) t += f.q * (Math.exp(-theta * Math.max(y, 0)) - Math.exp(-theta * limit)); // w > y: S > x − w surely
    if (y > 0 && f.rate < Infinity) {
      const m = Math.min(y, limit);
      const r = f.rate - theta; // ∫_0^m θe^(−θw)e^(−ν(y−w)) dw = θ(e^(−ν(y−m)−θm) − e^(−νy))/(ν − θ)
      const head =
        Math.abs(r * m) < 1e-9 ? m * Math.exp(-f.rate * y) : (Math.exp(-f.rate * (y - m) - theta * m) - Math.exp(-f.rate * y)) / r;
      t += f.q * theta * head;
    }
  }
  return t;
}

/** Tests turn the exponential-service path of latencyTail off to compare it with the general one, bit by bit. */
export const fluidPaths = { exponential: true };

/** P(W + S > x) among the served. */
function latencyTail(waits: Waits, phases: readonly ServicePhase[], served: number, x: number): number {
  const f = phases[0]!;
  if (fluidPaths.exponential && phases.length === 1 && f.shift === 0 && f.q === 1 && f.rate < Infinity && x > 0 && x < waits.limit) {
    // Exponential service (one phase, no shift) below the timeout: what expPartTail and serviceTail compute, with
    // each exponential worked out once. Its terms are the very same numbers (e^(−ν(y−m)−θm) is e^(−θx) at m = y = x,
    // and an atom at w = 0 needs e^(−νx) again), added in the same order, so the result is the same to the bit.
    const theta = waits.theta;
    const e2 = Math.exp(-f.rate * x);
    let t = 0;
    if (waits.expP > 0) {
      const e1 = Math.exp(-theta * x);
      const r = f.rate - theta;
      const head = Math.abs(r * x) < 1e-9 ? x * e2 : (e1 - e2) / r;
      t = waits.expP * (e1 - waits.expLimit + theta * head);
    }
    for (let i = 0; i < waits.n; i++) t += waits.p[i]! * (waits.w[i] === 0 ? e2 : serviceTail(phases, x - waits.w[i]!));
    return t / served;
  }
  let t = waits.expP > 0 ? waits.expP * expPartTail(phases, waits.theta, waits.limit, x) : 0;
  for (let i = 0; i < waits.n; i++) t += waits.p[i]! * serviceTail(phases, x - waits.w[i]!);
  return t / served;
}

/** Smallest x with P(W + S > x) <= 1 − q among the served, to 1e-6 relative. */
function latencyQuantile(waits: Waits, phases: readonly ServicePhase[], served: number, q: number, from: number): number {
  let lo = from;
  let hi = Math.max(2 * from, 1);
  // The bracket: hi doubles while P(W + S > hi) is above 1 − q. Each end's tail, once computed, is kept.
  let tailHi = latencyTail(waits, phases, served, hi);
  let tailLo = NaN;
  for (let i = 0; i < 200 && tailHi > 1 - q; i++) {
    lo = hi;
    tailLo = tailHi;
    hi = hi * 2;
    tailHi = latencyTail(waits, phases, served, hi);
  }
  // (A tail the loop kept is above 1 − q, so NaN still means the bracket never moved.)
  if (Number.isNaN(tailLo)) tailLo = latencyTail(waits, phases, served, lo);
  // Illinois (regula falsi that halves the stale end's value): superlinear, and it keeps the bracket.
  let flo = tailLo - (1 - q);
  let fhi = tailHi - (1 - q);
  let side = 0;
  for (let i = 0; i < 100 && hi - lo > 1e-6 * hi; i++) {
    const x = flo > 0 && fhi < 0 ? (lo * fhi - hi * flo) / (fhi - flo) : (lo + hi) / 2;
    const fx = latencyTail(waits, phases, served, x) - (1 - q);
    if (fx > 0) {
      lo = x;
      flo = fx;
      if (side === 1) fhi = fhi / 2;
      side = 1;
    } else {
      hi = x;
      fhi = fx;
      if (side === -1) flo = flo / 2;
      side = -1;
    }
    if (fx === 0) return x;
  }
  return (lo + hi) / 2;
}

/** E[i + 1] for i on 0…L−1 with weights r^i (r < 1): 1/(1 − r) − L·r^L/(1 − r^L). */
function meanAhead(r: number, limit: number): number {
  if (limit <= 1) return 1; // L = 0: nobody waits
  if (limit === Infinity) return 1 / (1 - r);
  return Math.abs(1 - r) * limit < 1e-5 ? (limit + 1) / 2 : 1 / (1 - r) + (limit * r ** limit) / Math.expm1(limit * Math.log(r));
}

export interface MMkK {
  /** P(an arrival finds all K = k + L places taken). */
  blocking: number;
  /** P(an accepted request waits). */
  waiting: number;
  /** Mean requests ahead of a waiting one, itself included: its mean wait is meanAhead/(kμ). */
  meanAhead: number;
}

/**
 * M/M/k/K, K = k + L, a = λ/μ, ρ = a/k < 1 (Gross & Harris §2.5): with B = Erlang B(k, a) the states k + i
 * hold B·ρ^i/Z, i = 0…L, Z = 1 − B + B·Σ_{i<=L} ρ^i. L = Infinity gives Erlang C and meanAhead 1/(1 − ρ).
 */
export function mmkk(k: number, a: number, queueLimit: number): MMkK {
  const rho = a / k;
  if (!(rho < 1)) throw new Error(`mmkk: needs ρ < 1, got ${rho}`);
  const b = erlangB(k, a);
  const pL = rho ** queueLimit;
  const g = queueLimit === 0 ? 0 : -Math.expm1(queueLimit * Math.log(rho)) / (1 - rho); // Σ_{i<L} ρ^i
  return { blocking: (b * pL) / (1 - b + b * (g + pL)), waiting: (b * g) / (1 - b + b * g), meanAhead: meanAhead(rho, queueLimit) };
}

function validate(i: FluidInput, s: FluidState): void {
  const nonNegative =
    i.arrivals >= 0 &&
    i.pods >= 0 &&
    i.queueLimit >= 0 &&
    i.timeoutMs >= 0 &&
    i.service.scv >= 0 &&
    (i.arrivalScv ?? 1) >= 0 &&
    s.pods >= 0 &&
    s.backlog >= 0;
  const counts = Number.isSafeInteger(i.pods) && Number.isSafeInteger(i.concurrency) && i.concurrency >= 1;
  const ok = counts && i.dtMs > 0 && Number.isFinite(i.dtMs + i.arrivals) && i.service.meanMs > 0 && nonNegative;
  if (!ok) throw new Error(`fluidInterval: bad input ${JSON.stringify({ ...i, state: s })}`);
}

/** One interval of one Service: the counts for the whole Service, the backlog per pod. */
export function fluidInterval(input: FluidInput, state: FluidState): { output: FluidOutput; state: FluidState } {
  const output = emptyOutput();
  const next = { pods: 0, backlog: 0 };
  fluidIntervalInto(input, state, output, next);
  return { output, state: next };
}

/** A FluidOutput to be written by fluidIntervalInto. */
export function emptyOutput(): FluidOutput {
  return {
    arrivals: 0,
    served: 0,
    dropped: 0,
    timedOut: 0,
    noEndpoints: 0,
    backlog: 0,
    meanWaitMs: 0,
    p50Ms: 0,
    p90Ms: 0,
    p99Ms: 0,
    p999Ms: 0,
  };
}

/**
 * fluidInterval writing its results into `output` and `next` (which may be `state` itself: it is read first), so
 * that a caller stepping many Services for weeks keeps one of each per Service instead of making new ones each step.
 * `phases` is servicePhases(input.service), for a caller that keeps it.
 */
export function fluidIntervalInto(
  input: FluidInput,
  state: FluidState,
  output: FluidOutput,
  next: FluidState,
  phases: readonly ServicePhase[] = servicePhases(input.service),
): void {
  validate(input, state);
  const { dtMs, arrivals, pods: n, concurrency: k, queueLimit: L, timeoutMs: T } = input;
  const carried = state.pods * state.backlog;
  if (n === 0) {
    setOutput(output, arrivals, 0, 0, 0, arrivals + carried, 0, NaN, NaN, NaN, NaN, NaN);
    next.pods = 0;
    next.backlog = 0;
    return;
  }
  const mu = 1 / input.service.meanMs;
  const cap = k * mu;
  const lam = arrivals / n / dtMs;
  const room = Math.min(L, cap * T); // the fluid queue's ceiling
  let b = carried / n; // the backlog is spread evenly over the ready pods
  let dropped = Math.max(0, b - L);
  let timedOut = Math.max(0, Math.min(b, L) - room);
  b = Math.min(b, room);
  let served = 0;
  const waits = WAITS;
  waits.n = 0;
  waits.expP = 0;
  waits.theta = 0;
  waits.limit = T;
  // Fluid phase: the whole interval when overloaded, else until the backlog has drained at kμ − λ.
  const drift = lam - cap;
  const fluidMs = drift >= 0 ? dtMs : Math.min(dtMs, b / -drift);
  if (fluidMs > 0) {
    const end = b + drift * fluidMs;
    const over = Math.max(0, end - room);
    if (L <= cap * T) dropped += over;
    else timedOut += over;
    served += cap * fluidMs; // every slot busy
    for (let i = 0; i < FLUID_POINTS; i++) {
      const q = Math.min(room, Math.max(0, b + drift * ((i + 0.5) / FLUID_POINTS) * fluidMs));
      waits.w[waits.n] = q / cap;
      waits.p[waits.n++] = (cap * fluidMs) / FLUID_POINTS;
    }
    b = Math.min(room, Math.max(0, end));
  }
  // Stable phase (ρ < 1, empty queue) for the rest of the interval.
  const restMs = dtMs - fluidMs;
  if (restMs > 0) {
    const ca2 = ((input.arrivalScv ?? 1) + n - 1) / n; // random split of a renewal stream: p·ca² + 1 − p, p = 1/n
    const { blocking, waiting, meanAhead } = mmkk(k, lam / mu, L);
    const accepted = lam * restMs * (1 - blocking);
    dropped += lam * restMs - accepted;
    waits.theta = (cap / meanAhead) * (2 / Math.max(ca2 + input.service.scv, 1e-12)); // D/D/k: no wait at all
    const late = accepted * waiting * Math.exp(-waits.theta * T);
    timedOut += late;
    served += accepted - late;
    waits.w[waits.n] = 0;
    waits.p[waits.n++] = accepted * (1 - waiting);
    waits.expP = accepted * waiting;
  }
  // Mean wait: Σ atoms + expP·E[W; W <= T] for density θe^(−θw), E = (1 − e^(−θT)(1 + θT))/θ.
  let waitSum = 0;
  for (let i = 0; i < waits.n; i++) waitSum += waits.w[i]! * waits.p[i]!;
  const th = waits.theta * T;
  if (waits.expP > 0) waitSum += (waits.expP * (T === Infinity ? 1 : -Math.expm1(-th) - th * Math.exp(-th))) / waits.theta;
  waits.expLimit = Math.exp(-waits.theta * waits.limit);
  // Each quantile's search starts at the one before.
  const p50Ms = served > 0 ? latencyQuantile(waits, phases, served, QUANTILES[0], 0) : NaN;
  const p90Ms = served > 0 ? latencyQuantile(waits, phases, served, QUANTILES[1], p50Ms) : NaN;
  const p99Ms = served > 0 ? latencyQuantile(waits, phases, served, QUANTILES[2], p90Ms) : NaN;
  const p999Ms = served > 0 ? latencyQuantile(waits, phases, served, QUANTILES[3], p99Ms) : NaN;
  const meanWaitMs = served > 0 ? waitSum / served : NaN;
  setOutput(output, arrivals, served * n, dropped * n, timedOut * n, 0, b, meanWaitMs, p50Ms, p90Ms, p99Ms, p999Ms);
  next.pods = n;
  next.backlog = b;
}

function setOutput(
  o: FluidOutput,
  arrivals: number,
  served: number,
  dropped: number,
  timedOut: number,
  noEndpoints: number,
  backlog: number,
  meanWaitMs: number,
  p50Ms: number,
  p90Ms: number,
  p99Ms: number,
  p999Ms: number,
): void {
  o.arrivals = arrivals;
  o.served = served;
  o.dropped = dropped;
  o.timedOut = timedOut;
  o.noEndpoints = noEndpoints;
  o.backlog = backlog;
  o.meanWaitMs = meanWaitMs;
  o.p50Ms = p50Ms;
  o.p90Ms = p90Ms;
  o.p99Ms = p99Ms;
  o.p999Ms = p999Ms;
}
