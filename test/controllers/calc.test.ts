import { describe, expect, it } from 'vitest';
import { jobComplete, wantActive } from '../../src/controllers/job/calc.js';
import { replicaDiff, deletionOrder, BURST_REPLICAS } from '../../src/controllers/replicaset/calc.js';
import { makeCluster, pod, boundPod } from '../helpers/builders.js';

describe('Job arithmetic', () => {
  const fixed = { parallelism: 3, completions: 10, backoffLimit: 6 };
  const queue = { parallelism: 3, completions: null, backoffLimit: 6 };
  it.each([
    [fixed, { active: 0, succeeded: 0, failed: 0 }, 3],
    [fixed, { active: 3, succeeded: 8, failed: 0 }, 2],
    [fixed, { active: 0, succeeded: 10, failed: 0 }, 0],
    [fixed, { active: 0, succeeded: 2, failed: 7 }, 0],
    [queue, { active: 0, succeeded: 0, failed: 0 }, 3],
    [queue, { active: 2, succeeded: 1, failed: 0 }, 2],
  ])('%o with %o wants %i active', (spec, counts, want) => {
    expect(wantActive(spec, counts)).toBe(want);
  });
  it('work-queue mode completes when a pod succeeded and none is active', () => {
    expect(jobComplete(queue, { active: 1, succeeded: 1, failed: 0 })).toBe(false);
    expect(jobComplete(queue, { active: 0, succeeded: 1, failed: 0 })).toBe(true);
  });
});

describe('ReplicaSet arithmetic', () => {
  it('caps creations and deletions per sync at burstReplicas', () => {
    expect(replicaDiff(2000, 0)).toBe(BURST_REPLICAS);
    expect(replicaDiff(0, 2000)).toBe(-BURST_REPLICAS);
    expect(replicaDiff(5, 3)).toBe(2);
  });
  it('deletes unassigned pods first, then pending, then the newest', () => {
    const c = makeCluster([{ name: 'n' }]);
    const running = boundPod(c, 'n', {}, 'running');
    c.startPod(running);
    c.clock.now = 5;
    const boundPending = boundPod(c, 'n', {}, 'bound');
    const unassigned = pod(c, {}, 'unassigned');
    c.clock.now = 9;
    const newer = boundPod(c, 'n', {}, 'newer-bound');
    const order = [running, boundPending, unassigned, newer].sort(deletionOrder).map((p) => p.name);
    expect(order).toEqual(['unassigned', 'newer-bound', 'bound', 'running']);
  });
});
