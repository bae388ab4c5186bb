// The batch forms of Filter and Score (filterBatch, scoreAll) are shortcuts for speed: on any cluster they
// must give exactly what the per-node forms give. This drives a varied cluster through many binds, and after
// each bind compares both forms for every plugin of several profiles, including the per-node caches
// (NodeResourcesBalancedAllocation keeps each node's score without the pod until the node changes).
import { describe, expect, it } from 'vitest';
import { RngStreams, type Rng } from '../../src/engine/rng.js';
import type { ClusterState } from '../../src/model/cluster-state.js';
import type { Pod } from '../../src/model/pod.js';
import { makeSelector } from '../../src/model/selectors.js';
import { CycleState, type Plugin, type Status } from '../../src/scheduler/framework.js';
import { buildProfile, BUILTIN_PROFILES } from '../../src/scheduler/profiles.js';
import { systemDefaultConstraints } from '../../src/scheduler/plugins/pod-topology-spread.js';
import { nodeResourcesFit, type FitArgs } from '../../src/scheduler/plugins/node-resources-fit.js';
import { balancedAllocation } from '../../src/scheduler/plugins/balanced-allocation.js';
import { translateArgs } from '../../src/scenario/profiles.js';
import { addNode, makeCluster, pod } from '../helpers/builders.js';

const ZONES = ['a', 'b', 'c'];

function variedCluster(rng: Rng, nodes: number): ClusterState {
  const cluster = makeCluster([]);
  for (let i = 0; i < nodes; i++) {
    addNode(cluster, {
      name: `n${i}`,
      // Sizes from 1 to 16 CPU and 1 to 64 GiB, a few nodes nearly without pod slots.
      cpu: `${(1 + rng.int(16)) * 1000}m`,
      memory: `${1 + rng.int(64)}Gi`,
      pods: rng.int(10) === 0 ? 2 : 110,
      labels: { 'topology.kubernetes.io/zone': `zone-${ZONES[i % 3]}` },
    });
  }
  return cluster;
}

function randomPod(cluster: ClusterState, rng: Rng): Pod {
  const app = `app-${rng.int(4)}`;
  const bestEffort = rng.int(8) === 0;
  return pod(cluster, {
    cpu: bestEffort ? undefined : `${50 * (1 + rng.int(40))}m`,
    memory: bestEffort ? undefined : `${64 * (1 + rng.int(64))}Mi`,
    labels: { app },
    topologySpread: systemDefaultConstraints(makeSelector([{ key: 'app', operator: 'In', values: [app] }])),
    topologySpreadDefaulted: true,
  });
}

/** Both forms of every filter and scorer of the plugins on all nodes; fails the test on any difference. */
function compare(cluster: ClusterState, plugins: Plugin[], p: Pod): number {
  const nodes = cluster.nodes;
  const n = nodes.length;
  const index = Int32Array.from(nodes, (x) => x.index);
  let checked = 0;
  const state = new CycleState();
  for (const plugin of plugins) {
    if (plugin.preFilter && plugin.preFilter(state, p) !== null) continue;
    if (plugin.filter && plugin.filterBatch) {
      const one = nodes.map((x) => plugin.filter!(state, p, x));
      const cand = index.slice();
      const status: (Status | null)[] = new Array(n).fill(null);
      const passed = plugin.filterBatch(state, p, nodes, cand, n, status);
      expect([...cand.slice(0, passed)], `${plugin.name} filterBatch`).toEqual([...index].filter((_, i) => one[i] === null));
      for (let i = 0; i < n; i++) if (one[i] !== null) expect(status[i], `${plugin.name} filterBatch status`).toBe(one[i]);
      checked++;
    }
  }
  for (const plugin of plugins) {
    if (!plugin.scoreAll) continue;
    if (plugin.preScore && plugin.preScore(state, p, index, n) !== null) continue;
    const one = nodes.map((x) => plugin.score!(state, p, x));
    const out = new Float64Array(n);
    plugin.scoreAll(state, p, nodes, n, out, index);
    expect([...out], `${plugin.name} scoreAll`).toEqual(one);
    checked++;
  }
  return checked;
}

function exercise(plugins: (cluster: ClusterState, rng: Rng) => Plugin[], seed: number): number {
  const rng = new RngStreams(seed).get('batch-paths');
  const cluster = variedCluster(rng, 40);
  const list = plugins(cluster, rng);
  let checked = 0;
  for (let step = 0; step < 150; step++) {
    const p = randomPod(cluster, rng);
    checked += compare(cluster, list, p);
    // Bind to a random node that fits, so the next comparison sees changed nodes (and stale caches, if any).
    const fit = cluster.nodes.filter((x) => list[0]!.filter!(new CycleState(), p, x) === null);
    if (fit.length > 0) cluster.bindPod(p, fit[rng.int(fit.length)]!);
    // Now and then a pod leaves, so requested resources also go down.
    if (step % 7 === 6) {
      const bound = [...cluster.livePods.values()].filter((x) => x.node);
      if (bound.length > 0) cluster.deletePod(bound[rng.int(bound.length)]!, 'Deleted');
    }
  }
  return checked;
}

const cpuMem = [
  { index: 0, weight: 1 },
  { index: 1, weight: 1 },
];

describe('batch forms of Filter and Score agree with the per-node forms', () => {
  const fitArgs: [string, FitArgs][] = [
    ['LeastAllocated, equal weights', { type: 'LeastAllocated', resources: cpuMem, shape: [] }],
    [
      'LeastAllocated, weights 3:1',
      {
        type: 'LeastAllocated',
        resources: [
          { index: 0, weight: 3 },
          { index: 1, weight: 1 },
        ],
        shape: [],
      },
    ],
    ['MostAllocated', { type: 'MostAllocated', resources: cpuMem, shape: [] }],
    [
      'RequestedToCapacityRatio',
      {
        type: 'RequestedToCapacityRatio',
        resources: cpuMem,
        shape: [
          { utilization: 0, score: 0 },
          { utilization: 100, score: 10 },
        ],
      },
    ],
  ];
  for (const [name, args] of fitArgs) {
    it(`NodeResourcesFit ${name} and NodeResourcesBalancedAllocation (v1.36 and legacy)`, () => {
      const checked = exercise((cluster, rng) => {
        const handle = { cluster, rng };
        return [
          nodeResourcesFit(args, handle),
          balancedAllocation({ resources: cpuMem }, handle),
          balancedAllocation({ resources: cpuMem, legacy: true }, handle),
        ];
      }, 11);
      expect(checked).toBeGreaterThan(300);
    });
  }

  for (const profile of ['default', 'most-allocated']) {
    it(`every plugin of the ${profile} profile, pods with the system default spreading`, () => {
      const checked = exercise((cluster, rng) => {
        const handle = { cluster, rng };
        const built = buildProfile(BUILTIN_PROFILES[profile]!(), handle, translateArgs(cluster.resources, null, []));
        // NodeResourcesFit first: exercise() uses it to pick nodes that fit.
        const fit = built.filters.find((x) => x.name === 'NodeResourcesFit')!;
        return [
          fit,
          ...built.filters.filter((x) => x !== fit),
          ...built.scorers.map((s) => s.plugin).filter((x) => !built.filters.includes(x)),
        ];
      }, 12);
      expect(checked).toBeGreaterThan(300);
    });
  }
});
