// The scheduler controller's timing: when it wakes, and what waits for what.
import { describe, expect, it } from 'vitest';
import { SchedulingQueue } from '../../src/scheduler/queue.js';
import { addNode, pod } from '../helpers/builders.js';
import { scheduledCluster } from '../helpers/sim.js';

function setup(popFromBackoff: boolean, latencyMs = 0) {
  return scheduledCluster(latencyMs, popFromBackoff);
}

describe('SchedulerController', () => {
  it.each([true, false])(
    'a new pod is scheduled at once while another pod waits out its backoff (popFromBackoffQ %s)',
    (popFromBackoff) => {
      const { sim, cluster } = setup(popFromBackoff);
      addNode(cluster, { name: 'small', cpu: '1' });
      // A pod that fits nowhere fails at 0 and is parked with a 1 s backoff.
      const big = pod(cluster, { cpu: '2' });
      sim.runUntil(100);
      expect(big.attempts).toBe(1);
      // A node that still cannot hold it is added: the pod moves from the unschedulable pods to backoff.
      addNode(cluster, { name: 'small-2', cpu: '1' });
      sim.runUntil(200);
      // A pod that fits arrives at 200 ms, long before the first pod's backoff ends at 1 s.
      const small = pod(cluster, { cpu: '100m' });
      sim.runUntil(300);
      expect(small.node).not.toBeNull();
      expect(small.scheduledAt).toBe(200);
      sim.runUntil(5_000);
      expect(big.node).toBeNull();
      // With PopFromBackoffQ off, the retry waits for the backoff to end (1 s after the failure at 0).
      if (!popFromBackoff) expect(big.attempts).toBe(2);
    },
  );
  it('runs one attempt at a time, also after a preemption (schedule_one.go ScheduleOne)', () => {
    const { sim, cluster, controller } = setup(true, 100);
    const a = addNode(cluster, { name: 'a', cpu: '1' });
    const low = pod(cluster, { cpu: '1', priority: 0 });
    sim.runUntil(50);
    expect(low.node).toBe(a);
    const high = pod(cluster, { cpu: '1', priority: 1000 }); // attempted at t=100: preempts `low`
    sim.runUntil(110);
    expect(controller.stats.preemptions).toBe(1);
    // Now 20 pods that fit elsewhere arrive at once; one attempt per 100 ms is the model.
    addNode(cluster, { name: 'big', cpu: '64' });
    const burst = Array.from({ length: 20 }, () => pod(cluster, { cpu: '100m' }));
    sim.runUntil(100_000);
    expect(high.node).toBe(a);
    const times = burst.map((p) => p.scheduledAt).sort((x, y) => x - y);
    const span = times[times.length - 1]! - times[0]!;
    // With one chain the 20 pods need >= 19 * 100 ms; two chains do it in about half.
    expect(span).toBeGreaterThanOrEqual(1900);
  });

  it('a deleted pod that was never bound or nominated moves no parked pod (fit.go isSchedulableAfterPodEvent)', () => {
    const { sim, cluster } = setup(true, 0);
    addNode(cluster, { name: 'a', cpu: '1' });
    const big = pod(cluster, { cpu: '2' }); // fits nowhere: parked
    const other = pod(cluster, { cpu: '2', nodeSelector: { x: 'y' } }); // also pending, never bound
    sim.runUntil(1000);
    expect(big.attempts).toBe(1);
    cluster.deletePod(other, 'ScaledDown'); // upstream fit.go: deleted pod had no nodeName -> QueueSkip
    sim.runUntil(60_000);
    expect(big.attempts).toBe(1); // upstream leaves it parked
  });

  it('an event the failed attempt already saw does not move the pod (in-flight events)', () => {
    const { sim, cluster } = setup(true, 100);
    addNode(cluster, { name: 'a', cpu: '1' });
    const filler = pod(cluster, { cpu: '1' }); // bound at t=0
    pod(cluster, { cpu: '1', nodeSelector: { never: 'x' } }); // attempted at 100, parked
    const k = sim.register('test.delete', () => cluster.deletePod(filler, 'ScaledDown'));
    sim.scheduleAt(200, k); // queued before the t=200 cycle, so it runs first at t=200
    sim.runUntil(150);
    const late = pod(cluster, { cpu: '2' }); // attempted at t=200, after the deletion; fails, parks
    sim.runUntil(60_000);
    // The deletion came before `late`'s attempt, which saw it: `late` stays parked until the 5-minute flush.
    expect(late.attempts).toBe(1);
  });

  it("a preemption that finds no candidate clears the pod's nomination (preemption.go Preempt)", () => {
    // PopFromBackoffQ off, so that `mid` waits out its backoff while `top` arrives.
    const { sim, cluster, nominator } = setup(false, 100);
    const a = addNode(cluster, { name: 'a', cpu: '1' });
    pod(cluster, { cpu: '1', priority: 0 }); // bound at 0
    sim.runUntil(1);
    const mid = pod(cluster, { cpu: '1', priority: 100 }); // t=100: preempts, nominated to a, backoff
    sim.runUntil(150);
    expect(mid.nominatedNode).toBe(a);
    const top = pod(cluster, { cpu: '1', priority: 1000 }); // activeQ: popped at 200, takes a
    sim.runUntil(250);
    expect(top.node).toBe(a);
    sim.runUntil(60_000); // mid retried at 1100: fails, preemption finds no candidate
    expect(mid.node).toBeNull();
    // upstream Preempt(): len(candidates)==0 -> NewPostFilterResultWithNominatedNode("") clears it
    expect(mid.nominatedNode).toBeNull();
    expect(nominator.size).toBe(0);
  });

  it('a preemption clears lower-priority nominations on its node (prepareCandidate)', () => {
    const { sim, cluster } = setup(false, 100);
    const a = addNode(cluster, { name: 'a', cpu: '2' });
    pod(cluster, { cpu: '1', priority: 0 });
    pod(cluster, { cpu: '1', priority: 0 });
    sim.runUntil(150);
    const l1 = pod(cluster, { cpu: '1', priority: 100 }); // ~t=200: preempts one victim, nominated to a
    sim.runUntil(240);
    expect(l1.nominatedNode).toBe(a);
    const h = pod(cluster, { cpu: '2', priority: 1000 }); // ~t=300: preempts the other, nominated to a
    sim.runUntil(400);
    expect(h.nominatedNode).toBe(a);
    // upstream prepareCandidate(Async): getLowerPriorityNominatedPods + clearNominatedNodeName
    expect(l1.nominatedNode).toBeNull();
  });

  it('with PopFromBackoffQ, backoff ends at the start of the 1 s window after its end (backoff_queue.go)', () => {
    const q = new SchedulingQueue(true);
    const { cluster } = setup(true);
    const p = pod(cluster, {});
    p.attempts = 1;
    q.addBackoff(p, 300);
    // 300 ms + 1 s = 1.3 s, truncated to 1 s; isPodBackingoff holds it through that window: free at 2 s.
    expect(p.backoffUntil).toBe(2000);
    expect(q.nextBackoffAt()).toBe(2000);
    const off = new SchedulingQueue(false);
    const r = pod(cluster, {});
    r.attempts = 2;
    off.addBackoff(r, 300);
    expect(r.backoffUntil).toBe(2300);
  });

  it('with PopFromBackoffQ, pods whose backoff ends in the same window pop by priority', () => {
    const q = new SchedulingQueue(true);
    const { cluster } = setup(true);
    const low = pod(cluster, { priority: 1 });
    const high = pod(cluster, { priority: 10 });
    low.attempts = 1;
    high.attempts = 1;
    q.addBackoff(low, 100);
    q.addBackoff(high, 900);
    // Both end in the window [1 s, 2 s): the higher priority pops first although it failed later.
    expect(q.pop(2000)).toBe(high);
    expect(q.pop(2000)).toBe(low);
  });
});
