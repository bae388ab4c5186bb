// The simulation's pending events, ordered by (time, seq). Most events a handler schedules are for the
// current instant (zero delay: a controller's sync, the scheduler's next cycle), and those arrive in seq
// order after every pending event of that instant that is already queued: they wait in a FIFO instead of
// the heap (fastpriorityqueue). A timer (Simulation.timer: a source with one event pending at most, such as an entry point's next
// arrival) keeps its event beside the heap too. The next event is the earliest of the heap's top, the FIFO's
// head and the first timer's event, so the order is exactly that of one heap.
import FastPriorityQueue from 'fastpriorityqueue';
import type { SimEvent } from './simulation.js';
import { objectArray } from './arrays.js';

/** A timer's event (reused each time it is set), and whether it is pending. */
export interface Timer {
  readonly ev: SimEvent;
  pending: boolean;
}

const HEAP = 0;
const FIFO = 1;
const TIMER = 2;

function before(x: SimEvent, y: SimEvent): boolean {
  return x.time < y.time || (x.time === y.time && x.seq < y.seq);
}

export class EventQueue {
  private readonly heap = new FastPriorityQueue<SimEvent>(before);
  /** Events at time `fifoTime`, in seq order, from fifoHead on. */
  private fifo: SimEvent[] = objectArray();
  private fifoHead = 0;
  private fifoTime = -Infinity;
  /** Every timer, and the pending one whose event comes first (null when none is pending). */
  private readonly timers: Timer[] = [];
  private nextTimer: Timer | null = null;
  /** Where first() found the next event: the heap, the FIFO or nextTimer. */
  private from = HEAP;

  get size(): number {
    let pending = 0;
    for (const t of this.timers) if (t.pending) pending++;
    return this.heap.size + this.fifo.length - this.fifoHead + pending;
  }

  addTimer(t: Timer): void {
    this.timers.push(t);
  }

  /** A timer's event was set (its time and seq): it may now come first among the timers. */
  timerSet(t: Timer): void {
    if (this.nextTimer === null || before(t.ev, this.nextTimer.ev)) this.nextTimer = t;
  }

  /** A timer's pending event was called off: the next timer is found again if it was that one. */
  timerCancelled(t: Timer): void {
    if (this.nextTimer === t) this.nextTimer = this.earliestTimer();
  }

  /**
   * Adds an event; `now` is the simulation's clock (never after ev.time). Every event added has a larger
   * seq than those already queued.
   */
  add(ev: SimEvent, now: number): void {
    if (ev.time !== now) {
      this.heap.add(ev);
      return;
    }
    if (this.fifoTime !== now) {
      // The events of an earlier instant have all run before the clock moved on, unless it was moved by
      // hand: any left go to the heap.
      for (let i = this.fifoHead; i < this.fifo.length; i++) this.heap.add(this.fifo[i]!);
      this.fifo.length = 0;
      this.fifoHead = 0;
      this.fifoTime = now;
    }
    this.fifo.push(ev);
  }

  /** The next event (the earliest of the heap's top, the FIFO's head and the next timer's), noting where it is. */
  private first(): SimEvent | undefined {
    let ev = this.heap.peek();
    this.from = HEAP;
    if (this.fifoHead < this.fifo.length && (ev === undefined || before(this.fifo[this.fifoHead]!, ev))) {
      ev = this.fifo[this.fifoHead];
      this.from = FIFO;
    }
    const t = this.nextTimer;
    if (t !== null && (ev === undefined || before(t.ev, ev))) {
      ev = t.ev;
      this.from = TIMER;
    }
    return ev;
  }

  /** The next event without removing it, or undefined. */
  peek(): SimEvent | undefined {
    return this.first();
  }

  /** Removes and returns the next event, or undefined. */
  poll(): SimEvent | undefined {
    return this.pollUntil(Infinity);
  }

  /** Removes and returns the next event if its time is at most `until`; otherwise undefined. */
  pollUntil(until: number): SimEvent | undefined {
    const ev = this.first();
    if (ev === undefined || ev.time > until) return undefined;
    if (this.from === HEAP) this.heap.poll();
    else if (this.from === FIFO) {
      if (++this.fifoHead === this.fifo.length) {
        this.fifo.length = 0;
        this.fifoHead = 0;
      }
    } else {
      this.nextTimer!.pending = false;
      this.nextTimer = this.earliestTimer();
    }
    return ev;
  }

  /**
   * The pending timer whose event comes first, or null (a scan: there are few timers). Indexed: for-of compiles to
   * an iterator with a try/finally around the loop, a fifth of this method's instructions on every timer event.
   */
  private earliestTimer(): Timer | null {
    const timers = this.timers;
    let best: Timer | null = null;
    for (let i = 0; i < timers.length; i++) {
      const t = timers[i]!;
      if (t.pending && (best === null || before(t.ev, best.ev))) best = t;
    }
    return best;
  }
}
