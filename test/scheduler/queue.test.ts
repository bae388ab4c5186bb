import { describe, expect, it } from 'vitest';
import { SchedulingQueue, backoffDuration, eventMask, POD_MAX_IN_UNSCHEDULABLE_MS } from '../../src/scheduler/queue.js';
import { makeCluster, pod } from '../helpers/builders.js';

describe('backoffDuration (calculateBackoffDuration)', () => {
  it.each([
    [1, 1000],
    [2, 2000],
    [3, 4000],
    [4, 8000],
    [5, 10000],
    [20, 10000],
  ])('attempt %i -> %i ms', (n, ms) => {
    expect(backoffDuration(n)).toBe(ms);
  });
});

describe('SchedulingQueue', () => {
  it('pops by priority, then by the time pods were queued', () => {
    const c = makeCluster([{ name: 'n' }]);
    const q = new SchedulingQueue();
    const low = pod(c, { priority: 0 }, 'low');
    const high = pod(c, { priority: 100 }, 'high');
    const low2 = pod(c, { priority: 0 }, 'low2');
    q.add(low, 0);
    q.add(low2, 0);
    q.add(high, 5);
    expect([q.pop(10)!.name, q.pop(10)!.name, q.pop(10)!.name]).toEqual(['high', 'low', 'low2']);
    expect(q.pop(10)).toBeUndefined();
  });

  it('parks unschedulable pods until an event their rejecting plugins care about', () => {
    const c = makeCluster([{ name: 'n' }]);
    const q = new SchedulingQueue(false);
    const p = pod(c, {}, 'p');
    p.attempts = 1;
    q.addUnschedulable(p, eventMask(['NodeAdded']), 0);
    expect(q.onEvent('PodDeleted', 100)).toBe(0);
    expect(q.pop(100)).toBeUndefined();
    expect(q.onEvent('NodeAdded', 100)).toBe(1);
    // Still backing off (1 s after the failure at 0): not yet poppable without PopFromBackoffQ.
    expect(q.pop(500)).toBeUndefined();
    expect(q.nextBackoffAt()).toBe(1000);
    expect(q.pop(1000)).toBe(p);
  });

  it('with SchedulerPopFromBackoffQ pops a backing-off pod when the active queue is empty', () => {
    const c = makeCluster([{ name: 'n' }]);
    const q = new SchedulingQueue(true);
    const p = pod(c, {}, 'p');
    p.attempts = 3;
    q.addBackoff(p, 0);
    expect(q.pop(10)).toBe(p);
  });

  it('flushes pods parked longer than 5 minutes', () => {
    const c = makeCluster([{ name: 'n' }]);
    const q = new SchedulingQueue();
    const p = pod(c, {}, 'p');
    p.attempts = 1;
    q.addUnschedulable(p, 0, 0);
    expect(q.flushUnschedulable(POD_MAX_IN_UNSCHEDULABLE_MS)).toBe(0);
    expect(q.flushUnschedulable(POD_MAX_IN_UNSCHEDULABLE_MS + 1)).toBe(1);
    expect(q.pop(POD_MAX_IN_UNSCHEDULABLE_MS + 1)).toBe(p);
  });

  it('forgets removed pods', () => {
    const c = makeCluster([{ name: 'n' }]);
    const q = new SchedulingQueue();
    const p = pod(c, {}, 'p');
    q.add(p, 0);
    q.remove(p);
    expect(q.pop(0)).toBeUndefined();
    expect(q.size).toBe(0);
  });
});
