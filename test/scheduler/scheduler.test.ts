import { describe, expect, it } from 'vitest';
import { numFeasibleNodesToFind, Scheduler } from '../../src/scheduler/scheduler.js';
import { BUILTIN_PROFILES, buildProfile } from '../../src/scheduler/profiles.js';
import { translateArgs } from '../../src/scenario/profiles.js';
import { RngStreams } from '../../src/engine/rng.js';
import type { ClusterState } from '../../src/model/cluster-state.js';
import { addNode, boundPod, makeCluster, pod } from '../helpers/builders.js';
import { eventBit } from '../../src/scheduler/queue.js';

// schedule_one_test.go TestNumFeasibleNodesToFind
describe('numFeasibleNodesToFind', () => {
  it.each([
    [0, 10, 10],
    [40, 10, 10],
    [0, 1000, 420],
    [40, 1000, 400],
    [0, 6000, 300],
    [40, 6000, 2400],
    [0, 5000, 500],
    [100, 5000, 5000],
    [1, 5000, 100],
  ])('percentage %i of %i nodes -> %i', (pct, n, want) => {
    expect(numFeasibleNodesToFind(pct, n)).toBe(want);
  });
});

function scheduler(cluster: ClusterState, profile: string, pct = 0, seed = 1): Scheduler {
  const rng = new RngStreams(seed).get('scheduler.select');
  const spec = BUILTIN_PROFILES[profile]!();
  return new Scheduler(buildProfile(spec, { cluster, rng }, translateArgs(cluster.resources, null, [])), cluster, rng, pct);
}

function nodes(n: number, cpu = '4') {
  return Array.from({ length: n }, (_, i) => ({
    name: `n${i}`,
    cpu,
    memory: '16Gi',
    labels: { 'topology.kubernetes.io/zone': `z${i % 3}` },
  }));
}

describe('Scheduler', () => {
  it('LeastAllocated spreads, MostAllocated packs', () => {
    for (const [profile, expectSpread] of [
      ['default', true],
      ['most-allocated', false],
    ] as const) {
      const cluster = makeCluster(nodes(4));
      const s = scheduler(cluster, profile);
      const used = new Set<string>();
      for (let i = 0; i < 4; i++) {
        const p = pod(cluster, { cpu: '500m', memory: '1Gi' });
        const r = s.schedule(p);
        cluster.bindPod(p, r.node!);
        used.add(r.node!.name);
      }
      expect(used.size).toBe(expectSpread ? 4 : 1);
    }
  });

  it('first-fit takes the first feasible node in node order', () => {
    const cluster = makeCluster(nodes(5));
    boundPod(cluster, 'n0', { cpu: '3500m' });
    const s = scheduler(cluster, 'first-fit');
    const r = s.schedule(pod(cluster, { cpu: '1' }));
    expect(r.node!.name).toBe('n1');
    expect(r.evaluated).toBe(2);
  });

  it('stops filtering after enough feasible nodes and resumes where it stopped', () => {
    const cluster = makeCluster(nodes(1000));
    const s = scheduler(cluster, 'default');
    const r = s.schedule(pod(cluster, { cpu: '100m' }));
    expect(r.feasible).toBe(420);
    expect(r.evaluated).toBe(420);
    expect(s.nextStartNodeIndex).toBe(420);
    s.schedule(pod(cluster, { cpu: '100m' }));
    expect(s.nextStartNodeIndex).toBe(840);
  });

  // schedule_one.go findNodesThatFitPod with NodeAffinity's PreFilterResult (a DaemonSet pod's affinity to
  // metadata.name): only the named node is filtered, nextStartNodeIndex advances by the one node processed, and
  // on failure every other node is absent, "node(s) didn't satisfy plugin(s) [NodeAffinity]".
  it('filters only the nodes a required affinity names by metadata.name', () => {
    const cluster = makeCluster(nodes(200));
    const s = scheduler(cluster, 'default');
    const pinned = (name: string, cpu: string) =>
      pod(cluster, {
        cpu,
        requiredNodeAffinity: [{ matchExpressions: [], matchFields: [{ key: 'metadata.name', operator: 'In', values: [name] }] }],
      });
    s.nextStartNodeIndex = 7;
    const r = s.schedule(pinned('n150', '100m'));
    expect([r.node!.name, r.evaluated, r.feasible]).toEqual(['n150', 1, 1]);
    expect(s.nextStartNodeIndex).toBe(8);
    const failed = s.schedule(pinned('n3', '5'));
    expect(failed.node).toBeNull();
    expect(failed.evaluated).toBe(1);
    expect(s.nextStartNodeIndex).toBe(9);
    expect([...failed.diagnosis!.reasons].sort()).toEqual([
      ['Insufficient cpu', 1],
      ["node(s) didn't satisfy plugin(s) [NodeAffinity]", 199],
    ]);
    // Terms whose metadata.name requirements leave no node: rejected at PreFilter.
    const conflict = s.schedule(
      pod(cluster, {
        cpu: '100m',
        requiredNodeAffinity: [
          {
            matchExpressions: [],
            matchFields: [
              { key: 'metadata.name', operator: 'In', values: ['n1'] },
              { key: 'metadata.name', operator: 'In', values: ['n2'] },
            ],
          },
        ],
      }),
    );
    expect(conflict.diagnosis!.preFilterStatus!.reason).toBe('pod affinity terms conflict');
    // A term without a metadata.name requirement lets every node through.
    const open = s.schedule(
      pod(cluster, {
        cpu: '100m',
        requiredNodeAffinity: [
          { matchExpressions: [], matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] },
          { matchExpressions: [{ key: 'topology.kubernetes.io/zone', operator: 'In', values: ['z0'] }], matchFields: [] },
        ],
      }),
    );
    expect(open.evaluated).toBeGreaterThan(1);
  });

  it('breaks ties uniformly at random from its own stream', () => {
    const counts = new Map<string, number>();
    const cluster = makeCluster(nodes(4));
    const s = scheduler(cluster, 'default', 0, 3);
    for (let i = 0; i < 4000; i++) {
      const r = s.schedule(pod(cluster, { cpu: '100m' }));
      counts.set(r.node!.name, (counts.get(r.node!.name) ?? 0) + 1);
    }
    expect(counts.size).toBe(4);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(150);
  });

  it('explains failures the way kube-scheduler does', () => {
    const cluster = makeCluster([
      { name: 'small', cpu: '1' },
      { name: 'tainted', cpu: '8', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] },
    ]);
    const s = scheduler(cluster, 'default');
    const r = s.schedule(pod(cluster, { cpu: '2' }));
    expect(r.node).toBeNull();
    expect([...r.diagnosis!.reasons]).toEqual([
      ['Insufficient cpu', 1],
      ['node(s) had untolerated taint(s)', 1],
    ]);
  });

  it('a nodeName pod goes only to its node; a cordoned node takes nothing', () => {
    const cluster = makeCluster(nodes(3));
    const s = scheduler(cluster, 'default');
    expect(s.schedule(pod(cluster, { nodeName: 'n2' })).node!.name).toBe('n2');
    cluster.setUnschedulable(cluster.nodes[2]!, true);
    const r = s.schedule(pod(cluster, { nodeName: 'n2' }));
    expect(r.node).toBeNull();
  });

  it('prefers nodes without intolerable PreferNoSchedule taints', () => {
    const cluster = makeCluster([{ name: 'soft', cpu: '4', taints: [{ key: 'k', value: 'v', effect: 'PreferNoSchedule' }] }]);
    addNode(cluster, { name: 'clean', cpu: '4' });
    const s = scheduler(cluster, 'default');
    for (let i = 0; i < 5; i++) expect(s.schedule(pod(cluster, { cpu: '100m' })).node!.name).toBe('clean');
  });
});

describe('Scheduler checks and removed nodes', () => {
  it('rejects a score outside 0..100 when checks are on (as in the test suite)', () => {
    expect(Scheduler.checkScores).toBe(true);
    const cluster = makeCluster(nodes(2));
    const rng = new RngStreams(1).get('scheduler.select');
    const profile = {
      spec: BUILTIN_PROFILES.default!(),
      filters: [],
      scorers: [{ plugin: { name: 'Broken', score: () => 101 }, weight: 1 }],
    };
    const s = new Scheduler(profile, cluster, rng, 0);
    expect(() => s.schedule(pod(cluster, { cpu: '100m' }))).toThrow(/Broken scored 101 outside 0..100/);
  });

  it('never places a pod on a removed node, and a removed node keeps its index', () => {
    const cluster = makeCluster(nodes(3));
    const s = scheduler(cluster, 'default');
    cluster.removeNode(cluster.nodes[1]!);
    expect(cluster.removedNodes).toBe(1);
    expect(cluster.nodeByName.has('n1')).toBe(false);
    for (let i = 0; i < 30; i++) {
      const p = pod(cluster, { cpu: '100m' });
      const r = s.schedule(p);
      expect(r.node!.name).not.toBe('n1');
      cluster.bindPod(p, r.node!);
    }
    expect(cluster.nodes[2]!.index).toBe(2);
    // Removing a node with pods deletes them, as the pod garbage collector does.
    const bound = [...cluster.nodes[0]!.pods];
    expect(bound.length).toBeGreaterThan(0);
    cluster.removeNode(cluster.nodes[0]!);
    expect(cluster.nodes[0]!.pods).toEqual([]);
    for (const p of bound) {
      expect(p.outcome).toBe('NodeRemoved');
      expect(cluster.livePods.has(p.id)).toBe(false);
    }
  });
});

describe('nominated pods', () => {
  it('keep the room preemption made from pods of lower or equal priority', async () => {
    const { Nominator } = await import('../../src/scheduler/nominator.js');
    const cluster = makeCluster([{ name: 'a', cpu: '4' }]);
    const nominator = new Nominator();
    const rng = new RngStreams(1).get('s');
    const s = new Scheduler(
      buildProfile(BUILTIN_PROFILES.default!(), { cluster, rng }, translateArgs(cluster.resources, null, [])),
      cluster,
      rng,
      0,
      nominator,
    );
    const high = pod(cluster, { cpu: '3', priority: 100 }, 'high');
    nominator.nominate(high, cluster.nodes[0]!);
    expect(s.schedule(pod(cluster, { cpu: '2', priority: 0 })).node).toBeNull();
    expect(s.schedule(pod(cluster, { cpu: '1', priority: 0 })).node?.name).toBe('a');
    expect(s.schedule(pod(cluster, { cpu: '2', priority: 200 })).node?.name).toBe('a');
    // The nominated pod itself still fits, and binding clears nothing in the model (the controller does).
    expect(s.schedule(high).node?.name).toBe('a');
    nominator.remove(high);
    expect(nominator.size).toBe(0);
    expect(cluster.nodes[0]!.requested[0]).toBe(0);
  });
});

describe('diagnosis of a pod that fits nowhere', () => {
  it('counts every node under each of its reasons, however the reasons interleave, and names their events', () => {
    // n0, n2, n4, n6, n7: tainted; n1, n3: too little cpu; n5: too little cpu and memory.
    const taint = [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' as const }];
    const cluster = makeCluster([
      { name: 'n0', cpu: '8', memory: '16Gi', taints: taint },
      { name: 'n1', cpu: '1', memory: '16Gi' },
      { name: 'n2', cpu: '8', memory: '16Gi', taints: taint },
      { name: 'n3', cpu: '1', memory: '16Gi' },
      { name: 'n4', cpu: '8', memory: '16Gi', taints: taint },
      { name: 'n5', cpu: '1', memory: '1Gi' },
      { name: 'n6', cpu: '8', memory: '16Gi', taints: taint },
      { name: 'n7', cpu: '8', memory: '16Gi', taints: taint },
    ]);
    const s = scheduler(cluster, 'default');
    const r = s.schedule(pod(cluster, { cpu: '2', memory: '2Gi' }));
    expect(r.node).toBeNull();
    expect(r.evaluated).toBe(8);
    expect(Object.fromEntries(r.diagnosis!.reasons)).toEqual({
      'node(s) had untolerated taint(s)': 5,
      'Insufficient cpu': 3,
      'Insufficient memory': 1,
    });
    // TaintToleration and NodeResourcesFit both rejected nodes: a taint change (TaintToleration) or a
    // pod's deletion (NodeResourcesFit) may help; a node's removal or Ready change helps neither.
    const m = r.diagnosis!.mask;
    expect(m & eventBit('NodeTaintsChanged')).not.toBe(0);
    expect(m & eventBit('PodDeleted')).not.toBe(0);
    expect(m & eventBit('NodeRemoved')).toBe(0);
    expect(m & eventBit('NodeReadyChanged')).toBe(0);
    expect(r.diagnosis!.nodeStatus.slice(0, 8).map((st) => st?.plugin)).toEqual([
      'TaintToleration',
      'NodeResourcesFit',
      'TaintToleration',
      'NodeResourcesFit',
      'TaintToleration',
      'NodeResourcesFit',
      'TaintToleration',
      'TaintToleration',
    ]);
  });

  it('gives each failure its own counts when failures of different shapes alternate', () => {
    const cluster = makeCluster([
      { name: 'n0', cpu: '1', memory: '8Gi' },
      { name: 'n1', cpu: '3', memory: '2Gi' },
      { name: 'n2', cpu: '8', memory: '256Mi' },
    ]);
    const s = scheduler(cluster, 'default');
    // The same reasons in the same node order, in other numbers: cpu, cpu, memory against cpu, memory, memory.
    const big = pod(cluster, { cpu: '4', memory: '512Mi' });
    const wide = pod(cluster, { cpu: '2', memory: '4Gi' });
    const both = pod(cluster, { cpu: '4', memory: '4Gi' });
    const want = {
      big: { 'Insufficient cpu': 2, 'Insufficient memory': 1 },
      wide: { 'Insufficient cpu': 1, 'Insufficient memory': 2 },
      both: { 'Insufficient cpu': 2, 'Insufficient memory': 2 },
    };
    for (const [p, w] of [
      [big, want.big],
      [wide, want.wide],
      [wide, want.wide],
      [both, want.both],
      [big, want.big],
    ] as const) {
      const r = s.schedule(p);
      expect(Object.fromEntries(r.diagnosis!.reasons)).toEqual(w);
    }
  });

  it('reuses the diagnosis of a recent failure with the same node statuses, other failures in between', () => {
    // Half the nodes tainted: the scan diagnoses (too many restricted nodes to count from the free-resource index).
    const taint = [{ key: 'dedicated', value: 'x', effect: 'NoSchedule' as const }];
    const cluster = makeCluster(
      Array.from({ length: 8 }, (_, i) => ({
        name: `n${i}`,
        cpu: i < 4 ? '1' : '8',
        memory: i % 2 ? '1Gi' : '16Gi',
        ...(i >= 4 ? { taints: taint } : {}),
      })),
    );
    const s = scheduler(cluster, 'default');
    const cpu = pod(cluster, { cpu: '2', memory: '512Mi' });
    // The same counts of nodes per run (4 then 4), other statuses: the two share a hash, not a diagnosis.
    const mem = pod(cluster, { cpu: '500m', memory: '32Gi' });
    const seen: ReadonlyMap<string, number>[] = [];
    for (const p of [cpu, mem, cpu, mem, mem, cpu]) {
      const r = s.schedule(p);
      expect(r.node).toBeNull();
      const want =
        p === cpu
          ? { 'Insufficient cpu': 4, 'node(s) had untolerated taint(s)': 4 }
          : { 'Insufficient memory': 4, 'node(s) had untolerated taint(s)': 4 };
      expect(Object.fromEntries(r.diagnosis!.reasons)).toEqual(want);
      seen.push(r.diagnosis!.reasons);
    }
    // One reasons map per distinct failure, shared by its repeats; the two never share one.
    expect(new Set([seen[0], seen[2], seen[5]]).size).toBe(1);
    expect(new Set([seen[1], seen[3], seen[4]]).size).toBe(1);
    expect(seen[0]).not.toBe(seen[1]);
  });
});

describe('a profile without score plugins (schedule_one.go findNodesThatPassFilters, hasScoring)', () => {
  it('takes the first feasible node from where the last cycle stopped, evaluating no further', () => {
    const cluster = makeCluster(nodes(200)); // 200 nodes: the adaptive default would look for 100
    const rng = new RngStreams(1).get('scheduler.select');
    const spec = { ...BUILTIN_PROFILES.default!(), score: [] };
    const s = new Scheduler(buildProfile(spec, { cluster, rng }, translateArgs(cluster.resources, null, [])), cluster, rng, 0);
    expect(s.profile.scorers).toEqual([]);
    const a = s.schedule(pod(cluster, { cpu: '100m' }));
    expect([a.node!.name, a.evaluated, a.feasible]).toEqual(['n0', 1, 1]);
    const b = s.schedule(pod(cluster, { cpu: '100m' }));
    expect([b.node!.name, b.evaluated]).toEqual(['n1', 1]);
    // Nodes that cannot hold the pod are passed over: n2 and n3 are full.
    for (const name of ['n2', 'n3']) boundPod(cluster, name, { cpu: '4' });
    const c = s.schedule(pod(cluster, { cpu: '100m' }));
    expect([c.node!.name, c.evaluated]).toEqual(['n4', 3]);
  });

  it('the random strategy still draws among every feasible node', () => {
    const cluster = makeCluster(nodes(200));
    const s = scheduler(cluster, 'random');
    const chosen = new Set<string>();
    for (let i = 0; i < 20; i++) chosen.add(s.schedule(pod(cluster, { cpu: '100m' })).node!.name);
    expect(chosen.size).toBeGreaterThan(10);
  });
});
