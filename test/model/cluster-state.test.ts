// The model's operations: every change is one named operation that announces one event, and the
// aggregates the scheduler's fast paths read (taint counters, requested resources) follow it.
import { describe, expect, it } from 'vitest';
import { CLUSTER_EVENT_TYPES, EVENT_BIT, WATCHER_ORDER, type ClusterEvent } from '../../src/model/events.js';
import { CPU } from '../../src/model/resources.js';
import { addNode, boundPod, makeCluster, pod, template } from '../helpers/builders.js';

function recording() {
  const cluster = makeCluster([
    { name: 'a', cpu: '4' },
    { name: 'b', cpu: '4' },
  ]);
  const seen: string[] = [];
  cluster.watch('metrics', (ev: ClusterEvent) => seen.push(`${ev.type}:${ev.pod?.name ?? ev.node?.name ?? ev.workload?.name}`));
  return { cluster, seen, a: cluster.nodes[0]!, b: cluster.nodes[1]! };
}

describe('the event vocabulary', () => {
  it('gives every type its own bit, in the declared order', () => {
    const bits = CLUSTER_EVENT_TYPES.map((t) => EVENT_BIT[t]);
    expect(new Set(bits).size).toBe(CLUSTER_EVENT_TYPES.length);
    expect(bits).toEqual(CLUSTER_EVENT_TYPES.map((_t, i) => 1 << i));
  });

  it('dispatches watchers in the declared order, not the order they were registered', () => {
    const cluster = makeCluster([]);
    const order: string[] = [];
    for (const name of ['metrics', 'job', 'index', 'scheduler', 'index'] as const) cluster.watch(name, () => order.push(name));
    addNode(cluster, { name: 'n' });
    expect(order).toEqual(['index', 'index', 'scheduler', 'job', 'metrics']);
    expect(WATCHER_ORDER.indexOf('index')).toBeLessThan(WATCHER_ORDER.indexOf('metrics'));
  });
});

describe('node operations', () => {
  it('taints: add, overwrite and remove keep the scheduler counters right and announce NodeTaintsChanged', () => {
    const { cluster, seen, a, b } = recording();
    expect([cluster.noScheduleNodes, cluster.preferNoScheduleNodes]).toEqual([0, 0]);
    cluster.addTaint(a, { key: 'k', value: '1', effect: 'NoSchedule' });
    cluster.addTaint(a, { key: 'k', value: '2', effect: 'NoSchedule' }); // same key and effect: replaced
    cluster.addTaint(a, { key: 'k', value: '2', effect: 'NoSchedule' }); // identical: no change, no event
    cluster.addTaint(b, { key: 'p', value: '', effect: 'PreferNoSchedule' });
    expect(a.taints).toEqual([{ key: 'k', value: '2', effect: 'NoSchedule' }]);
    expect([cluster.noScheduleNodes, cluster.preferNoScheduleNodes]).toEqual([1, 1]);
    cluster.addTaint(a, { key: 'k', value: '', effect: 'NoExecute' });
    expect(cluster.noScheduleNodes).toBe(1); // one node, however many such taints
    cluster.removeTaint(a, 'k', 'NoSchedule');
    expect(cluster.noScheduleNodes).toBe(1);
    cluster.removeTaint(a, 'k');
    cluster.removeTaint(b, 'p');
    cluster.removeTaint(b, 'absent');
    expect([cluster.noScheduleNodes, cluster.preferNoScheduleNodes]).toEqual([0, 0]);
    expect(seen.filter((e) => e.startsWith('NodeTaintsChanged'))).toHaveLength(7);
  });

  it('cordon, Ready and removal each announce their own event; a removed node leaves the counters', () => {
    const { cluster, seen, a, b } = recording();
    cluster.setUnschedulable(a, true);
    cluster.setUnschedulable(a, true);
    cluster.setNodeReady(b, false);
    cluster.addTaint(a, { key: 'k', value: '', effect: 'NoSchedule' });
    expect([cluster.unschedulableNodes, cluster.noScheduleNodes]).toEqual([1, 1]);
    cluster.removeNode(a);
    expect([cluster.unschedulableNodes, cluster.noScheduleNodes, cluster.removedNodes]).toEqual([0, 0, 1]);
    expect(cluster.nodeByName.has('a')).toBe(false);
    expect(seen).toEqual(['NodeUnschedulableChanged:a', 'NodeReadyChanged:b', 'NodeTaintsChanged:a', 'NodeRemoved:a']);
    expect(() => cluster.setNodeReady(a, false)).toThrow(/removed/);
    expect(() => cluster.bindPod(pod(cluster), a)).toThrow(/removed/);
  });

  it('removing a node deletes its pods first (as the pod garbage collector does), releasing their requests', () => {
    const { cluster, seen, a } = recording();
    const p = boundPod(cluster, 'a', { cpu: '1' }, 'p1');
    const q = boundPod(cluster, 'a', { cpu: '2' }, 'p2');
    expect(a.requested[CPU]).toBe(3000);
    seen.length = 0;
    cluster.removeNode(a);
    expect(a.requested[CPU]).toBe(0);
    expect([p.outcome, q.outcome]).toEqual(['NodeRemoved', 'NodeRemoved']);
    expect(seen).toEqual(['PodDeleted:p2', 'PodDeleted:p1', 'NodeRemoved:a']);
  });
});

describe('graceful deletion', () => {
  it('a terminating pod keeps its node and requests until its object goes', () => {
    const { cluster, seen, a } = recording();
    const p = boundPod(cluster, 'a', { cpu: '1', terminationGracePeriodMs: 30_000 }, 'p');
    cluster.evictPod(p);
    expect(p.terminating).toBe(true);
    expect(p.deletionGraceMs).toBe(30_000);
    expect(p.node).toBe(a);
    expect(a.requested[CPU]).toBe(1000);
    expect(cluster.livePods.has(p.id)).toBe(true);
    cluster.evictPod(p); // a second deletion does not restart the grace period
    cluster.deletePod(p, 'ignored');
    expect(a.requested[CPU]).toBe(0);
    expect(p.outcome).toBe('Evicted');
    expect(cluster.livePods.has(p.id)).toBe(false);
    expect(seen.slice(-2)).toEqual(['PodTerminating:p', 'PodDeleted:p']);
  });

  it('an unbound pod, or a deletion without a grace period, goes at once', () => {
    const { cluster, seen } = recording();
    const p = pod(cluster, {}, 'pending');
    cluster.deletePod(p, 'ScaledDown', 30_000);
    expect(cluster.livePods.has(p.id)).toBe(false);
    expect(seen.at(-1)).toBe('PodDeleted:pending');
  });
});

describe('workload objects', () => {
  it('spec changes bump the generation and announce WorkloadSpecChanged; status changes only when something changed', () => {
    const { cluster, seen } = recording();
    const t = template(cluster, { cpu: '100m' });
    const d = cluster.createWorkload({
      kind: 'Deployment',
      name: 'web',
      namespace: 'default',
      spec: { replicas: 2, template: t, runTime: null, job: null },
    });
    expect(cluster.findWorkload('Deployment', 'default', 'web')).toBe(d);
    expect(cluster.findWorkload('Deployment', 'other', 'web')).toBeUndefined();
    cluster.scaleWorkload(d, 5);
    cluster.scaleWorkload(d, 5); // no change
    expect([d.spec.replicas, d.generation]).toEqual([5, 2]);
    const t2 = template(cluster, { cpu: '200m' });
    cluster.setWorkloadTemplate(d, t2);
    expect([d.spec.template, d.spec.replicas, d.generation]).toEqual([t2, 5, 3]);
    cluster.setWorkloadStatus(d, { replicas: 3, readyReplicas: 1 });
    cluster.setWorkloadStatus(d, { replicas: 3 });
    expect(d.status.replicas).toBe(3);
    expect(seen).toEqual(['WorkloadAdded:web', 'WorkloadSpecChanged:web', 'WorkloadSpecChanged:web', 'WorkloadStatusChanged:web']);
    expect(() => cluster.scaleWorkload(d, -1)).toThrow(/bug/);
    expect(() => cluster.createWorkload({ kind: 'Deployment', name: 'web', namespace: 'default', spec: d.spec })).toThrow(/duplicate/);
  });

  it("owner references: a ReplicaSet's root is its Deployment, and its pods name the ReplicaSet", () => {
    const { cluster } = recording();
    const t = template(cluster);
    const d = cluster.createWorkload({
      kind: 'Deployment',
      name: 'web',
      namespace: 'default',
      spec: { replicas: 1, template: t, runTime: null, job: null },
    });
    const rs = cluster.createWorkload({
      kind: 'ReplicaSet',
      name: 'web-abc',
      namespace: 'default',
      owner: d,
      templateHash: 'abc',
      spec: d.spec,
    });
    expect([rs.root, d.root, rs.key]).toEqual([d, d, 'ReplicaSet/default/web-abc']);
    const p = cluster.createPod(t, 'web-abc-xyz', -1, rs);
    expect(cluster.workloads[p.workload]).toBe(rs);
  });
});

describe('bound pods by priority (preemption has a victim only below the preemptor)', () => {
  it('follows binds, deletions and what-ifs', () => {
    const { cluster, a, b } = recording();
    expect(cluster.hasBoundPodBelow(0)).toBe(false);
    const low = boundPod(cluster, 'a', { cpu: '1', priority: -5 });
    boundPod(cluster, 'b', { cpu: '1', priority: 10 });
    expect([cluster.hasBoundPodBelow(-5), cluster.hasBoundPodBelow(-4), cluster.hasBoundPodBelow(11)]).toEqual([false, true, true]);
    const mark = cluster.fork();
    cluster.assumePodRemoved(low);
    expect(cluster.hasBoundPodBelow(10)).toBe(false);
    cluster.revert(mark);
    expect(cluster.hasBoundPodBelow(10)).toBe(true);
    cluster.deletePod(low, 'Deleted');
    expect(cluster.hasBoundPodBelow(10)).toBe(false);
    expect([a.pods.length, b.pods.length]).toEqual([0, 1]);
  });
});
