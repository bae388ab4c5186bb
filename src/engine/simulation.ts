// The engine: a clock, a queue of events ordered by (time, seq), and a run loop.
// Shape after SimPy's core (simpy/core.py): schedule / step / run, deterministic ordering by insertion id.
import { EventQueue } from './event-queue.js';
import { RngStreams, type Rng } from './rng.js';

/** A handler receives the event's two payload slots; kinds are registered once, so no closure is made per event. */
export type Handler = (a: number, b: unknown) => void;

export interface SimEvent {
  time: number;
  seq: number;
  kind: number;
  a: number;
  b: unknown;
  cancelled: boolean;
}

export class Simulation {
  /** Virtual time in integer milliseconds. */
  now = 0;
  private seq = 0;
  private readonly queue = new EventQueue();
  private readonly handlers: Handler[] = [];
  private readonly kindNames: string[] = [];
  private readonly streams: RngStreams;
  private stopped = false;
  /** Events executed so far (cancelled ones excluded). */
  eventsProcessed = 0;

  constructor(readonly seed: number | string) {
    this.streams = new RngStreams(seed);
  }

  /** Registers an event kind with its handler; returns the kind id used by schedule(). */
  register(name: string, handler: Handler): number {
    this.handlers.push(handler);
    this.kindNames.push(name);
    return this.handlers.length - 1;
  }

  kindName(kind: number): string {
    return this.kindNames[kind] ?? `kind#${kind}`;
  }

  /** Schedules an event `delay` ms from now (delay is rounded to an integer, never negative). */
  schedule(delay: number, kind: number, a = 0, b: unknown = undefined): SimEvent {
    if (!(delay >= 0)) throw new Error(`bug: negative or NaN delay ${delay} for ${this.kindName(kind)}`);
    return this.scheduleAt(this.now + Math.round(delay), kind, a, b);
  }

  scheduleAt(time: number, kind: number, a = 0, b: unknown = undefined): SimEvent {
    if (time < this.now) throw new Error(`bug: event ${this.kindName(kind)} at ${time} is in the past (now ${this.now})`);
    if (kind < 0 || kind >= this.handlers.length) throw new Error(`bug: unknown event kind ${kind}`);
    const ev: SimEvent = { time, seq: this.seq++, kind, a, b, cancelled: false };
    this.queue.add(ev, this.now);
    return ev;
  }

  /** Cancels a scheduled event; it stays in the heap and is skipped when reached. */
  cancel(ev: SimEvent | undefined): void {
    if (ev) ev.cancelled = true;
  }

  /** The named random stream, seeded from (scenario seed, name). */
  rng(name: string): Rng {
    return this.streams.get(name);
  }

  get pending(): number {
    return this.queue.size;
  }

  /** Time of the next live event, or undefined when none is left. */
  peekTime(): number | undefined {
    let top = this.queue.peek();
    while (top && top.cancelled) {
      this.queue.poll();
      top = this.queue.peek();
    }
    return top?.time;
  }

  /** Runs one event; returns false when the queue is empty. */
  step(): boolean {
    const ev = this.queue.poll();
    if (!ev) return false;
    if (ev.cancelled) return true;
    this.now = ev.time;
    this.eventsProcessed++;
    this.handlers[ev.kind]!(ev.a, ev.b);
    return true;
  }

  /**
   * Runs every event with time <= until, then sets the clock to `until`. With `maxEvents`, returns after
   * that many events (false: call again to go on); a run in slices processes the same events in the
   * same order as one in a piece, so a caller may yield in between (signals, progress).
   */
  runUntil(until: number, maxEvents = Infinity): boolean {
    this.stopped = false;
    const done = this.loop(until, maxEvents);
    if (done && !this.stopped && until > this.now && Number.isFinite(until)) this.now = until;
    return done || this.stopped;
  }

  // The event loop alone, so that its optimised (on-stack-replaced) code ends in a plain return: code
  // after a hot loop has no type feedback when the loop is compiled, and would throw the compiled loop
  // away at the end of every run (costly in sweeps of many short runs).
  private loop(until: number, maxEvents: number): boolean {
    const q = this.queue;
    const handlers = this.handlers;
    let budget = maxEvents;
    while (!this.stopped) {
      const ev = q.peek();
      if (!ev || ev.time > until) return true;
      if (budget-- <= 0) return false;
      q.poll();
      if (ev.cancelled) continue;
      this.now = ev.time;
      this.eventsProcessed++;
      handlers[ev.kind]!(ev.a, ev.b);
    }
    return true;
  }

  /** Stops runUntil after the current event. */
  stop(): void {
    this.stopped = true;
  }
}
