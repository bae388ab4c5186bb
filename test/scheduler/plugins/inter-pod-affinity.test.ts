// InterPodAffinity, shaped like upstream's filtering_test.go and scoring_test.go (v1.36). Expected scores are
// worked by hand from scoring.go: per domain, the sum of matching weights (negative for anti-affinity), then
// 100 * (s - min) / (max - min) truncated. Rows marked "upstream" reproduce a row of upstream's table.
import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../../src/engine/rng.js';
import type { ClusterState } from '../../../src/model/cluster-state.js';
import type { Node } from '../../../src/model/node.js';
import type { Pod, PodAffinityTerm } from '../../../src/model/pod.js';
import { makeSelector, type LabelSelector, type Requirement } from '../../../src/model/selectors.js';
import { Code, CycleState, type Plugin } from '../../../src/scheduler/framework.js';
import { interPodAffinity, type InterPodAffinityArgs } from '../../../src/scheduler/plugins/inter-pod-affinity.js';
import { boundPod, makeCluster, pod, type PodDesc } from '../../helpers/builders.js';
import { runScore } from '../../helpers/scoring.js';

const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';
const is = (key: string, ...values: string[]) => makeSelector([{ key, operator: 'In', values }]);
const sel = (...reqs: Requirement[]) => makeSelector(reqs);
const term = (selector: LabelSelector, topologyKey: string, weight = 0, namespaces: string[] = []): PodAffinityTerm => ({
  selector,
  namespaces,
  topologyKey,
  weight,
});

interface Case {
  name: string;
  pod: PodDesc;
  nodes: [string, Record<string, string>][];
  existing?: [string, PodDesc][];
  args?: InterPodAffinityArgs;
  want: (string | number)[] | 'skip';
}

function setup(tc: Case): { plugin: Plugin; p: Pod; nodes: Node[] } {
  const cluster: ClusterState = makeCluster([]);
  const nodes = tc.nodes.map(([name, labels]) => {
    const alloc = cluster.resources.vector();
    alloc.set([64000, 2 ** 40, 2 ** 40, 1000]);
    return cluster.addNode({
      name,
      pool: 'p',
      zone: '',
      labels: new Map(Object.entries(labels)),
      taints: [],
      allocatable: alloc,
      pricePerHour: 0,
    });
  });
  // Half the existing pods are bound before the plugin exists (initial scan), half after (watch events).
  const existing = tc.existing ?? [];
  const half = Math.floor(existing.length / 2);
  for (const [n, d] of existing.slice(0, half)) boundPod(cluster, n, d);
  const plugin = interPodAffinity(tc.args ?? {}, { cluster, rng: new RngStreams(1).get('s') });
  for (const [n, d] of existing.slice(half)) boundPod(cluster, n, d);
  return { plugin, p: pod(cluster, tc.pod), nodes };
}

const REASONS: Record<string, [Code, string]> = {
  affinity: [Code.UnschedulableAndUnresolvable, "node(s) didn't match pod affinity rules"],
  anti: [Code.Unschedulable, "node(s) didn't match pod anti-affinity rules"],
  existing: [Code.Unschedulable, "node(s) didn't satisfy existing pods anti-affinity rules"],
};

function runFilter(plugin: Plugin, p: Pod, nodes: readonly Node[]): string[] | 'skip' {
  const state = new CycleState();
  if (plugin.preFilter!(state, p)?.code === Code.Skip) return 'skip';
  return nodes.map((n) => {
    const s = plugin.filter!(state, p, n);
    if (!s) return 'ok';
    const hit = Object.entries(REASONS).find(([, [code, reason]]) => s.code === code && s.reason === reason);
    return hit ? hit[0] : `unexpected ${s.code} ${s.reason}`;
  });
}

const zones: [string, Record<string, string>][] = [
  ['node-a', { [ZONE]: 'zone1', [HOST]: 'node-a' }],
  ['node-b', { [ZONE]: 'zone1', [HOST]: 'node-b' }],
  ['node-x', { [ZONE]: 'zone2', [HOST]: 'node-x' }],
  ['node-y', { [ZONE]: 'zone2', [HOST]: 'node-y' }],
];
const web = { app: 'web' };
const db = { app: 'db' };

const filterCases: Case[] = [
  { name: 'no terms anywhere: PreFilter skips', pod: { labels: web }, nodes: zones, existing: [['node-a', { labels: web }]], want: 'skip' },
  {
    name: 'required anti-affinity by hostname',
    pod: { labels: web, podAntiAffinity: [term(is('app', 'web'), HOST)] },
    nodes: zones,
    existing: [
      ['node-a', { labels: web }],
      ['node-x', { labels: db }],
    ],
    want: ['anti', 'ok', 'ok', 'ok'],
  },
  {
    name: 'required anti-affinity by zone',
    pod: { labels: web, podAntiAffinity: [term(is('app', 'web'), ZONE)] },
    nodes: zones,
    existing: [['node-a', { labels: web }]],
    want: ['anti', 'anti', 'ok', 'ok'],
  },
  {
    name: "symmetry: an existing pod's anti-affinity rejects the incoming pod in its zone",
    pod: { labels: web },
    nodes: zones,
    existing: [['node-x', { labels: db, podAntiAffinity: [term(is('app', 'web'), ZONE)] }]],
    want: ['ok', 'ok', 'existing', 'existing'],
  },
  {
    name: "symmetry: an existing pod's term defaults to its own namespace",
    pod: { labels: web },
    nodes: zones,
    existing: [['node-x', { labels: db, namespace: 'other', podAntiAffinity: [term(is('app', 'web'), ZONE)] }]],
    want: 'skip',
  },
  {
    name: 'required affinity: only the zone of a matching pod',
    pod: { labels: web, podAffinity: [term(is('app', 'db'), ZONE)] },
    nodes: zones,
    existing: [['node-y', { labels: db }]],
    want: ['affinity', 'affinity', 'ok', 'ok'],
  },
  {
    name: 'required affinity, no matching pod and the pod does not match itself',
    pod: { labels: web, podAffinity: [term(is('app', 'db'), ZONE)] },
    nodes: zones,
    existing: [['node-y', { labels: web }]],
    want: ['affinity', 'affinity', 'affinity', 'affinity'],
  },
  {
    name: 'self-match: first pod of a group with affinity to itself fits where the topology label exists',
    pod: { labels: db, podAffinity: [term(is('app', 'db'), ZONE)] },
    nodes: [...zones.slice(0, 3), ['node-h', { [HOST]: 'node-h' }]],
    existing: [['node-a', { labels: web }]],
    want: ['ok', 'ok', 'ok', 'affinity'],
  },
  {
    name: 'self-match does not apply once some pod matches',
    pod: { labels: db, podAffinity: [term(is('app', 'db'), ZONE)] },
    nodes: zones,
    existing: [['node-x', { labels: db }]],
    want: ['affinity', 'affinity', 'ok', 'ok'],
  },
  {
    name: 'all required affinity terms must be matched by one pod',
    pod: { labels: web, podAffinity: [term(is('app', 'db'), ZONE), term(is('tier', 'backend'), ZONE)] },
    nodes: zones,
    existing: [
      ['node-x', { labels: db }],
      ['node-x', { labels: { tier: 'backend' } }],
    ],
    want: ['affinity', 'affinity', 'affinity', 'affinity'],
  },
  {
    name: 'anti-affinity term with explicit namespaces',
    pod: { labels: web, podAntiAffinity: [term(is('app', 'web'), HOST, 0, ['other'])] },
    nodes: zones,
    existing: [
      ['node-a', { labels: web }],
      ['node-b', { labels: web, namespace: 'other' }],
    ],
    want: ['ok', 'anti', 'ok', 'ok'],
  },
];

// upstream TestPreferredAffinity's fixtures.
const S1 = { security: 'S1' };
const S2 = { security: 'S2' };
const china = { region: 'China' };
const india = { region: 'India' };
const az1 = { az: 'az1' };
const stayWithS1InRegion = [term(is('security', 'S1'), 'region', 5)];
const stayWithS2InRegion = [term(is('security', 'S2'), 'region', 6)];
const awayFromS1InAz = [term(is('security', 'S1'), 'az', 5)];
const affinity3 = [
  term(sel({ key: 'security', operator: 'NotIn', values: ['S1'] }, { key: 'security', operator: 'In', values: ['S2'] }), 'region', 8),
  term(sel({ key: 'security', operator: 'Exists', values: [] }, { key: 'wrongkey', operator: 'DoesNotExist', values: [] }), 'region', 2),
];
const hardAffinity = [
  term(is('security', 'S1', 'value2'), 'region'),
  term(sel({ key: 'security', operator: 'Exists', values: [] }, { key: 'wrongkey', operator: 'DoesNotExist', values: [] }), 'region'),
];
const s1RegionAwayS2Az = {
  preferredPodAffinity: [term(is('security', 'S1'), 'region', 8)],
  preferredPodAntiAffinity: [term(is('security', 'S2'), 'az', 5)],
};

const scoreCases: Case[] = [
  {
    name: 'upstream: all nodes are same priority as Affinity is nil (skip)',
    pod: { labels: S1 },
    nodes: [
      ['node1', china],
      ['node2', india],
      ['node3', az1],
    ],
    want: 'skip',
  },
  {
    name: 'upstream: different Label operators and values for pod affinity, including some match failures',
    pod: { labels: S1, preferredPodAffinity: affinity3 },
    nodes: [
      ['node1', china],
      ['node2', india],
      ['node3', az1],
    ],
    existing: [
      ['node1', { labels: S1 }],
      ['node2', { labels: S2 }],
      ['node3', { labels: S1 }],
    ],
    want: [20, 100, 0],
  },
  {
    name: 'upstream: the region with more matching pods gets the high score (24 vs 12: min-max normalisation)',
    pod: { labels: S1, preferredPodAffinity: stayWithS2InRegion },
    nodes: [
      ['node1', china],
      ['node2', india],
      ['node3', china],
      ['node4', china],
      ['node5', india],
    ],
    existing: ['node1', 'node1', 'node2', 'node3', 'node4', 'node5'].map((n) => [n, { labels: S2 }] as [string, PodDesc]),
    want: [100, 0, 100, 100, 0],
  },
  {
    name: 'upstream: one node has more matching pods for the anti-affinity, so it scores low',
    pod: { labels: S1, preferredPodAntiAffinity: awayFromS1InAz },
    nodes: [
      ['node1', az1],
      ['node2', india],
    ],
    existing: [
      ['node1', { labels: S1 }],
      ['node1', { labels: S1 }],
      ['node2', { labels: S2 }],
    ],
    want: [0, 100],
  },
  {
    name: 'upstream: affinity, anti-affinity and symmetry together (8, -5, 8, -5)',
    pod: { labels: S1, ...s1RegionAwayS2Az },
    nodes: [
      ['node1', china],
      ['node2', az1],
      ['node3', india],
      ['node4', { az: 'az2' }],
    ],
    existing: [
      ['node1', { labels: S1 }],
      ['node2', { labels: S2 }],
      ['node3', s1RegionAwayS2Az],
      ['node4', { preferredPodAntiAffinity: awayFromS1InAz }],
    ],
    want: [100, 0, 100, 0],
  },
  {
    name: "upstream: symmetry of existing pods' required affinity, hardPodAffinityWeight 1 (2, 2, 0)",
    pod: { labels: S1 },
    nodes: [
      ['node1', china],
      ['node2', india],
      ['node3', az1],
    ],
    existing: [
      ['node1', { labels: S1, podAffinity: hardAffinity }],
      ['node2', { labels: S2, podAffinity: hardAffinity }],
    ],
    want: [100, 100, 0],
  },
  ...[
    [1, [33, 100, 0]],
    [5, [100, 60, 0]],
  ].map(([w, want]) => ({
    // China: the required term x hardPodAffinityWeight; India: a preferred term of weight 3.
    name: `hardPodAffinityWeight ${w} against a preferred weight of 3`,
    args: { hardPodAffinityWeight: w as number },
    pod: { labels: S1 },
    nodes: [
      ['node1', china],
      ['node2', india],
      ['node3', az1],
    ] as [string, Record<string, string>][],
    existing: [
      ['node1', { podAffinity: [term(is('security', 'S1'), 'region')] }],
      ['node2', { preferredPodAffinity: [term(is('security', 'S1'), 'region', 3)] }],
    ] as [string, PodDesc][],
    want: want as number[],
  })),
  {
    name: 'hardPodAffinityWeight 0 ignores existing required terms: nothing to score',
    args: { hardPodAffinityWeight: 0 },
    pod: { labels: S1 },
    nodes: [
      ['node1', china],
      ['node2', india],
    ],
    existing: [['node1', { podAffinity: hardAffinity }]],
    want: 'skip',
  },
  {
    name: 'ignorePreferredTermsOfExistingPods skips a pod without preferred terms',
    args: { ignorePreferredTermsOfExistingPods: true },
    pod: { labels: S1 },
    nodes: [
      ['node1', china],
      ['node2', india],
    ],
    existing: [['node1', { preferredPodAffinity: stayWithS1InRegion }]],
    want: 'skip',
  },
  {
    name: 'equal sums everywhere normalise to 0',
    pod: { labels: S1, preferredPodAffinity: [term(is('app', 'db'), ZONE, 10)] },
    nodes: zones,
    existing: [
      ['node-a', { labels: db }],
      ['node-x', { labels: db }],
    ],
    want: [0, 0, 0, 0],
  },
];

describe('InterPodAffinity filter', () => {
  it.each(filterCases)('$name', (tc) => {
    const { plugin, p, nodes } = setup(tc);
    expect(runFilter(plugin, p, nodes)).toEqual(tc.want);
  });
});

describe('InterPodAffinity score', () => {
  it.each(scoreCases)('$name', (tc) => {
    const { plugin, p, nodes } = setup(tc);
    expect(runScore(plugin, p, nodes)).toEqual(tc.want);
  });
});

describe('InterPodAffinity tracking', () => {
  it('forgets bound pods with terms when they finish or are deleted', () => {
    const cluster = makeCluster([{ name: 'a' }, { name: 'b' }]);
    const plugin = interPodAffinity({}, { cluster, rng: new RngStreams(1).get('s') });
    const [a, b] = cluster.nodes as [Node, Node];
    const guard = { labels: db, podAntiAffinity: [term(is('app', 'web'), HOST)], preferredPodAffinity: [term(is('app', 'web'), HOST, 7)] };
    const g1 = boundPod(cluster, 'a', guard);
    const g2 = boundPod(cluster, 'b', guard);
    const incoming = pod(cluster, { labels: web });
    expect(runFilter(plugin, incoming, [a, b])).toEqual(['existing', 'existing']);
    cluster.finishPod(g1, 'Succeeded');
    expect(runFilter(plugin, incoming, [a, b])).toEqual(['ok', 'existing']);
    expect(runScore(plugin, incoming, [a, b])).toEqual([0, 100]);
    cluster.deletePod(g2, 'test');
    expect(runFilter(plugin, incoming, [a, b])).toBe('skip');
    expect(runScore(plugin, incoming, [a, b])).toBe('skip');
  });
});
