// Table tests shaped like upstream's (pkg/scheduler/framework/plugins/noderesources/*_test.go),
// with expected scores worked out from the formulas in the comments.
import { describe, expect, it } from 'vitest';
import { Code, CycleState, defaultNormalizeScore } from '../../src/scheduler/framework.js';
import { nodeResourcesFit, brokenLinear, type FitArgs } from '../../src/scheduler/plugins/node-resources-fit.js';
import { balancedAllocation, balancedScore } from '../../src/scheduler/plugins/balanced-allocation.js';
import { imageLocality, imageLocalityScore, MIN_THRESHOLD, MAX_CONTAINER_THRESHOLD } from '../../src/scheduler/plugins/image-locality.js';
import { RngStreams } from '../../src/engine/rng.js';
import { boundPod, makeCluster, pod } from '../helpers/builders.js';

const cpuMem = [
  { index: 0, weight: 1 },
  { index: 1, weight: 1 },
];

function fitScores(
  args: FitArgs,
  nodes: { name: string; cpu: string; memory: string }[],
  podReq: { cpu?: string; memory?: string },
  existing: { node: string; cpu?: string; memory?: string }[] = [],
) {
  const cluster = makeCluster(nodes);
  for (const e of existing) boundPod(cluster, e.node, { cpu: e.cpu, memory: e.memory });
  const plugin = nodeResourcesFit(args, { cluster, rng: new RngStreams(1).get('t') });
  const p = pod(cluster, podReq);
  const state = new CycleState();
  return cluster.nodes.map((n) => plugin.score!(state, p, n));
}

/** The nodes' indices, as the scheduler passes the feasible nodes to PreScore. */
const indices = (nodes: readonly { index: number }[]) => Int32Array.from(nodes, (x) => x.index);

describe('NodeResourcesFit scoring', () => {
  const nodes = [
    { name: 'node1', cpu: '4000m', memory: '10000' },
    { name: 'node2', cpu: '6000m', memory: '10000' },
  ];
  it('LeastAllocated: differently sized nodes (upstream case)', () => {
    // node1: cpu (4000-3000)*100/4000 = 25, memory (10000-5000)*100/10000 = 50 -> 37; node2: 50, 50 -> 50
    expect(fitScores({ type: 'LeastAllocated', resources: cpuMem, shape: [] }, nodes, { cpu: '3000m', memory: '5000' })).toEqual([37, 50]);
  });
  it('MostAllocated: differently sized nodes', () => {
    // node1: 75 and 50 -> 62; node2: 50 and 50 -> 50
    expect(fitScores({ type: 'MostAllocated', resources: cpuMem, shape: [] }, nodes, { cpu: '3000m', memory: '5000' })).toEqual([62, 50]);
  });
  it('LeastAllocated counts existing pods and uses non-zero defaults for a pod without requests', () => {
    // A best-effort pod counts as 100m and 200Mi for scoring. node (4 CPU, 1000Mi) with 1 CPU used:
    // cpu (4000-1000-100)*100/4000 = 72, memory (1000Mi-200Mi-200Mi)*100/1000Mi = 60 -> 66
    const s = fitScores({ type: 'LeastAllocated', resources: cpuMem, shape: [] }, [{ name: 'n', cpu: '4', memory: '1000Mi' }], {}, [
      { node: 'n', cpu: '1', memory: '200Mi' },
    ]);
    expect(s).toEqual([66]);
  });
  it('weights resources', () => {
    // cpu 25 (weight 3), memory 50 (weight 1) -> (75 + 50) / 4 = 31
    expect(
      fitScores(
        {
          type: 'LeastAllocated',
          resources: [
            { index: 0, weight: 3 },
            { index: 1, weight: 1 },
          ],
          shape: [],
        },
        nodes.slice(0, 1),
        { cpu: '3000m', memory: '5000' },
      ),
    ).toEqual([31]);
  });
  it('RequestedToCapacityRatio: bin packing shape scales 0..10 to 0..100', () => {
    // utilisation cpu 75% -> 75, memory 50% -> 50 -> round(62.5) = 63
    const shape = [
      { utilization: 0, score: 0 },
      { utilization: 100, score: 10 },
    ];
    expect(
      fitScores({ type: 'RequestedToCapacityRatio', resources: cpuMem, shape }, nodes.slice(0, 1), { cpu: '3000m', memory: '5000' }),
    ).toEqual([63]);
  });
  it('broken linear function interpolates and clamps', () => {
    const shape = [
      { utilization: 10, score: 20 },
      { utilization: 50, score: 100 },
    ];
    expect(brokenLinear(shape, 0)).toBe(20);
    expect(brokenLinear(shape, 30)).toBe(60);
    expect(brokenLinear(shape, 90)).toBe(100);
  });
});

describe('NodeResourcesFit filter', () => {
  it('reports the first insufficient resource, and too many pods', () => {
    const cluster = makeCluster([
      { name: 'a', cpu: '1', memory: '1Gi', pods: 1 },
      { name: 'b', cpu: '4', memory: '1Gi' },
      { name: 'c', cpu: '4', memory: '8Gi' },
    ]);
    const plugin = nodeResourcesFit({ type: 'LeastAllocated', resources: cpuMem, shape: [] }, { cluster, rng: new RngStreams(1).get('t') });
    boundPod(cluster, 'a', {});
    const p = pod(cluster, { cpu: '2', memory: '2Gi' });
    const st = new CycleState();
    // Node a: full (1 pod of 1), and 2 CPU exceed its whole allocatable: unresolvable by preemption.
    const a = plugin.filter!(st, p, cluster.nodeByName.get('a')!)!;
    expect(a.reasons).toEqual(['Too many pods', 'Insufficient cpu', 'Insufficient memory']);
    expect(a.code).toBe(2);
    const b = plugin.filter!(st, p, cluster.nodeByName.get('b')!)!;
    expect(b.reasons).toEqual(['Insufficient memory']);
    expect(b.code).toBe(2);
    expect(plugin.filter!(st, p, cluster.nodeByName.get('c')!)).toBeNull();
    boundPod(cluster, 'c', { cpu: '3' });
    const c = plugin.filter!(st, p, cluster.nodeByName.get('c')!)!;
    expect(c.reasons).toEqual(['Insufficient cpu']);
    expect(c.code).toBe(1);
    const tiny = pod(cluster, {});
    expect(plugin.filter!(st, tiny, cluster.nodeByName.get('a')!)?.reason).toBe('Too many pods');
  });
  it('rejects an extended resource the node does not offer', () => {
    const cluster = makeCluster(
      [
        { name: 'cpu-only', cpu: '8' },
        { name: 'gpu', cpu: '8', extended: { 'nvidia.com/gpu': '1' } },
      ],
      ['nvidia.com/gpu'],
    );
    const plugin = nodeResourcesFit({ type: 'LeastAllocated', resources: cpuMem, shape: [] }, { cluster, rng: new RngStreams(1).get('t') });
    const p = pod(cluster, { cpu: '1', extended: { 'nvidia.com/gpu': '1' } });
    const st = new CycleState();
    expect(plugin.filter!(st, p, cluster.nodes[0]!)?.reason).toBe('Insufficient nvidia.com/gpu');
    expect(plugin.filter!(st, p, cluster.nodes[0]!)?.code).toBe(2);
    expect(plugin.filter!(st, p, cluster.nodes[1]!)).toBeNull();
  });
});

describe('NodeResourcesBalancedAllocation', () => {
  const sized = () =>
    makeCluster([
      { name: 'node1', cpu: '4000m', memory: '10000' },
      { name: 'node2', cpu: '6000m', memory: '10000' },
    ]);
  it('v1.35 and earlier: differently sized nodes (upstream case)', () => {
    // node1: fractions 0.75 and 0.5 -> std 0.125 -> 87; node2: 0.5 and 0.5 -> 100
    const cluster = sized();
    const plugin = balancedAllocation({ resources: cpuMem, legacy: true });
    const p = pod(cluster, { cpu: '3000m', memory: '5000' });
    expect(cluster.nodes.map((n) => plugin.score!(new CycleState(), p, n))).toEqual([87, 100]);
  });
  it('v1.36: scores the change in balance the pod makes', () => {
    // Empty nodes score 100 without the pod. node1: 50 + (50 + 87 - 100)/2 = 50 + 18 = 68 (37/2 truncated);
    // node2: 50 + (50 + 100 - 100)/2 = 75.
    const cluster = sized();
    const plugin = balancedAllocation({ resources: cpuMem });
    const p = pod(cluster, { cpu: '3000m', memory: '5000' });
    expect(cluster.nodes.map((n) => plugin.score!(new CycleState(), p, n))).toEqual([68, 75]);
  });
  it('leaves out an extended resource the pod does not request (resource_allocation.go), and counts one it does', () => {
    // 4 CPU, 16Gi, 8 GPUs; a 2 CPU / 2Gi pod: fractions 0.5 and 0.125 (the GPU is skipped) -> std 0.1875
    // -> 81 with the pod, 100 without -> 50 + (50 + 81 - 100)/2 = 65. Counting the GPU as a fraction of 0
    // would give 64. A pod asking for 4 GPUs: 0.5, 0.125, 0.5 -> std 0.177 -> 82 -> 50 + 32/2 = 66.
    const cluster = makeCluster([{ name: 'g', cpu: '4', memory: '16Gi', extended: { 'nvidia.com/gpu': '8' } }], ['nvidia.com/gpu']);
    const gpu = cluster.resources.indexOf('nvidia.com/gpu')!;
    const resources = [...cpuMem, { index: gpu, weight: 1 }];
    const node = cluster.nodes[0]!;
    const plugin = balancedAllocation({ resources }, { cluster, rng: new RngStreams(1).get('t') });
    expect(plugin.score!(new CycleState(), pod(cluster, { cpu: '2', memory: '2Gi' }), node)).toBe(65);
    expect(plugin.score!(new CycleState(), pod(cluster, { cpu: '2', memory: '2Gi', extended: { 'nvidia.com/gpu': '4' } }), node)).toBe(66);
    // Two resources, one of them the GPU: the pod without GPUs has one fraction left (std 0): 100 -> 75.
    const two = balancedAllocation({ resources: [cpuMem[0]!, { index: gpu, weight: 1 }] }, { cluster, rng: new RngStreams(1).get('t') });
    const out = new Float64Array(1);
    const p = pod(cluster, { cpu: '2', memory: '2Gi' });
    two.scoreAll!(new CycleState(), p, [node], 1, out, Int32Array.of(node.index));
    expect([two.score!(new CycleState(), p, node), out[0]]).toEqual([75, 75]);
  });
  it('v1.36: a pod that rebalances an unbalanced node scores above 75', () => {
    // node (4000m, 10000) holds a pod of 0 cpu and 5000 memory: fractions 0 and 0.5 -> 75 without the pod.
    // The new pod (2000m, 0): fractions 0.5 and 0.5 -> 100 with it. 50 + (50 + 100 - 75)/2 = 87.
    const cluster = makeCluster([{ name: 'n', cpu: '4000m', memory: '10000' }]);
    boundPod(cluster, 'n', { memory: '5000' });
    const plugin = balancedAllocation({ resources: cpuMem });
    expect(plugin.score!(new CycleState(), pod(cluster, { cpu: '2000m' }), cluster.nodes[0]!)).toBe(87);
  });
  it('skips best-effort pods', () => {
    const cluster = sized();
    const plugin = balancedAllocation({ resources: cpuMem });
    expect(plugin.preScore!(new CycleState(), pod(cluster, {}), indices(cluster.nodes), cluster.nodes.length)?.code).toBe(3);
  });
  it('uses half the difference for two resources and the population standard deviation beyond two resources', () => {
    expect(balancedScore([1, 0.5])).toBe(75);
    // mean 0.5, deviations 0.5, 0, 0.5 -> variance 1/6 -> std 0.408 -> 59
    expect(balancedScore([1, 0.5, 0])).toBe(59);
  });
});

describe('DefaultNormalizeScore', () => {
  it('scales to the maximum, and reverses', () => {
    const s = Float64Array.from([0, 2, 4]);
    defaultNormalizeScore(100, false, s, 3);
    expect([...s]).toEqual([0, 50, 100]);
    const r = Float64Array.from([0, 1, 4]);
    defaultNormalizeScore(100, true, r, 3);
    expect([...r]).toEqual([100, 75, 0]);
    const z = Float64Array.from([0, 0]);
    defaultNormalizeScore(100, true, z, 2);
    expect([...z]).toEqual([100, 100]);
  });
});

describe('ImageLocality', () => {
  it('clamps to the thresholds and scales to 0..100', () => {
    expect(imageLocalityScore(0, 1)).toBe(0);
    expect(imageLocalityScore(MAX_CONTAINER_THRESHOLD * 2, 1)).toBe(100);
    // half way between the thresholds
    expect(imageLocalityScore((MIN_THRESHOLD + MAX_CONTAINER_THRESHOLD) / 2, 1)).toBe(50);
  });

  it("scales by the share of the cluster's nodes holding the image; a removed node leaves both counts (cache.go removeNodeImageStates)", () => {
    const MB = 1024 * 1024;
    const image = { name: 'shop/app:v1', sizeBytes: 500 * MB };
    const cluster = makeCluster(['a', 'b', 'c', 'd'].map((name) => ({ name, cpu: '4', memory: '8Gi' })));
    for (const n of ['a', 'b']) cluster.startPod(boundPod(cluster, n, { cpu: '100m', images: [image] }));
    const plugin = imageLocality({}, { cluster, rng: new RngStreams(1).get('t') });
    const scores = () => {
      const p = pod(cluster, { cpu: '100m', images: [image] });
      const state = new CycleState();
      expect(plugin.preScore!(state, p, indices(cluster.nodes), cluster.nodes.length)).toBeNull();
      return cluster.nodes.filter((n) => n.removedAt < 0).map((n) => plugin.score!(state, p, n));
    };
    // 2 of 4 nodes: trunc(500 MB x 0.5) = 250 MB; (250 - 23) x 100 / (1000 - 23) = 23.2.
    expect(scores()).toEqual([23, 23, 0, 0]);
    cluster.removeNode(cluster.nodeByName.get('b')!);
    // 1 of the 3 nodes left: trunc(500 MB / 3) = 174,762,666 bytes; (that - 23 MB) x 100 / 977 MB = 14.7.
    expect(scores()).toEqual([14, 0, 0]);
  });

  it('skips a pod whose images score 0 even on a node holding them all (the sum below the thresholds)', () => {
    const MB = 1024 * 1024;
    const cluster = makeCluster(['a', 'b', 'c', 'd'].map((name) => ({ name, cpu: '4', memory: '8Gi' })));
    const small = { name: 'shop/small:v1', sizeBytes: 100 * MB };
    const big = { name: 'shop/big:v1', sizeBytes: 200 * MB };
    cluster.startPod(boundPod(cluster, 'a', { cpu: '100m', images: [small, big] }));
    const plugin = imageLocality({}, { cluster, rng: new RngStreams(1).get('t') });
    const run = (images: (typeof small)[]) => {
      const p = pod(cluster, { cpu: '100m', images });
      const state = new CycleState();
      const st = plugin.preScore!(state, p, indices(cluster.nodes), cluster.nodes.length);
      return { skipped: st?.code === Code.Skip, scores: cluster.nodes.map((n) => plugin.score!(state, p, n)) };
    };
    // 100 MB on 1 of 4 nodes: trunc(100 MB / 4) = 25 MB; (25 - 23) x 100 / 977 = 0.2, so 0 on every node: skipped.
    expect(run([small])).toEqual({ skipped: true, scores: [0, 0, 0, 0] });
    // 200 MB on 1 of 4: 50 MB; (50 - 23) x 100 / 977 = 2.8: 2 on the node holding it, not skipped.
    expect(run([big])).toEqual({ skipped: false, scores: [2, 0, 0, 0] });
    // Both (two containers): 75 MB against 23 MB .. 2,000 MB: (75 - 23) x 100 / 1,977 = 2.6: 2, not skipped.
    expect(run([small, big])).toEqual({ skipped: false, scores: [2, 0, 0, 0] });
  });
});
