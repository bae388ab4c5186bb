// What-if changes of the scheduling state (ClusterState.fork / revert): preemption tries victims this
// way today, a cluster autoscaler will try hypothetical nodes tomorrow.
import { describe, expect, it } from 'vitest';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { findPreemption, selectVictimsOnNode } from '../../src/scheduler/preemption.js';
import { BUILTIN_PROFILES, buildProfile } from '../../src/scheduler/profiles.js';
import { PodCounts } from '../../src/scheduler/plugins/pod-counts.js';
import { translateArgs } from '../../src/scenario/profiles.js';
import { RngStreams } from '../../src/engine/rng.js';
import type { ClusterState } from '../../src/model/cluster-state.js';
import type { ClusterEvent } from '../../src/model/events.js';
import { CPU } from '../../src/model/resources.js';
import { makeSelector } from '../../src/model/selectors.js';
import { addNode, boundPod, makeCluster, pod } from '../helpers/builders.js';

const ZONE = 'topology.kubernetes.io/zone';
const foo = makeSelector([{ key: 'foo', operator: 'Exists', values: [] }]);
const spread = [
  {
    maxSkew: 1,
    topologyKey: ZONE,
    whenUnsatisfiable: 'DoNotSchedule' as const,
    selector: foo,
    minDomains: 1,
    nodeAffinityPolicy: 'Honor' as const,
    nodeTaintsPolicy: 'Ignore' as const,
    matchLabelKeys: [],
  },
];

function scheduler(cluster: ClusterState): Scheduler {
  const rng = new RngStreams(1).get('scheduler.select');
  return new Scheduler(
    buildProfile(BUILTIN_PROFILES.default!(), { cluster, rng }, translateArgs(cluster.resources, null, [])),
    cluster,
    rng,
    0,
  );
}

/** Everything a what-if may touch, as plain data. */
function snapshot(cluster: ClusterState) {
  const counts = PodCounts.of(cluster);
  const ix = counts.index('default', foo);
  const dc = counts.domains(ix, ZONE);
  return JSON.stringify({
    nodes: cluster.nodes.map((n) => [n.name, [...n.requested], n.nonZeroCpu, n.pods.map((p) => [p.name, p.slot, p.node?.name])]),
    byName: [...cluster.nodeByName.keys()],
    counters: [cluster.noScheduleNodes, cluster.preferNoScheduleNodes, cluster.unschedulableNodes, cluster.removedNodes],
    perNode: cluster.nodes.map((n) => ix.count(n.index)),
    // Live domains (a value a hypothetical node brought stays interned, with no node holding it).
    domains: counts.key(ZONE).values.flatMap((v, i) => (counts.key(ZONE).live(i) ? [[v, dc.get(i)]] : [])),
    min: dc.min,
    present: counts.presentCount(),
  });
}

describe('ClusterState.fork / revert', () => {
  it('undoes assumed removals, reprieves and hypothetical nodes exactly, telling only the scheduling indexes', () => {
    const cluster = makeCluster([
      { name: 'a', cpu: '4', labels: { [ZONE]: 'z1' } },
      { name: 'b', cpu: '4', labels: { [ZONE]: 'z2' } },
    ]);
    const pods = ['p0', 'p1', 'p2', 'p3'].map((n) => boundPod(cluster, 'a', { cpu: '500m', labels: { foo: '' } }, n));
    boundPod(cluster, 'b', { cpu: '1', labels: { foo: '' } }, 'q');
    const heard: string[] = [];
    cluster.watch('metrics', (ev: ClusterEvent) => heard.push(ev.type));
    // The scheduling indexes hear each change and each undo, newest first, read as they are told.
    const told: string[] = [];
    cluster.watch('index', (ev: ClusterEvent) => {
      const e = ev as { type: string; pod?: { name: string }; node?: { name: string } | null; whatIf?: boolean };
      told.push(`${e.type} ${e.pod?.name ?? '-'} ${e.node?.name ?? '-'} ${e.whatIf === true}`);
    });
    const before = snapshot(cluster);

    const mark = cluster.fork();
    expect(cluster.inWhatIf).toBe(true);
    cluster.assumePodRemoved(pods[1]!);
    cluster.assumePodRemoved(pods[0]!);
    cluster.assumePodBound(pods[1]!, cluster.nodes[0]!);
    cluster.assumePodRemoved(pods[1]!);
    const inner = cluster.fork();
    const hypo = addNode(cluster, {
      name: 'template-node',
      cpu: '8',
      labels: { [ZONE]: 'z3' },
      taints: [{ key: 'k', value: '', effect: 'NoSchedule' }],
    });
    cluster.assumePodBound(pods[0]!, hypo);
    expect(cluster.nodes[0]!.requested[CPU]).toBe(1000);
    expect(hypo.requested[CPU]).toBe(500);
    expect(PodCounts.of(cluster).presentCount()).toBe(3);
    expect(cluster.noScheduleNodes).toBe(1);
    cluster.revert(inner);
    expect(cluster.nodes.length).toBe(2);
    cluster.revert(mark);

    expect(cluster.inWhatIf).toBe(false);
    expect(snapshot(cluster)).toBe(before);
    expect(heard).toEqual([]); // the metrics watcher heard nothing of it
    expect(told).toEqual([
      'PodDeleted p1 a true',
      'PodDeleted p0 a true',
      'PodBound p1 a true',
      'PodDeleted p1 a true',
      'NodeAdded - template-node true',
      'PodBound p0 template-node true',
      // revert(inner), then revert(mark): the undos, newest first.
      'PodDeleted p0 template-node true',
      'NodeRemoved - template-node true',
      'PodBound p1 a true',
      'PodDeleted p1 a true',
      'PodBound p0 a true',
      'PodBound p1 a true',
    ]);
    expect(() => cluster.revert(mark)).toThrow(/bug/);
    // Real operations are refused during a what-if, what-if ones outside it.
    expect(() => cluster.assumePodRemoved(pods[0]!)).toThrow(/outside a what-if/);
    const m = cluster.fork();
    expect(() => cluster.bindPod(pod(cluster), cluster.nodes[1]!)).toThrow(/during a what-if/);
    cluster.revert(m);
    // A node added for real afterwards takes the freed index.
    expect(addNode(cluster, { name: 'c', labels: { [ZONE]: 'z3' } }).index).toBe(2);
  });
});

describe('PodCounts during a what-if', () => {
  // A what-if's pod changes reach the counts when they are read: one undone at once (a pod moved and moved back)
  // never does, and every reader sees the counts as if each change had been applied as it came.
  function run(defer: boolean): string[] {
    const was = PodCounts.deferWhatIf;
    PodCounts.deferWhatIf = defer;
    try {
      const cluster = makeCluster([
        { name: 'a', cpu: '8', labels: { [ZONE]: 'z1' } },
        { name: 'b', cpu: '8', labels: { [ZONE]: 'z2' } },
      ]);
      const foos = ['f0', 'f1'].map((n) => boundPod(cluster, 'a', { cpu: '100m', labels: { foo: '' } }, n));
      const others = ['g0', 'g1'].map((n) => boundPod(cluster, 'b', { cpu: '100m', labels: { foo: '' } }, n));
      const s = scheduler(cluster);
      const spreadOut = pod(cluster, { cpu: '100m', labels: { foo: '' }, topologySpread: spread }, 'spread');
      const answer = () => cluster.nodes.map((n) => s.checkNode(spreadOut, n)?.reason ?? 'fits').join(',');
      const seen = [answer(), snapshot(cluster)];
      const mark = cluster.fork();
      cluster.assumePodRemoved(foos[0]!);
      cluster.assumePodBound(foos[0]!, cluster.nodes[1]!);
      cluster.assumePodRemoved(foos[0]!); // undoes the bind just made
      seen.push(answer()); // PodTopologySpread reads the counts: the pending removal applies first
      cluster.assumePodRemoved(foos[1]!);
      seen.push(answer(), snapshot(cluster));
      cluster.assumePodBound(foos[1]!, cluster.nodes[1]!);
      cluster.revert(mark);
      seen.push(answer(), snapshot(cluster));
      // The domain with the fewest pods loses one: the global minimum falls (preFilter reads it).
      const m2 = cluster.fork();
      cluster.assumePodRemoved(others[0]!);
      seen.push(answer(), snapshot(cluster));
      cluster.revert(m2);
      seen.push(answer(), snapshot(cluster));
      return seen;
    } finally {
      PodCounts.deferWhatIf = was;
    }
  }

  it('gives the same counts deferred as applied at once', () => {
    const deferred = run(true);
    expect(deferred).toEqual(run(false));
    // Two foo pods in z1 and two in z2 at first (skew 2 + 1 - 2 on either); f0 moved to b and back changes nothing;
    // without f0, z1 has the fewest (a: 1 + 1 - 1, b: 2 + 1 - 1); without f1 too, a: 0 + 1 - 0, b: 2 + 1 - 0.
    const skew = "node(s) didn't match pod topology spread constraints";
    expect(deferred[0]).toBe('fits,fits');
    expect(deferred[2]).toBe(`fits,${skew}`);
    expect(deferred[3]).toBe(`fits,${skew}`);
    expect(deferred[5]).toBe(deferred[0]);
    expect(deferred[6]).toBe(deferred[1]);
    // Without g0 the global minimum is 1 (z2): a: 2 + 1 - 1 no longer fits.
    expect(deferred[7]).toBe(`${skew},fits`);
    expect(deferred[9]).toBe(deferred[0]);
    expect(deferred[10]).toBe(deferred[1]);
  });
});

describe('preemption in a what-if', () => {
  it('sees PodTopologySpread without the victims (upstream updates its PreFilter state with RemovePod)', () => {
    // a (z1) holds two low-priority foo pods; b (z2) is full with a pod that may not be preempted.
    const cluster = makeCluster([
      { name: 'a', cpu: '8', labels: { [ZONE]: 'z1' } },
      { name: 'b', cpu: '2', labels: { [ZONE]: 'z2' } },
    ]);
    const v1 = boundPod(cluster, 'a', { cpu: '100m', labels: { foo: '' }, priority: 1 }, 'v1');
    const v2 = boundPod(cluster, 'a', { cpu: '100m', labels: { foo: '' }, priority: 2 }, 'v2');
    boundPod(cluster, 'b', { cpu: '2', priority: 1000 }, 'full');
    const s = scheduler(cluster);
    const p = pod(cluster, { cpu: '1', labels: { foo: '' }, priority: 100, topologySpread: spread }, 'preemptor');
    const r = s.schedule(p);
    expect(r.node).toBeNull();
    expect(Object.fromEntries(r.diagnosis!.reasons)).toEqual({
      "node(s) didn't match pod topology spread constraints": 1,
      'Insufficient cpu': 1,
    });
    const before = snapshot(cluster);
    // On a, the skew is 2 + 1 - 0: both foo pods must go (each reprieve would bring it back to 2).
    const c = findPreemption(s, p, cluster.nodes, r.diagnosis!, new RngStreams(1).get('preemption'));
    expect(c?.node.name).toBe('a');
    expect(c!.victims.map((v) => v.name).sort()).toEqual(['v1', 'v2']);
    expect(snapshot(cluster)).toBe(before);
    expect([v1.node?.name, v2.node?.name]).toEqual(['a', 'a']);
  });

  it('reprieves a victim whose return keeps the skew within maxSkew', () => {
    const cluster = makeCluster([
      { name: 'a', cpu: '1', labels: { [ZONE]: 'z1' } },
      { name: 'b', cpu: '8', labels: { [ZONE]: 'z2' } },
    ]);
    // a is full of low-priority pods, one of them matching foo; b holds one foo pod.
    boundPod(cluster, 'a', { cpu: '500m', labels: { foo: '' }, priority: 1 }, 'foo-low');
    boundPod(cluster, 'a', { cpu: '500m', priority: 1 }, 'plain-low');
    boundPod(cluster, 'b', { cpu: '100m', labels: { foo: '' }, priority: 1000 }, 'foo-b');
    const s = scheduler(cluster);
    const p = pod(cluster, { cpu: '500m', labels: { foo: '' }, priority: 100, topologySpread: spread }, 'preemptor');
    // Only CPU blocks a: 1 foo pod on a, 1 on b, placing p on a gives a skew of 1.
    const victims = selectVictimsOnNode(s, p, cluster.nodes[0]!);
    // moreImportant order is by priority then start time: both priority 1, not started: by id; the first
    // is reprieved if the pod still fits with it, so exactly one of them goes.
    expect(victims).toHaveLength(1);
    expect(cluster.nodes[0]!.pods).toHaveLength(2);
  });
});

describe("a hypothetical node (the cluster autoscaler's question)", () => {
  it('answers "would these pending pods fit on a new node of this pool?" with the scheduler\'s own filters, and leaves nothing behind', () => {
    const cluster = makeCluster([{ name: 'a', cpu: '2', labels: { [ZONE]: 'z1' } }]);
    boundPod(cluster, 'a', { cpu: '1500m', labels: { foo: '' } }, 'busy');
    const s = scheduler(cluster);
    const big = pod(cluster, { cpu: '3' }, 'big');
    const spreadOut = pod(cluster, { cpu: '100m', labels: { foo: '' }, topologySpread: spread }, 'spread');
    const tainted = pod(cluster, { cpu: '100m' }, 'no-toleration');
    expect(s.schedule(big).node).toBeNull();
    const before = snapshot(cluster);
    const mark = cluster.fork();
    const small = addNode(cluster, { name: 'template-small', cpu: '2', labels: { [ZONE]: 'z2' } });
    const large = addNode(cluster, {
      name: 'template-large',
      cpu: '8',
      labels: { [ZONE]: 'z2' },
      taints: [{ key: 'pool', value: 'large', effect: 'NoSchedule' }],
    });
    const answer = (p: typeof big) => [small, large].map((n) => s.checkNode(p, n)?.reason ?? 'fits');
    expect(answer(big)).toEqual(['Insufficient cpu', 'node(s) had untolerated taint(s)']);
    // z2 is a new domain with no foo pod: spreading is satisfied there (skew 1).
    expect(answer(spreadOut)).toEqual(['fits', 'node(s) had untolerated taint(s)']);
    expect(answer(tainted)).toEqual(['fits', 'node(s) had untolerated taint(s)']);
    cluster.revert(mark);
    expect(snapshot(cluster)).toBe(before);
    expect(cluster.nodes.map((n) => n.name)).toEqual(['a']);
  });
});
