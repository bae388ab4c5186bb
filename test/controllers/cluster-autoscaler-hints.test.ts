// The cluster autoscaler's scheduling simulation with hints: the cases of upstream's hinting_simulator_test.go
// (TestTrySchedulePods, TestPodSchedulesOnHintedNode; cpu in millicores, memory in bytes as there), then Hints'
// generations (hints.go DropOld) and the round-robin cursor shared with FitsAnyNodeMatching.
import { describe, expect, it } from 'vitest';
import { fitsAnyNodeMatching, Hints, HintingSimulator, type FitCursor } from '../../src/controllers/cluster-autoscaler/hints.js';
import type { ClusterState } from '../../src/model/cluster-state.js';
import type { Node } from '../../src/model/node.js';
import type { Pod } from '../../src/model/pod.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { BUILTIN_PROFILES, buildProfile } from '../../src/scheduler/profiles.js';
import { translateArgs } from '../../src/scenario/profiles.js';
import { Simulation } from '../../src/engine/simulation.js';
import { addNode, boundPod, makeCluster, pod } from '../helpers/builders.js';

function scheduler(cluster: ClusterState): Scheduler {
  const rng = new Simulation(1).rng('scheduler.select');
  const profile = buildProfile(BUILTIN_PROFILES.default!(), { cluster, rng }, translateArgs(cluster.resources, null, []));
  return new Scheduler(profile, cluster, rng, 0);
}

function simulator(cluster: ClusterState, cursor: FitCursor = { lastIndex: 0 }) {
  return new HintingSimulator(cluster, scheduler(cluster), cursor);
}

/** BuildTestPod(name, cpu millicores, memory bytes). */
const testPod = (cluster: ClusterState, name: string, cpu: number, mem: number): Pod =>
  pod(cluster, { cpu: `${cpu}m`, memory: String(mem) }, name);

/** The node of that name, or one that is not in the cluster. */
const nodeNamed = (cluster: ClusterState, name: string): Node =>
  cluster.nodeByName.get(name) ?? ({ name, index: cluster.nodes.length, removedAt: -1 } as Node);

/** buildReadyNode(name, cpu millicores, memory bytes). */
const readyNode = (name: string, cpu: number, mem: number) => ({ name, cpu: `${cpu}m`, memory: String(mem) });

interface Case {
  desc: string;
  nodes: { name: string; cpu: number; mem: number }[];
  /** Pods bound before: [name, cpu, memory, node]. */
  pods: [string, number, number, string][];
  newPods: [string, number, number][];
  hints?: Record<string, string>;
  /** Only this node is acceptable (singleNodeOk), or any. */
  acceptable?: string;
  want: [string, string][];
}

const TWO_NODES = [
  { name: 'n1', cpu: 1000, mem: 2_000_000 },
  { name: 'n2', cpu: 1000, mem: 2_000_000 },
];

const cases: Case[] = [
  {
    desc: 'two new pods, two nodes',
    nodes: TWO_NODES,
    pods: [['p1', 300, 500_000, 'n1']],
    newPods: [
      ['p2', 800, 500_000],
      ['p3', 500, 500_000],
    ],
    want: [
      ['p2', 'n2'],
      ['p3', 'n1'],
    ],
  },
  {
    desc: "hinted Node no longer in the cluster doesn't cause an error",
    nodes: TWO_NODES,
    pods: [['p1', 300, 500_000, 'n1']],
    newPods: [
      ['p2', 800, 500_000],
      ['p3', 500, 500_000],
    ],
    hints: { p2: 'non-existing-node' },
    want: [
      ['p2', 'n2'],
      ['p3', 'n1'],
    ],
  },
  {
    desc: 'three new pods, two nodes, no fit',
    nodes: TWO_NODES,
    pods: [['p1', 300, 500_000, 'n1']],
    newPods: [
      ['p2', 800, 500_000],
      ['p3', 500, 500_000],
      ['p4', 700, 500_000],
    ],
    want: [
      ['p2', 'n2'],
      ['p3', 'n1'],
    ],
  },
  { desc: 'no new pods, two nodes', nodes: TWO_NODES, pods: [['p1', 300, 500_000, 'n1']], newPods: [], want: [] },
  {
    desc: 'two nodes, but only one acceptable',
    nodes: TWO_NODES,
    pods: [['p1', 300, 500_000, 'n1']],
    newPods: [
      ['p2', 500, 500_000],
      ['p3', 500, 500_000],
    ],
    acceptable: 'n2',
    want: [
      ['p2', 'n2'],
      ['p3', 'n2'],
    ],
  },
  {
    desc: 'two nodes, but only one acceptable, no fit',
    nodes: TWO_NODES,
    pods: [['p1', 300, 500_000, 'n1']],
    newPods: [
      ['p2', 500, 500_000],
      ['p3', 500, 500_000],
    ],
    acceptable: 'n1',
    want: [['p2', 'n1']],
  },
];

describe('HintingSimulator.trySchedulePods (hinting_simulator_test.go TestTrySchedulePods)', () => {
  it.each(cases)('$desc', (tc) => {
    const cluster = makeCluster(tc.nodes.map((n) => readyNode(n.name, n.cpu, n.mem)));
    for (const [name, cpu, mem, node] of tc.pods) boundPod(cluster, node, { cpu: `${cpu}m`, memory: String(mem) }, name);
    const s = simulator(cluster);
    const pods = tc.newPods.map(([name, cpu, mem]) => testPod(cluster, name, cpu, mem));
    for (const [name, node] of Object.entries(tc.hints ?? {})) s.hints.set(pods.find((p) => p.name === name)!.id, nodeNamed(cluster, node));
    const skip = tc.acceptable === undefined ? null : (n: Node) => n.name !== tc.acceptable;
    const mark = cluster.fork();
    const statuses = s.trySchedulePods(pods, skip, false);
    expect(statuses.map((st) => [st.pod.name, st.node.name])).toEqual(tc.want);
    // The pods placed are on their nodes in the snapshot (countPods, nodeNameForPod)...
    expect(cluster.nodes.reduce((n, node) => n + node.pods.length, 0)).toBe(tc.pods.length + tc.want.length);
    for (const st of statuses) expect(st.pod.node).toBe(st.node);
    cluster.revert(mark);
    // ...and, after DropOldHints, still hinted there.
    s.dropOldHints();
    for (const st of statuses) expect(s.hints.get(st.pod.id)).toBe(st.node);
  });

  // The removal simulation's form: whether every pod was placed, stopping at the first that was not, with the
  // same placements, hints and cursor as trySchedulePods(pods, skip, true).
  it.each(cases)('tryScheduleAll: $desc', (tc) => {
    const run = (all: boolean) => {
      const cluster = makeCluster(tc.nodes.map((n) => readyNode(n.name, n.cpu, n.mem)));
      for (const [name, cpu, mem, node] of tc.pods) boundPod(cluster, node, { cpu: `${cpu}m`, memory: String(mem) }, name);
      const cursor = { lastIndex: 1 };
      const s = simulator(cluster, cursor);
      const pods = tc.newPods.map(([name, cpu, mem]) => testPod(cluster, name, cpu, mem));
      for (const [name, node] of Object.entries(tc.hints ?? {}))
        s.hints.set(pods.find((p) => p.name === name)!.id, nodeNamed(cluster, node));
      const skip = tc.acceptable === undefined ? null : (n: Node) => n.name !== tc.acceptable;
      cluster.fork();
      const placedAll = all ? s.tryScheduleAll(pods, skip) : s.trySchedulePods(pods, skip, true).length === pods.length;
      const where = cluster.nodes.map((n) => `${n.name}:${n.pods.map((p) => p.name).join('+')}`).join(' ');
      return { placedAll, where, cursor: cursor.lastIndex, hints: pods.map((p) => s.hints.get(p.id)?.name ?? '-').join(',') };
    };
    const got = run(true);
    expect(got).toEqual(run(false));
    expect(got.placedAll).toBe(tc.want.length === tc.newPods.length);
  });

  it('tryScheduleAll places by hint first, and stops at the first pod that fits nowhere', () => {
    const cluster = makeCluster(['n1', 'n2', 'n3'].map((n) => readyNode(n, 1000, 2_000_000)));
    const cursor = { lastIndex: 0 };
    const s = simulator(cluster, cursor);
    const hinted = testPod(cluster, 'hinted', 100, 1);
    s.hints.set(hinted.id, nodeNamed(cluster, 'n3'));
    const big = testPod(cluster, 'big', 5000, 1);
    const small = testPod(cluster, 'small', 100, 1);
    cluster.fork();
    expect(s.tryScheduleAll([hinted, big, small], null)).toBe(false);
    expect(hinted.node?.name).toBe('n3');
    expect(cursor.lastIndex).toBe(0); // placed by its hint, not found by the search
    expect(small.node).toBeNull(); // never tried
    expect(s.tryScheduleAll([small], null)).toBe(true);
    expect(small.node?.name).toBe('n1');
  });
});

describe('a pod goes to its hinted node (hinting_simulator_test.go TestPodSchedulesOnHintedNode)', () => {
  const hinted: [string, Record<string, string>][] = [
    ['single hint', { p1: 'n2' }],
    ['all on one node', { p1: 'n2', p2: 'n2', p3: 'n2' }],
    ['spread across nodes', { p1: 'n1', p2: 'n2', p3: 'n3' }],
    ['lots of pods', { p1: 'n1', p2: 'n1', p3: 'n1', p4: 'n2', p5: 'n2', p6: 'n2', p7: 'n3', p8: 'n3', p9: 'n3' }],
  ];
  it.each(hinted)('%s', (_desc, podNodes) => {
    const cluster = makeCluster(['n1', 'n2', 'n3'].map((n) => readyNode(n, 9999, 9999)));
    const cursor = { lastIndex: 0 };
    const s = simulator(cluster, cursor);
    const pods = Object.entries(podNodes).map(([name, node]) => {
      const p = testPod(cluster, name, 1, 1);
      s.hints.set(p.id, nodeNamed(cluster, node));
      return p;
    });
    cluster.fork();
    const statuses = s.trySchedulePods(pods, null, false);
    expect(statuses.map((st) => [st.pod.name, st.node.name])).toEqual(Object.entries(podNodes));
    // Placed by their hints, not found by a search: the round-robin start has not moved.
    expect(cursor.lastIndex).toBe(0);
  });
});

describe('hints and the search', () => {
  it('hints.go: a hint set before the last DropOld is still read; one set before the one before is gone', () => {
    const h = new Hints<string>();
    h.set(1, 'a');
    h.dropOld();
    expect(h.get(1)).toBe('a');
    h.set(2, 'b');
    h.set(1, 'c'); // the current generation is read first
    expect([h.get(1), h.get(2)]).toEqual(['c', 'b']);
    h.dropOld();
    h.dropOld();
    expect([h.get(1), h.get(2)]).toEqual([undefined, undefined]);
  });

  it('a hinted node the pod no longer fits is left for the search from the shared cursor, which moves past the node found', () => {
    const cluster = makeCluster(['n1', 'n2', 'n3'].map((n) => readyNode(n, 1000, 2_000_000)));
    const cursor = { lastIndex: 2 };
    const s = simulator(cluster, cursor);
    boundPod(cluster, 'n1', { cpu: '900m', memory: '1000' }, 'big');
    const p = testPod(cluster, 'p', 500, 1000);
    s.hints.set(p.id, nodeNamed(cluster, 'n1'));
    cluster.fork();
    // From index 2: n3 takes it; the next search starts at n1 (index 3 mod 3).
    expect(s.trySchedulePods([p], null, false).map((st) => st.node.name)).toEqual(['n3']);
    expect(cursor.lastIndex).toBe(3);
    expect(s.hints.get(p.id)?.name).toBe('n3');
  });

  it('a hint to a template copy of a provisioning node is, once the copy is gone, a hint to the node of that name', () => {
    const cluster = makeCluster([readyNode('n1', 1000, 2_000_000)]);
    const cursor = { lastIndex: 0 };
    const s = simulator(cluster, cursor);
    const p = testPod(cluster, 'p', 1500, 1000);
    let mark = cluster.fork();
    const copy = addNode(cluster, readyNode('pool-1', 2000, 2_000_000));
    expect(s.trySchedulePods([p], null, false).map((st) => st.node)).toEqual([copy]);
    cluster.revert(mark);
    s.dropOldHints();
    // The node registers under that name; the next loop's search would start at n1, which cannot take the pod.
    const real = addNode(cluster, readyNode('pool-1', 2000, 2_000_000));
    cursor.lastIndex = 0;
    mark = cluster.fork();
    expect(s.trySchedulePods([p], null, false).map((st) => st.node)).toEqual([real]);
    expect(cursor.lastIndex).toBe(0);
    cluster.revert(mark);
  });

  it('with breakOnFailure the pods after one that fits nowhere are not tried; similar pods are not searched for again', () => {
    const cluster = makeCluster([readyNode('n1', 1000, 2_000_000)]);
    const s = simulator(cluster);
    const pods = [testPod(cluster, 'a', 2000, 1), testPod(cluster, 'b', 100, 1)];
    const twin = testPod(cluster, 'a2', 100, 1);
    cluster.fork();
    expect(s.trySchedulePods(pods, null, true)).toEqual([]);
    // Without it, b still fits; a second pod like a (same key) is not searched for: only its hint could place it.
    const placed = s.trySchedulePods([...pods, twin], null, false, (p) => (p.name.startsWith('a') ? 'a' : p.name));
    expect(placed.map((st) => st.pod.name)).toEqual(['b']);
    s.hints.set(twin.id, nodeNamed(cluster, 'n1'));
    const again = s.trySchedulePods([pods[0]!, twin], null, false, (p) => (p.name.startsWith('a') ? 'a' : p.name));
    expect(again.map((st) => st.pod.name)).toEqual(['a2']);
  });

  // binpacking_estimator.go tryToScheduleOnExistingNodes searches the whole snapshot from the lastIndex the
  // autoscaler's other searches share, accepting only the nodes the estimation added: not first fit over them.
  it("the estimator's search over its new nodes starts at the shared cursor and moves it", () => {
    const cluster = makeCluster([readyNode('n0', 1000, 2_000_000)]);
    boundPod(cluster, 'n0', { cpu: '1', memory: '1000' }, 'full');
    const p = testPod(cluster, 'p', 1000, 1000);
    const huge = testPod(cluster, 'huge', 8000, 1);
    const sched = scheduler(cluster);
    cluster.fork();
    const fresh = [addNode(cluster, readyNode('e-0', 4000, 2_000_000)), addNode(cluster, readyNode('e-1', 4000, 2_000_000))];
    const onlyNew = (n: Node) => !fresh.includes(n);
    const cursor = { lastIndex: fresh[1]!.index };
    expect(fitsAnyNodeMatching(sched, p, cluster.nodes, cursor, onlyNew)).toBe(fresh[1]!.index);
    expect(cursor.lastIndex).toBe(3);
    // From 3 (0 round the list of 3): n0 is not a new node, e-0 is next.
    expect(fitsAnyNodeMatching(sched, p, cluster.nodes, cursor, onlyNew)).toBe(fresh[0]!.index);
    expect(cursor.lastIndex).toBe(2);
    // No node takes a pod too big for all: -1, and the cursor stays.
    expect(fitsAnyNodeMatching(sched, huge, cluster.nodes, cursor, onlyNew)).toBe(-1);
    expect(cursor.lastIndex).toBe(2);
  });
});
