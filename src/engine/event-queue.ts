// The simulation's pending events, ordered by (time, seq). Most events a handler schedules are for the
// current instant (zero delay: a controller's sync, the scheduler's next cycle), and those arrive in seq
// order after every pending event of that instant that is already queued: they wait in a FIFO instead of
// the heap (fastpriorityqueue). The next event is the earlier of the heap's top and the FIFO's head, so
// the order is exactly that of one heap.
import FastPriorityQueue from 'fastpriorityqueue';
import type { SimEvent } from './simulation.js';

function before(x: SimEvent, y: SimEvent): boolean {
  return x.time < y.time || (x.time === y.time && x.seq < y.seq);
}

export class EventQueue {
  private readonly heap = new FastPriorityQueue<SimEvent>(before);
  /** Events at time `fifoTime`, in seq order, from fifoHead on. */
  private fifo: SimEvent[] = [];
  private fifoHead = 0;
  private fifoTime = -Infinity;

  get size(): number {
    return this.heap.size + this.fifo.length - this.fifoHead;
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

  /** True when the FIFO's head comes before the heap's top. */
  private fifoFirst(): boolean {
    if (this.fifoHead >= this.fifo.length) return false;
    const top = this.heap.peek();
    return top === undefined || before(this.fifo[this.fifoHead]!, top);
  }

  /** The next event without removing it, or undefined. */
  peek(): SimEvent | undefined {
    return this.fifoFirst() ? this.fifo[this.fifoHead] : this.heap.peek();
  }

  /** Removes and returns the next event, or undefined. */
  poll(): SimEvent | undefined {
    if (!this.fifoFirst()) return this.heap.poll();
    const f = this.fifo[this.fifoHead]!;
    if (++this.fifoHead === this.fifo.length) {
      this.fifo.length = 0;
      this.fifoHead = 0;
    }
    return f;
  }
}
