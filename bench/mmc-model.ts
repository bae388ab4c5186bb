// An M/M/c FIFO queue built twice from the same random streams: on the Simulation (arrival and departure event
// kinds) and as a bare loop on the typed-array heap. Both draw in the same order and round delays the same way,
// so for one seed they must produce the identical waiting-time sum.
import { Simulation } from '../src/engine/simulation.js';
import { RngStreams, type Rng } from '../src/engine/rng.js';
import { TypedHeap } from './typed-heap.js';
import { cpuSeconds } from './util.js';

export interface MmcParams {
  servers: number;
  /** Mean interarrival and service times, ms. */
  meanInterarrivalMs: number;
  meanServiceMs: number;
  /** Customers whose waits are discarded, then customers measured. */
  warmup: number;
  customers: number;
}

export interface MmcRun {
  seconds: number;
  events: number;
  /** Mean wait in queue (ms) over the measured customers. */
  wq: number;
  waitSum: number;
  measured: number;
  maxBusy: number;
  fifo: boolean;
}

/** A growable FIFO ring of arrival times. */
class TimeRing {
  private buf = new Float64Array(1024);
  private head = 0;
  size = 0;

  push(t: number): void {
    if (this.size === this.buf.length) {
      const b = new Float64Array(this.buf.length * 2);
      for (let i = 0; i < this.size; i++) b[i] = this.buf[(this.head + i) & (this.buf.length - 1)]!;
      this.buf = b;
      this.head = 0;
    }
    this.buf[(this.head + this.size++) & (this.buf.length - 1)] = t;
  }

  shift(): number {
    const t = this.buf[this.head]!;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.size--;
    return t;
  }
}

/** Bookkeeping shared by both versions: FIFO service starts, waits after the warm-up. */
class Tally {
  started = 0;
  waitSum = 0;
  measured = 0;
  lastStartArrival = -1;
  fifo = true;
  constructor(private readonly p: MmcParams) {}

  /** Records a service start; returns true when the last measured customer has started. */
  start(arrival: number, now: number): boolean {
    if (arrival < this.lastStartArrival) this.fifo = false;
    this.lastStartArrival = arrival;
    if (this.started++ < this.p.warmup) return false;
    this.waitSum += now - arrival;
    return ++this.measured === this.p.customers;
  }
}

export function mmcOnEngine(p: MmcParams, seed: string): MmcRun {
  const sim = new Simulation(seed);
  const arrivals: Rng = sim.rng('arrivals');
  const service: Rng = sim.rng('service');
  const queue = new TimeRing();
  const tally = new Tally(p);
  let busy = 0;
  let maxBusy = 0;
  const begin = (arrival: number) => {
    if (tally.start(arrival, sim.now)) sim.stop();
    sim.schedule(service.exponential(p.meanServiceMs), kDeparture);
  };
  const kArrival = sim.register('mmc.arrival', () => {
    if (busy < p.servers) {
      if (++busy > maxBusy) maxBusy = busy;
      begin(sim.now);
    } else queue.push(sim.now);
    sim.schedule(arrivals.exponential(p.meanInterarrivalMs), kArrival);
  });
  const kDeparture = sim.register('mmc.departure', () => {
    if (queue.size > 0) begin(queue.shift());
    else busy--;
  });
  sim.schedule(arrivals.exponential(p.meanInterarrivalMs), kArrival);
  const t0 = cpuSeconds();
  sim.runUntil(Infinity);
  const seconds = cpuSeconds() - t0;
  return {
    seconds,
    events: sim.eventsProcessed,
    wq: tally.waitSum / tally.measured,
    waitSum: tally.waitSum,
    measured: tally.measured,
    maxBusy,
    fifo: tally.fifo,
  };
}

const ARRIVAL = 0;
const DEPARTURE = 1;

export function mmcBare(p: MmcParams, seed: string): MmcRun {
  const streams = new RngStreams(seed);
  const arrivals = streams.get('arrivals');
  const service = streams.get('service');
  const heap = new TypedHeap(64);
  const queue = new TimeRing();
  const tally = new Tally(p);
  let seq = 0;
  let now = 0;
  let busy = 0;
  let maxBusy = 0;
  let events = 0;
  let done = false;
  // The kind rides in the low bit of the tiebreak: (seq, kind) orders as seq alone.
  const schedule = (delay: number, kind: number) => heap.push(now + Math.round(delay), seq++ * 2 + kind);
  const begin = (arrival: number) => {
    if (tally.start(arrival, now)) done = true;
    schedule(service.exponential(p.meanServiceMs), DEPARTURE);
  };
  schedule(arrivals.exponential(p.meanInterarrivalMs), ARRIVAL);
  const t0 = cpuSeconds();
  while (!done && heap.pop()) {
    now = heap.topTime;
    events++;
    if ((heap.topSeq & 1) === ARRIVAL) {
      if (busy < p.servers) {
        if (++busy > maxBusy) maxBusy = busy;
        begin(now);
      } else queue.push(now);
      schedule(arrivals.exponential(p.meanInterarrivalMs), ARRIVAL);
    } else if (queue.size > 0) begin(queue.shift());
    else busy--;
  }
  const seconds = cpuSeconds() - t0;
  return {
    seconds,
    events,
    wq: tally.waitSum / tally.measured,
    waitSum: tally.waitSum,
    measured: tally.measured,
    maxBusy,
    fifo: tally.fifo,
  };
}

/** Erlang C: the probability that an arrival waits, for c servers and offered load a = lambda/mu (< c). */
export function erlangC(c: number, a: number): number {
  let term = 1;
  let sum = 0;
  for (let k = 0; k < c; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  // term is now a^c / c!
  const top = term * (c / (c - a));
  return top / (sum + top);
}

/** Mean wait in queue of M/M/c: C(c, a) / (c mu - lambda). */
export function erlangWq(c: number, lambda: number, mu: number): number {
  return erlangC(c, lambda / mu) / (c * mu - lambda);
}
