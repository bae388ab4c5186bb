// The engine: a clock, a queue of events ordered by (time, seq), and a run loop.
// Shape after SimPy's core (simpy/core.py): schedule / step / run, deterministic ordering by insertion id.
import { EventQueue, type Timer } from './event-queue.js';
import { RngStreams, type Rng } from './rng.js';
import { objectArray } from './arrays.js';

/** A handler receives the event's two payload slots; kinds are registered once, so no closure is made per event. */
export type Handler = (a: number, b: unknown) => void;

export interface SimEvent {
  time: number;
  seq: number;
  kind: number;
  a: number;
  b: unknown;
  cancelled: boolean;
  /** How it was made: HELD (scheduled: its handle may be cancelled), or posted (nobody holds it: the record is reused). */
  origin: number;
}

/** SimEvent.origin: scheduled; posted per request (postAt); posted as a controller's wake-up (post). */
const HELD = 0;
const PER_REQUEST = 1;
const WAKE_UP = 2;

export class Simulation {
  /** Virtual time in integer milliseconds. */
  now = 0;
  private seq = 0;
  private readonly queue = new EventQueue();
  /** Records of posted events that have run, for reuse. */
  private readonly pool: SimEvent[] = objectArray();
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
    const ev: SimEvent = { time, seq: this.seq++, kind, a, b, cancelled: false, origin: HELD };
    this.queue.add(ev, this.now);
    return ev;
  }

  /**
   * As schedule() for an event nobody will cancel: no handle is returned, and the record is reused after it runs
   * (for events scheduled often and never cancelled: periodic syncs, work queues). Ordered exactly as schedule().
   */
  post(delay: number, kind: number, a = 0, b: unknown = undefined): void {
    if (!(delay >= 0)) throw new Error(`bug: negative or NaN delay ${delay} for ${this.kindName(kind)}`);
    if (kind < 0 || kind >= this.handlers.length) throw new Error(`bug: unknown event kind ${kind}`);
    this.queue.add(this.record(this.now + Math.round(delay), kind, a, b, WAKE_UP), this.now);
  }

  /**
   * As scheduleAt for an event nobody will cancel: no handle is returned, and the record is reused after it
   * runs (for events scheduled per request).
   */
  postAt(time: number, kind: number, a = 0, b: unknown = undefined): void {
    if (!(time >= this.now)) throw new Error(`bug: event ${this.kindName(kind)} at ${time} is in the past (now ${this.now})`);
    if (kind < 0 || kind >= this.handlers.length) throw new Error(`bug: unknown event kind ${kind}`);
    this.queue.add(this.record(time, kind, a, b, PER_REQUEST), this.now);
  }

  /** A posted event's record: one from the pool, or a new one. */
  private record(time: number, kind: number, a: number, b: unknown, origin: number): SimEvent {
    const ev = this.pool.pop();
    if (ev === undefined) return { time, seq: this.seq++, kind, a, b, cancelled: false, origin };
    ev.time = time;
    ev.seq = this.seq++;
    ev.kind = kind;
    ev.a = a;
    ev.b = b;
    ev.origin = origin;
    return ev;
  }

  /**
   * A timer: a source of events of one kind (with payload `a`) that has one pending at most, such as an entry
   * point's next arrival. setTimer() schedules its event, which is ordered as any other; it waits beside the
   * queue's heap instead of in it, so a source that sets its next event from its handler costs no heap work.
   */
  timer(kind: number, a = 0): Timer {
    if (kind < 0 || kind >= this.handlers.length) throw new Error(`bug: unknown event kind ${kind}`);
    const t: Timer = { ev: { time: 0, seq: 0, kind, a, b: undefined, cancelled: false, origin: HELD }, pending: false };
    this.queue.addTimer(t);
    return t;
  }

  /** Schedules a timer's event at `time` (as scheduleAt would); the timer must have none pending. */
  setTimer(t: Timer, time: number): void {
    if (!(time >= this.now)) throw new Error(`bug: event ${this.kindName(t.ev.kind)} at ${time} is in the past (now ${this.now})`);
    if (t.pending) throw new Error(`bug: timer ${this.kindName(t.ev.kind)} set while its event is pending`);
    t.ev.time = time;
    t.ev.seq = this.seq++;
    t.pending = true;
    this.queue.timerSet(t);
  }

  /** Calls off a timer's pending event, if it has one (as cancel() does a scheduled one's). */
  cancelTimer(t: Timer): void {
    if (!t.pending) return;
    t.pending = false;
    this.queue.timerCancelled(t);
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
    this.fire(ev);
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
    // Events are counted only under a limit: Infinity is a double, and a double live across the handler's
    // call would be boxed (allocated) on every event.
    const limited = maxEvents !== Infinity;
    let budget = limited ? maxEvents : 0;
    while (!this.stopped) {
      if (limited && budget-- <= 0) {
        const next = q.peek();
        return !next || next.time > until;
      }
      const ev = q.pollUntil(until);
      if (!ev) return true;
      if (ev.cancelled) continue;
      this.now = ev.time;
      this.eventsProcessed++;
      this.fire(ev);
    }
    return true;
  }

  /**
   * Runs an event's handler. A record posted per request goes back to the pool before its handler runs (which often
   * posts the request's next event); a posted wake-up after. Wake-ups share the scheduled events' call site: the
   * per-request site sees only the few hot per-request kinds, whose handlers the compiled loop keeps inlined.
   */
  private fire(ev: SimEvent): void {
    if (ev.origin !== PER_REQUEST) {
      this.handlers[ev.kind]!(ev.a, ev.b);
      if (ev.origin === WAKE_UP) {
        ev.b = undefined;
        this.pool.push(ev);
      }
      return;
    }
    const { kind, a, b } = ev;
    ev.b = undefined;
    this.pool.push(ev);
    this.handlers[kind]!(a, b);
  }

  /** Stops runUntil after the current event. */
  stop(): void {
    this.stopped = true;
  }
}
