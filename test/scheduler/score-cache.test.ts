// NodeResourcesFit's and NodeResourcesBalancedAllocation's scores by pod shape (their shapeScorer), summed by the
// scheduler and kept per shape and node (ShapeScoreCache, ShapeScoring) while the node's generation stays: whatever
// the cluster does between cycles, what the sum adds must be exactly the weighted per-node scores.
import { describe, expect, it } from 'vitest';
import { RngStreams, type Rng } from '../../src/engine/rng.js';
import type { ClusterState } from '../../src/model/cluster-state.js';
import type { Pod } from '../../src/model/pod.js';
import { CycleState, type Plugin } from '../../src/scheduler/framework.js';
import { nodeResourcesFit, type FitArgs } from '../../src/scheduler/plugins/node-resources-fit.js';
import { balancedAllocation } from '../../src/scheduler/plugins/balanced-allocation.js';
import { ShapeScoreCache, ShapeScoring } from '../../src/scheduler/score-cache.js';
import { addNode, makeCluster, pod } from '../helpers/builders.js';

describe('ShapeScoreCache', () => {
  it('keeps the sums of a shape until it makes way for a new one', () => {
    const cache = new ShapeScoreCache();
    const a = cache.of('100,200', 10);
    a.cells[2 * 3] = 7;
    a.cells[2 * 3 + 1] = 42;
    expect(cache.of('100,200', 10)).toBe(a);
    expect(a.cells[2 * 3]).toBe(7);
    // A new shape starts with no sums.
    const b = cache.of('100,300', 10);
    expect(b).not.toBe(a);
    expect([...b.cells]).toEqual(new Array(20).fill(0));
  });

  it('reuses the least recently used shape once full, with its sums forgotten', () => {
    const cache = new ShapeScoreCache();
    const first = cache.of('0', 8);
    first.cells[0] = 5;
    const kept = [first];
    for (let i = 1; ; i++) {
      const s = cache.of(String(i), 8);
      if (kept.includes(s)) {
        // The first shape, least recently used, made way.
        expect(s).toBe(first);
        expect(s.cells[0]).toBe(0);
        break;
      }
      kept.push(s);
      expect(i).toBeLessThan(5000);
    }
  });

  it('keeps a shape from its second sighting: a shape seen once is scored without evicting any', () => {
    const cache = new ShapeScoreCache();
    expect(cache.ofRepeated('7,7', 8)).toBeNull();
    const kept = cache.ofRepeated('7,7', 8);
    expect(kept).not.toBeNull();
    expect(cache.ofRepeated('7,7', 8)).toBe(kept);
    // Sums of a shape seen once are computed for every node, and nothing is kept for them.
    const totals = new Float64Array(3);
    const index = Int32Array.from([0, 1, 2]);
    let calls = 0;
    const sumOf = (i: number) => (calls++, 20 * (i + 1));
    cache.addScores('9,9', new Uint32Array(3), 3, totals, index, sumOf);
    expect([...totals]).toEqual([20, 40, 60]);
    cache.addScores('9,9', new Uint32Array(3), 3, totals, index, sumOf);
    cache.addScores('9,9', new Uint32Array(3), 3, totals, index, sumOf);
    // The second sighting kept the sums; the third read them back.
    expect(calls).toBe(6);
    expect([...totals]).toEqual([60, 120, 180]);
  });

  it('computes again a sum whose node changed generation', () => {
    const cache = new ShapeScoreCache();
    const generation = new Uint32Array(2);
    const index = Int32Array.from([0, 1]);
    let value = 5;
    const totals = new Float64Array(2);
    for (let r = 0; r < 3; r++) cache.addScores('s', generation, 2, totals.fill(0), index, () => value);
    value = 9;
    generation[1]!++;
    cache.addScores('s', generation, 2, totals.fill(0), index, () => value);
    // Node 0 kept its sum (5); node 1 changed and was scored again (9).
    expect([...totals]).toEqual([5, 9]);
  });

  it("adds a plugin's keyed scores in the same pass: for a shape seen once, a kept shape, and no shape at all", () => {
    const index = Int32Array.from([0, 1, 2]);
    const keyed = { keys: Uint8Array.from([2, 0, 2]), added: Float64Array.from([100, 7, 40]) };
    const sumOf = (i: number) => 10 * (i + 1);
    // The keyed scores and the sums added; the highest is node 1's (5 + 100 + 20).
    const want = [5 + 40 + 10, 5 + 100 + 20, 5 + 40 + 30];
    const cache = new ShapeScoreCache();
    for (let sighting = 1; sighting <= 3; sighting++) {
      const totals = new Float64Array(3).fill(5);
      const tied = new Int32Array(3);
      expect(cache.addScores('k', new Uint32Array(3), 3, totals, index, sumOf, tied, keyed), `sighting ${sighting}`).toBe(1);
      expect([...totals], `sighting ${sighting}`).toEqual(want);
      expect(tied[0]).toBe(1);
    }
    const none = new ShapeScoring();
    none.begin();
    const totals = new Float64Array(3).fill(5);
    const tied = new Int32Array(3);
    expect(none.addTo(new Uint32Array(3), 3, totals, index, tied, keyed)).toBe(1);
    expect([...totals]).toEqual([45, 105, 45]);
    expect([...tied.subarray(0, 1)]).toEqual([1]);
  });

  it('starts over when there are more nodes than it holds', () => {
    const cache = new ShapeScoreCache();
    const a = cache.of('1,1', 4);
    a.cells[2] = 3;
    const b = cache.of('1,1', 9);
    expect(b.cells.length).toBeGreaterThanOrEqual(2 * 9);
    expect([...b.cells]).toEqual(new Array(b.cells.length).fill(0));
  });
});

const SHAPES: [string | undefined, string | undefined][] = [
  ['100m', '128Mi'],
  ['250m', '512Mi'],
  ['1', '1Gi'],
  [undefined, undefined],
  ['500m', undefined],
];

function randomPod(cluster: ClusterState, rng: Rng): Pod {
  const [cpu, memory] = SHAPES[rng.int(SHAPES.length)]!;
  return pod(cluster, { cpu, memory });
}

/**
 * The shape scorers of a random choice of the plugins that answer for the pod, summed onto random totals over a
 * random subset of nodes through one ShapeScoring (as the scheduler does), against the weighted per-node scores;
 * each plugin alone through its own ShapeScoring too.
 */
function compare(cluster: ClusterState, plugins: Plugin[], together: ShapeScoring, alone: ShapeScoring[], p: Pod, rng: Rng): void {
  const state = new CycleState();
  const nodes = cluster.nodes.filter(() => rng.int(3) > 0);
  const n = nodes.length;
  const index = Int32Array.from(nodes, (x) => x.index);
  const base = Float64Array.from(nodes, () => rng.int(500));
  const want = base.slice();
  together.begin();
  plugins.forEach((plugin, at) => {
    if (plugin.preScore && plugin.preScore(state, p, index, n) !== null) return;
    const scorer = plugin.shapeScorer!(state, p);
    expect(scorer, plugin.name).not.toBeNull();
    const weight = 1 + (at % 3);
    // A random choice of the plugins go together (one, two or three scorers of a cycle), each weighted.
    const chosen = rng.int(3) > 0;
    if (chosen) together.add(at, scorer!, weight);
    const one = alone[at]!;
    one.begin();
    one.add(0, scorer!, weight);
    const totals = base.slice();
    one.addTo(cluster.columns.generation, n, totals, index);
    const own = nodes.map((x, i) => base[i]! + plugin.score!(state, p, x) * weight);
    expect([...totals], plugin.name).toEqual(own);
    if (chosen) nodes.forEach((x, i) => (want[i]! += plugin.score!(state, p, x) * weight));
  });
  const totals = base.slice();
  together.addTo(cluster.columns.generation, n, totals, index);
  expect([...totals]).toEqual([...want]);
  if (n === 0) return;
  // Again with the positions of the highest total asked for (the scheduler's selectHost pass): the same totals,
  // and every position holding the highest, in order.
  const again = base.slice();
  const tied = new Int32Array(n);
  const ties = together.addTo(cluster.columns.generation, n, again, index, tied);
  expect([...again]).toEqual([...want]);
  const top = Math.max(...want);
  expect([...tied.subarray(0, ties)]).toEqual([...want.keys()].filter((i) => want[i] === top));
}

describe('ShapeScoring.addTo with the positions of the highest total', () => {
  it('finds every tie in order, with scorers and without any', () => {
    const none = new ShapeScoring();
    none.begin();
    const totals = Float64Array.from([3, 9, 1, 9, 9, 2]);
    const tied = new Int32Array(6);
    const ties = none.addTo(new Uint32Array(6), 6, totals, Int32Array.from([0, 1, 2, 3, 4, 5]), tied);
    expect([...tied.subarray(0, ties)]).toEqual([1, 3, 4]);
    // Nothing added when no scorer answered.
    expect([...totals]).toEqual([3, 9, 1, 9, 9, 2]);
  });
});

const cpuMem = [
  { index: 0, weight: 1 },
  { index: 1, weight: 1 },
];

describe('the shape scorers with the kept sums agree with the per-node scores', () => {
  const fitArgs: FitArgs[] = [
    { type: 'LeastAllocated', resources: cpuMem, shape: [] },
    {
      type: 'LeastAllocated',
      resources: [
        { index: 0, weight: 3 },
        { index: 1, weight: 1 },
      ],
      shape: [],
    },
    { type: 'MostAllocated', resources: cpuMem, shape: [] },
  ];
  for (const args of fitArgs) {
    it(`NodeResourcesFit ${args.type} ${args.resources.map((r) => r.weight).join(':')} and BalancedAllocation, through binds, deletions and new nodes`, () => {
      const rng = new RngStreams(5).get('score-cache');
      const cluster = makeCluster([]);
      const addSome = (k: number) => {
        for (let i = 0; i < k; i++) {
          const at = cluster.nodes.length;
          addNode(cluster, { name: `n${at}`, cpu: `${(1 + rng.int(8)) * 1000}m`, memory: `${1 + rng.int(32)}Gi`, pods: 20 });
        }
      };
      addSome(30);
      const handle = { cluster, rng };
      const plugins = [
        nodeResourcesFit(args, handle),
        balancedAllocation({ resources: cpuMem }, handle),
        balancedAllocation({ resources: cpuMem, legacy: true }, handle),
      ];
      const together = new ShapeScoring();
      const alone = plugins.map(() => new ShapeScoring());
      for (let step = 0; step < 400; step++) {
        const p = randomPod(cluster, rng);
        compare(cluster, plugins, together, alone, p, rng);
        const fit = cluster.nodes.filter((x) => plugins[0]!.filter!(new CycleState(), p, x) === null);
        if (fit.length > 0) cluster.bindPod(p, fit[rng.int(fit.length)]!);
        if (step % 5 === 4) {
          const bound = [...cluster.livePods.values()].filter((x) => x.node);
          if (bound.length > 0) cluster.deletePod(bound[rng.int(bound.length)]!, 'Deleted');
        }
        // The node columns grow now and then (the caches start over).
        if (step % 97 === 96) addSome(40);
      }
    });
  }
});
