import { describe, expect, it } from 'vitest';
import { Simulation } from '../../src/engine/simulation.js';
import { parseDuration, formatDuration } from '../../src/engine/time.js';

describe('Simulation ordering', () => {
  it('runs events by time, then by scheduling order for ties', () => {
    const sim = new Simulation(1);
    const seen: string[] = [];
    const k = sim.register('mark', (_a, b) => seen.push(b as string));
    sim.schedule(10, k, 0, 'c');
    sim.schedule(5, k, 0, 'a');
    sim.schedule(10, k, 0, 'd');
    sim.schedule(5, k, 0, 'b');
    sim.schedule(0, k, 0, 'first');
    sim.runUntil(100);
    expect(seen).toEqual(['first', 'a', 'b', 'c', 'd']);
    expect(sim.now).toBe(100);
  });

  it('orders zero-delay follow-ups after events already queued for the same instant', () => {
    const sim = new Simulation(1);
    const seen: string[] = [];
    const kFollow = sim.register('follow', (_a, b) => seen.push(b as string));
    const k = sim.register('first', (_a, b) => {
      seen.push(b as string);
      sim.schedule(0, kFollow, 0, `${b as string}-follow`);
    });
    sim.schedule(1, k, 0, 'x');
    sim.schedule(1, k, 0, 'y');
    sim.runUntil(10);
    expect(seen).toEqual(['x', 'y', 'x-follow', 'y-follow']);
  });

  it('skips cancelled events and stops at the horizon', () => {
    const sim = new Simulation(1);
    const seen: number[] = [];
    const k = sim.register('n', (a) => seen.push(a));
    const ev = sim.schedule(3, k, 3);
    sim.schedule(2, k, 2);
    sim.schedule(20, k, 20);
    sim.cancel(ev);
    sim.runUntil(10);
    expect(seen).toEqual([2]);
    expect(sim.eventsProcessed).toBe(1);
    sim.runUntil(30);
    expect(seen).toEqual([2, 20]);
  });

  it('refuses events in the past and negative delays', () => {
    const sim = new Simulation(1);
    const k = sim.register('n', () => {});
    sim.schedule(5, k);
    sim.runUntil(5);
    expect(() => sim.scheduleAt(4, k)).toThrow(/in the past/);
    expect(() => sim.schedule(-1, k)).toThrow(/negative/);
  });

  it('rounds delays to integer milliseconds', () => {
    const sim = new Simulation(1);
    const times: number[] = [];
    const k = sim.register('n', () => times.push(sim.now));
    sim.schedule(0.4, k);
    sim.schedule(1.6, k);
    sim.runUntil(10);
    expect(times).toEqual([0, 2]);
  });

  it('orders posted events exactly as scheduled ones, and reuses their records once run', () => {
    // The same script twice: every event scheduled, then every other one posted instead.
    const script = (post: boolean) => {
      const sim = new Simulation(1);
      const seen: string[] = [];
      const k = sim.register('mark', (a, b) => {
        seen.push(`${sim.now}:${b as string}`);
        // Follow-ups at the same instant and later, some posted, some scheduled.
        if (a > 0) {
          if (post) sim.post(a % 2 ? 0 : 2.6, k, a - 1, `${b as string}>`);
          else sim.schedule(a % 2 ? 0 : 2.6, k, a - 1, `${b as string}>`);
          sim.schedule(1, k, 0, `${b as string}+`);
        }
      });
      for (const [d, name] of [
        [3, 'a'],
        [0, 'b'],
        [3, 'c'],
        [1, 'd'],
      ] as const) {
        if (post) sim.post(d, k, 3, name);
        else sim.schedule(d, k, 3, name);
      }
      sim.runUntil(100);
      return { seen, events: sim.eventsProcessed };
    };
    const scheduled = script(false);
    expect(script(true)).toEqual(scheduled);
    expect(scheduled.seen.slice(0, 4)).toEqual(['0:b', '0:b>', '1:d', '1:b+']);
    // A posted record goes back to the pool when it runs and carries the next posted event.
    const sim = new Simulation(1);
    const got: unknown[] = [];
    const k = sim.register('n', (a, b) => got.push([a, b]));
    sim.post(1, k, 1, 'x');
    sim.runUntil(1);
    sim.post(1, k, 2, 'y');
    sim.runUntil(5);
    expect(got).toEqual([
      [1, 'x'],
      [2, 'y'],
    ]);
    expect(() => sim.post(-1, k)).toThrow(/negative/);
  });
});

describe('named random streams', () => {
  it('give the same draws for the same (seed, name), whatever other streams were used', () => {
    const a = new Simulation(42);
    const b = new Simulation(42);
    b.rng('faults').random();
    b.rng('faults').random();
    const xa = [a.rng('arrivals').random(), a.rng('arrivals').random()];
    const xb = [b.rng('arrivals').random(), b.rng('arrivals').random()];
    expect(xb).toEqual(xa);
  });

  it('differ between names and between seeds', () => {
    const s = new Simulation(42);
    const t = new Simulation(43);
    expect(s.rng('a').random()).not.toBe(s.rng('b').random());
    expect(new Simulation(42).rng('a').random()).not.toBe(t.rng('a').random());
  });
});

describe('durations', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['7d', 604_800_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['1.5h', 5_400_000],
    ['0', 0],
    ['2w', 1_209_600_000],
  ])('%s = %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
  it.each(['', '10', 'abc', '5 minutes', '-3s', '1h 30m', '3S'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
  it('formats', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(86_400_000 + 1)).toBe('1d1ms');
  });
});
