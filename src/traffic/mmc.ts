// A bare M/M/c FIFO queue in continuous time: the reference for the fidelity tests and the baseline of the
// traffic benchmark. With FIFO and identical servers, customer n starts at max(arrival_n, earliest free
// time of any server) (Kiefer–Wolfowitz workload recursion), so the state is the c next-free times,
// kept in a binary min-heap: one replace-top per customer, O(log c).
import type { Rng } from '../engine/rng.js';

export interface MMcOptions {
  c: number;
  /** Arrival and service rates per unit of time (the results are in the same unit). */
  lambda: number;
  mu: number;
  /** Customers measured, after the warm-up ones. */
  customers: number;
  /** Draws come from this stream only: per customer one interarrival time, then one service time. */
  rng: Rng;
  /** Customers served first and not measured, so the queue starts near steady state (default 0). */
  warmup?: number;
  /** Times t at which to estimate P(W > t). */
  tailAt?: readonly number[];
}

export interface MMcResult {
  /** Mean wait in queue of the measured customers. */
  meanWait: number;
  /** For each tailAt[i], the fraction of measured customers that waited longer than it. */
  waitTail: number[];
  served: number;
}

/** Restores the heap order after heap[0] grew (sift down). */
function siftDown(heap: Float64Array, n: number): void {
  const v = heap[0]!;
  let i = 0;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && heap[child + 1]! < heap[child]!) child++;
    if (heap[child]! >= v) break;
    heap[i] = heap[child]!;
    i = child;
  }
  heap[i] = v;
}

export function simulateMMc(opts: MMcOptions): MMcResult {
  const { c, lambda, mu, customers, rng } = opts;
  const warmup = opts.warmup ?? 0;
  const tailAt = opts.tailAt ?? [];
  if (!(Number.isSafeInteger(c) && c >= 1)) throw new Error(`simulateMMc: c must be an integer >= 1, got ${c}`);
  if (!(lambda > 0 && mu > 0)) throw new Error(`simulateMMc: lambda and mu must be > 0, got ${lambda} and ${mu}`);
  const freeAt = new Float64Array(c); // all servers free at time 0
  const over = new Array<number>(tailAt.length).fill(0);
  const meanArrival = 1 / lambda;
  const meanService = 1 / mu;
  let now = 0;
  let waitSum = 0;
  for (let n = 0; n < warmup + customers; n++) {
    now += rng.exponential(meanArrival);
    const service = rng.exponential(meanService);
    const start = Math.max(now, freeAt[0]!); // the earliest-free server takes the customer
    freeAt[0] = start + service;
    siftDown(freeAt, c);
    if (n < warmup) continue;
    const wait = start - now;
    waitSum += wait;
    for (let k = 0; k < tailAt.length; k++) if (wait > tailAt[k]!) over[k]!++;
  }
  return {
    meanWait: customers > 0 ? waitSum / customers : NaN,
    waitTail: over.map((k) => (customers > 0 ? k / customers : NaN)),
    served: customers,
  };
}
