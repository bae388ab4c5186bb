import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { EventQueue, type Timer } from '../../src/engine/event-queue.js';
import type { SimEvent } from '../../src/engine/simulation.js';

function ev(time: number, seq: number): SimEvent {
  return { time, seq, kind: 0, a: 0, b: null, cancelled: false, origin: 0 };
}

describe('EventQueue', () => {
  it('pops by (time, seq) whether an event went to the heap or to the same-instant FIFO', () => {
    const q = new EventQueue();
    q.add(ev(5, 0), 0);
    q.add(ev(0, 1), 0); // FIFO
    q.add(ev(0, 2), 0); // FIFO
    q.add(ev(3, 3), 0);
    expect([q.poll()!.seq, q.poll()!.seq, q.poll()!.seq]).toEqual([1, 2, 3]);
    expect(q.size).toBe(1);
    q.add(ev(5, 4), 5); // the clock is at 5; seq 0 (heap) still comes first
    expect(q.peek()!.seq).toBe(0);
    expect([q.poll()!.seq, q.poll()!.seq]).toEqual([0, 4]);
    expect(q.poll()).toBeUndefined();
    expect(q.size).toBe(0);
  });

  it('keeps events of an instant the clock left (moved by hand) and orders them with the rest', () => {
    const q = new EventQueue();
    q.add(ev(0, 0), 0);
    q.add(ev(0, 1), 0);
    q.add(ev(7, 2), 7); // the clock jumped to 7 with two events of instant 0 left
    expect([q.poll()!.seq, q.poll()!.seq, q.poll()!.seq]).toEqual([0, 1, 2]);
  });

  it('gives the same order as sorting by (time, seq) over random interleavings', () => {
    for (let trial = 0; trial < 50; trial++) {
      const rng = seedrandom(`eq-${trial}`);
      const q = new EventQueue();
      const reference: SimEvent[] = [];
      const popped: number[] = [];
      const expected: number[] = [];
      let now = 0;
      let seq = 0;
      for (let step = 0; step < 400; step++) {
        if (rng() < 0.55) {
          const delay = rng() < 0.5 ? 0 : Math.floor(rng() * 20);
          const e = ev(now + delay, seq++);
          q.add(e, now);
          reference.push(e);
        } else {
          reference.sort((x, y) => x.time - y.time || x.seq - y.seq);
          const want = reference.shift();
          const got = q.poll();
          expect(got?.seq).toBe(want?.seq);
          if (got !== undefined) {
            now = got.time;
            popped.push(got.seq);
            expected.push(want!.seq);
          }
        }
        expect(q.size).toBe(reference.length);
      }
      expect(popped).toEqual(expected);
    }
  });

  it('orders the events of timers (one pending each at most, some called off) with the rest by (time, seq)', () => {
    let cancelled = 0;
    for (let trial = 0; trial < 50; trial++) {
      const rng = seedrandom(`eq-timers-${trial}`);
      const q = new EventQueue();
      const timers: Timer[] = [0, 1, 2].map(() => ({ ev: ev(0, 0), pending: false }));
      for (const t of timers) q.addTimer(t);
      const reference: SimEvent[] = [];
      let now = 0;
      let seq = 0;
      for (let step = 0; step < 400; step++) {
        const delay = rng() < 0.3 ? 0 : Math.floor(rng() * 20);
        const idle = timers.find((t) => !t.pending);
        const busy = timers.find((t) => t.pending);
        if (rng() < 0.1 && busy) {
          // A pending timer called off: its event leaves the order.
          busy.pending = false;
          q.timerCancelled(busy);
          reference.splice(reference.indexOf(busy.ev), 1);
          cancelled++;
        } else if (rng() < 0.3 && idle) {
          idle.ev.time = now + delay;
          idle.ev.seq = seq++;
          idle.pending = true;
          q.timerSet(idle);
          reference.push(idle.ev);
        } else if (rng() < 0.55) {
          const e = ev(now + delay, seq++);
          q.add(e, now);
          reference.push(e);
        } else {
          reference.sort((x, y) => x.time - y.time || x.seq - y.seq);
          const want = reference.shift();
          const got = q.poll();
          expect(got?.seq).toBe(want?.seq);
          if (got !== undefined) now = got.time;
        }
        expect(q.size).toBe(reference.length);
      }
    }
    expect(cancelled).toBeGreaterThan(100);
  });
});
