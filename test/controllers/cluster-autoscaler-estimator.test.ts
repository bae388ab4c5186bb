// The binpacking estimator (cluster-autoscaler 1.36 estimator/binpacking_estimator.go, decreasing_pod_orderer.go),
// in the shape of binpacking_estimator_test.go TestBinpackingEstimate: equivalence groups of pods of one size, a
// template node, an optional node limit, and the node and pod counts expected; worked out by hand. The snapshot
// here checks resources only (cpu, memory, pod slots), as the resource-based upstream cases do.
import { describe, expect, it } from 'vitest';
import {
  binpackingEstimate,
  calculatePodScore,
  decreasingPodOrder,
  estimationNodeLimit,
  type EstimationSnapshot,
} from '../../src/controllers/cluster-autoscaler/estimator.js';

const MB = 1024 * 1024;

interface P {
  cpu: number;
  mem: number;
}
interface N {
  cpu: number;
  mem: number;
  pods: number;
}

function snapshot(template: N): EstimationSnapshot<P, N> & { nodes: N[] } {
  const nodes: N[] = [];
  const fits = (p: P, n: N) => n.cpu >= p.cpu && n.mem >= p.mem && n.pods >= 1;
  return {
    nodes,
    fits,
    fitsAny: (p, list) => list.findIndex((n) => fits(p, n)),
    addNode: () => {
      const n = { ...template };
      nodes.push(n);
      return n;
    },
    addPod: (p, n) => {
      n.cpu -= p.cpu;
      n.mem -= p.mem;
      n.pods -= 1;
    },
  };
}

const pods = (count: number, cpu: number, mem: number): P[] => Array.from({ length: count }, () => ({ cpu, mem }));

const cases: { name: string; groups: P[][]; template: N; maxNodes?: number; nodes: number; placed: number }[] = [
  // 350m each: 2 per 1000m node by cpu; 1000MB each: 2 per 2000MB node. 10 pods -> 5 nodes.
  {
    name: 'simple resource-based binpacking',
    groups: [pods(10, 350, 1000 * MB)],
    template: { cpu: 1000, mem: 2000 * MB, pods: 110 },
    nodes: 5,
    placed: 10,
  },
  // 10 pods of 350m, 100MB on nodes that take 3 pods by cpu but only 2 by pod slots -> 5 nodes.
  {
    name: 'pods-per-node bound binpacking',
    groups: [pods(10, 350, 100 * MB)],
    template: { cpu: 1000, mem: 2000 * MB, pods: 2 },
    nodes: 5,
    placed: 10,
  },
  // As the first, limited to 3 nodes: 6 pods placed.
  {
    name: 'node limit reached',
    groups: [pods(10, 350, 1000 * MB)],
    template: { cpu: 1000, mem: 2000 * MB, pods: 110 },
    maxNodes: 3,
    nodes: 3,
    placed: 6,
  },
  // A pod larger than the template fits no fresh node: the first fresh node stays empty, the group is given up
  // and the node is not counted.
  {
    name: 'pods that fit no fresh node',
    groups: [pods(2, 1500, 100 * MB)],
    template: { cpu: 1000, mem: 2000 * MB, pods: 110 },
    nodes: 0,
    placed: 0,
  },
  // Groups in the given (decreasing) order: 2 pods of 600m take a node each; the 4 of 300m go first into the room
  // left on those (400m each: one each), then 2 share a fresh node -> 3 nodes.
  {
    name: 'smaller pods fill the room the larger left',
    groups: [pods(2, 600, 100 * MB), pods(4, 300, 100 * MB)],
    template: { cpu: 1000, mem: 2000 * MB, pods: 110 },
    nodes: 3,
    placed: 6,
  },
];

describe('binpacking_estimator_test.go TestBinpackingEstimate (resource cases)', () => {
  it.each(cases)('$name', (c) => {
    const snap = snapshot(c.template);
    const r = binpackingEstimate(
      c.groups.map((g) => ({ pods: g })),
      snap,
      c.maxNodes ?? Infinity,
    );
    expect(r.nodeCount).toBe(c.nodes);
    expect(r.scheduled).toHaveLength(c.placed);
  });
});

describe('decreasing_pod_orderer.go', () => {
  it('scores cpu over allocatable cpu plus memory over allocatable memory', () => {
    expect(calculatePodScore({ cpu: 500, memory: 1024 }, { cpu: 1000, memory: 4096 })).toBeCloseTo(0.75, 12);
    // A template without memory adds nothing for it.
    expect(calculatePodScore({ cpu: 500, memory: 1024 }, { cpu: 1000 })).toBe(0.5);
  });
  it('orders groups by decreasing score, equal scores in input order', () => {
    expect(decreasingPodOrder(['a', 'b', 'c', 'd'], (g) => ({ a: 1, b: 3, c: 1, d: 2 })[g]!)).toEqual(['b', 'd', 'a', 'c']);
  });
});

describe('threshold_based_limiter.go', () => {
  it('the smallest positive limit, none for 0', () => {
    expect(estimationNodeLimit(1000, 3, 0)).toBe(3);
    expect(estimationNodeLimit(0, 0)).toBe(Infinity);
    expect(estimationNodeLimit(1000, 7, 5)).toBe(5);
  });
});
