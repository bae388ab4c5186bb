// PodTopologySpread, shaped like upstream's filtering_test.go and scoring_test.go (v1.36). Expected scores are
// worked by hand from scoring.go: score = round(sum cnt * log(domains + 2) + maxSkew - 1), then
// 100 * (max + min - s) / max. Rows marked "upstream" reproduce a row of upstream's table with its values.
import { describe, expect, it } from 'vitest';
import { RngStreams } from '../../../src/engine/rng.js';
import type { ClusterState } from '../../../src/model/cluster-state.js';
import type { Node } from '../../../src/model/node.js';
import { podMatches, type Pod, type TopologySpreadConstraint } from '../../../src/model/pod.js';
import { makeSelector, tolerated, type LabelSelector, type Taint } from '../../../src/model/selectors.js';
import { Code, CycleState, type Plugin } from '../../../src/scheduler/framework.js';
import { PodCounts } from '../../../src/scheduler/plugins/pod-counts.js';
import { podTopologySpread, systemDefaultConstraints } from '../../../src/scheduler/plugins/pod-topology-spread.js';
import { addNode, boundPod, makeCluster, pod, template, type PodDesc } from '../../helpers/builders.js';
import { runScore } from '../../helpers/scoring.js';

const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';
const exists = (key: string) => makeSelector([{ key, operator: 'Exists', values: [] }]);
const foo = exists('foo'); // upstream fooSelector
const bar = exists('bar');
const NO_SCHEDULE: Taint = { key: 'node.kubernetes.io/unschedulable', value: '', effect: 'NoSchedule' };

function tsc(
  maxSkew: number,
  topologyKey: string,
  hard: boolean,
  selector: LabelSelector = foo,
  more: Partial<TopologySpreadConstraint> = {},
): TopologySpreadConstraint {
  return {
    maxSkew,
    topologyKey,
    whenUnsatisfiable: hard ? 'DoNotSchedule' : 'ScheduleAnyway',
    selector,
    minDomains: 1,
    nodeAffinityPolicy: 'Honor',
    nodeTaintsPolicy: 'Ignore',
    matchLabelKeys: [],
    ...more,
  };
}

interface NodeRow {
  name: string;
  labels: Record<string, string>;
  taints?: Taint[];
}
interface Case {
  name: string;
  pod: PodDesc;
  nodes: NodeRow[];
  /** [node, labels, namespace] of bound pods. */
  existing?: [string, Record<string, string>, string?][];
  /** Nodes that passed filtering (scoring); all when absent. */
  candidates?: string[];
  system?: boolean;
  want: (string | number)[] | 'skip';
}

/** Nodes with exactly the given labels (the builders always add a hostname). */
function addBareNode(c: ClusterState, row: NodeRow): Node {
  const alloc = c.resources.vector();
  alloc.set([64000, 2 ** 40, 2 ** 40, 1000]);
  const labels = new Map(Object.entries(row.labels));
  return c.addNode({ name: row.name, pool: 'p', zone: '', labels, taints: row.taints ?? [], allocatable: alloc, pricePerHour: 0 });
}

function setup(tc: Case): { cluster: ClusterState; plugin: Plugin; p: Pod; nodes: Node[] } {
  const cluster = makeCluster([]);
  const nodes = tc.nodes.map((r) => addBareNode(cluster, r));
  const plugin = podTopologySpread({ defaultingType: tc.system ? 'System' : 'List' }, { cluster, rng: new RngStreams(1).get('s') });
  for (const [n, labels, namespace] of tc.existing ?? []) boundPod(cluster, n, { labels, namespace: namespace ?? 'default' });
  return { cluster, plugin, p: pod(cluster, tc.pod), nodes };
}

function runFilter(plugin: Plugin, p: Pod, nodes: readonly Node[]): string[] | 'skip' {
  const state = new CycleState();
  if (plugin.preFilter!(state, p)?.code === Code.Skip) return 'skip';
  return nodes.map((n) => {
    const s = plugin.filter!(state, p, n);
    if (!s) return 'ok';
    if (s.code === Code.Unschedulable && s.reason === "node(s) didn't match pod topology spread constraints") return 'skew';
    if (s.code === Code.UnschedulableAndUnresolvable && s.reason.endsWith('(missing required label)')) return 'label';
    return `unexpected ${s.code} ${s.reason}`;
  });
}

const zones4 = [
  { name: 'node-a', labels: { [ZONE]: 'zone1', [HOST]: 'node-a' } },
  { name: 'node-b', labels: { [ZONE]: 'zone1', [HOST]: 'node-b' } },
  { name: 'node-x', labels: { [ZONE]: 'zone2', [HOST]: 'node-x' } },
  { name: 'node-y', labels: { [ZONE]: 'zone2', [HOST]: 'node-y' } },
];
const hosts = (...names: string[]) => names.map((n) => ({ name: n, labels: { [HOST]: n } }));
const onNode = (n: string, count: number, labels: Record<string, string> = { foo: '' }) =>
  Array.from({ length: count }, () => [n, labels] as [string, Record<string, string>]);
const F = { labels: { foo: '' } };

const filterCases: Case[] = [
  {
    name: 'no DoNotSchedule constraint: PreFilter skips',
    pod: { ...F, topologySpread: [tsc(1, ZONE, false)] },
    nodes: zones4,
    want: 'skip',
  },
  { name: 'no existing pods', pod: { ...F, topologySpread: [tsc(1, ZONE, true)] }, nodes: zones4, want: ['ok', 'ok', 'ok', 'ok'] },
  {
    name: 'maxSkew 1 across zones, spread 2/3 (upstream: normal case with one spreadConstraint)',
    pod: { ...F, topologySpread: [tsc(1, ZONE, true)] },
    nodes: zones4,
    existing: [...onNode('node-a', 1), ...onNode('node-b', 1), ...onNode('node-x', 1), ...onNode('node-y', 2)],
    want: ['ok', 'ok', 'skew', 'skew'],
  },
  {
    name: 'hostname maxSkew 1: only the empty node fits',
    pod: { ...F, topologySpread: [tsc(1, HOST, true)] },
    nodes: hosts('a', 'b', 'c'),
    existing: [...onNode('a', 1), ...onNode('b', 1)],
    want: ['skew', 'skew', 'ok'],
  },
  {
    name: 'the pod does not match its own selector',
    pod: { labels: {}, topologySpread: [tsc(1, HOST, true)] },
    nodes: hosts('a', 'b', 'c'),
    existing: [...onNode('a', 1), ...onNode('b', 2)],
    want: ['ok', 'skew', 'ok'],
  },
  {
    name: 'minDomains 3 > 2 eligible zones: the global minimum is 0',
    pod: { ...F, topologySpread: [tsc(1, ZONE, true, foo, { minDomains: 3 })] },
    nodes: zones4,
    existing: [...onNode('node-a', 1), ...onNode('node-x', 1)],
    want: ['skew', 'skew', 'skew', 'skew'],
  },
  {
    name: 'minDomains 2 = 2 eligible zones: the real minimum (1) is used',
    pod: { ...F, topologySpread: [tsc(1, ZONE, true, foo, { minDomains: 2 })] },
    nodes: zones4,
    existing: [...onNode('node-a', 1), ...onNode('node-x', 1)],
    want: ['ok', 'ok', 'ok', 'ok'],
  },
  {
    name: 'node without the zone label is rejected and left out of the hostname domains',
    pod: { ...F, topologySpread: [tsc(1, ZONE, true), tsc(1, HOST, true)] },
    nodes: [zones4[0]!, zones4[2]!, { name: 'node-c', labels: { [HOST]: 'node-c' } }],
    existing: [...onNode('node-a', 1), ...onNode('node-x', 1)],
    want: ['ok', 'ok', 'label'],
  },
  {
    name: 'nodeAffinityPolicy Honor: the zone outside the nodeSelector is not a domain',
    pod: { ...F, nodeSelector: { pool: 'a' }, topologySpread: [tsc(1, ZONE, true)] },
    nodes: [
      { name: 'a1', labels: { [ZONE]: 'z1', pool: 'a' } },
      { name: 'a2', labels: { [ZONE]: 'z2', pool: 'a' } },
      { name: 'b1', labels: { [ZONE]: 'z3' } },
    ],
    existing: [...onNode('a1', 1), ...onNode('a2', 1)],
    want: ['ok', 'ok', 'ok'],
  },
  {
    name: 'nodeAffinityPolicy Ignore: the empty zone outside the nodeSelector makes the minimum 0',
    pod: { ...F, nodeSelector: { pool: 'a' }, topologySpread: [tsc(1, ZONE, true, foo, { nodeAffinityPolicy: 'Ignore' })] },
    nodes: [
      { name: 'a1', labels: { [ZONE]: 'z1', pool: 'a' } },
      { name: 'a2', labels: { [ZONE]: 'z2', pool: 'a' } },
      { name: 'b1', labels: { [ZONE]: 'z3' } },
    ],
    existing: [...onNode('a1', 1), ...onNode('a2', 1)],
    want: ['skew', 'skew', 'ok'],
  },
  {
    name: 'minDomains 3 > 2 zones matching the nodeSelector: the global minimum is 0',
    pod: { ...F, nodeSelector: { pool: 'a' }, topologySpread: [tsc(1, ZONE, true, foo, { minDomains: 3 })] },
    nodes: [
      { name: 'a1', labels: { [ZONE]: 'z1', pool: 'a' } },
      { name: 'a2', labels: { [ZONE]: 'z2', pool: 'a' } },
      { name: 'b1', labels: { [ZONE]: 'z3' } },
    ],
    existing: [...onNode('a1', 1), ...onNode('a2', 1)],
    want: ['skew', 'skew', 'ok'],
  },
  {
    name: 'nodeTaintsPolicy Honor: a node with an untolerated taint is not counted',
    pod: { ...F, topologySpread: [tsc(1, HOST, true, foo, { nodeTaintsPolicy: 'Honor' })] },
    nodes: [...hosts('a', 'b'), { name: 't', labels: { [HOST]: 't' }, taints: [NO_SCHEDULE] }],
    existing: [...onNode('a', 1), ...onNode('b', 1)],
    want: ['ok', 'ok', 'ok'],
  },
  {
    name: 'pods of another namespace or outside the selector do not count',
    pod: { ...F, topologySpread: [tsc(1, HOST, true)] },
    nodes: hosts('a', 'b'),
    existing: [
      ['a', { foo: '' }, 'other'],
      ['a', { bar: '' }],
    ],
    want: ['ok', 'ok'],
  },
  {
    name: 'matchLabelKeys narrows the selector to pods of the same revision',
    pod: { labels: { foo: '', rev: '2' }, topologySpread: [tsc(1, HOST, true, foo, { matchLabelKeys: ['rev'] })] },
    nodes: hosts('a', 'b'),
    existing: onNode('a', 2, { foo: '', rev: '1' }),
    want: ['ok', 'ok'],
  },
];

const four = hosts('node-a', 'node-b', 'node-c', 'node-d');
const scoreCases: Case[] = [
  { name: 'no ScheduleAnyway constraint: PreScore skips', pod: { ...F, topologySpread: [tsc(1, HOST, true)] }, nodes: four, want: 'skip' },
  {
    name: 'upstream: one constraint on node, all 4 nodes are candidates (2/1/0/3)',
    pod: { ...F, topologySpread: [tsc(1, HOST, false)] },
    nodes: four,
    existing: [...onNode('node-a', 2), ...onNode('node-b', 1), ...onNode('node-d', 3)],
    want: [20, 60, 100, 0],
  },
  {
    name: 'upstream: same, maxSkew=2',
    pod: { ...F, topologySpread: [tsc(2, HOST, false)] },
    nodes: four,
    existing: [...onNode('node-a', 2), ...onNode('node-b', 1), ...onNode('node-d', 3)],
    want: [33, 66, 100, 16],
  },
  {
    name: 'upstream: one constraint on node, 3 out of 4 nodes are candidates (4/2/1/~3~)',
    pod: { ...F, topologySpread: [tsc(1, HOST, false)] },
    nodes: hosts('node-a', 'node-b', 'node-x', 'node-y'),
    candidates: ['node-a', 'node-b', 'node-x'],
    existing: [...onNode('node-a', 4), ...onNode('node-b', 2), ...onNode('node-x', 1), ...onNode('node-y', 3)],
    want: [33, 83, 100],
  },
  {
    name: "upstream: one node doesn't match the topology key: it scores 0",
    pod: { ...F, topologySpread: [tsc(1, HOST, false)] },
    nodes: [...hosts('node-a'), { name: 'node-b', labels: { n: 'node-b' } }, ...hosts('node-x', 'node-y')],
    candidates: ['node-a', 'node-b', 'node-x'],
    existing: [...onNode('node-a', 4), ...onNode('node-b', 2), ...onNode('node-x', 1), ...onNode('node-y', 3)],
    want: [16, 0, 100],
  },
  {
    name: 'upstream: two constraints on zone and node, 2 out of 4 nodes are candidates',
    pod: { ...F, topologySpread: [tsc(1, ZONE, false), tsc(1, HOST, false)] },
    nodes: zones4,
    candidates: ['node-a', 'node-x'],
    existing: [...onNode('node-a', 2), ...onNode('node-b', 1), ...onNode('node-x', 2), ...onNode('node-y', 4)],
    want: [100, 63],
  },
  {
    name: 'upstream: two constraints on zone and node, with different labelSelectors',
    pod: { labels: { foo: '', bar: '' }, topologySpread: [tsc(1, ZONE, false, foo), tsc(1, HOST, false, bar)] },
    nodes: zones4,
    existing: [
      ['node-a', { foo: '' }],
      ['node-b', { foo: '', bar: '' }],
      ['node-y', { foo: '' }],
      ['node-y', { bar: '' }],
    ],
    want: [60, 20, 100, 60],
  },
  {
    name: 'pods on a node lacking one of the keys count in no domain; the node itself is ignored (0)',
    pod: { ...F, topologySpread: [tsc(1, ZONE, false), tsc(1, HOST, false)] },
    nodes: [zones4[0]!, { name: 'node-b', labels: { [ZONE]: 'zone1' } }, zones4[2]!],
    existing: onNode('node-b', 3),
    want: [100, 0, 100],
  },
  {
    name: 'upstream: existing pods in a different namespace do not count',
    pod: { ...F, topologySpread: [tsc(1, HOST, false)] },
    nodes: hosts('node-a', 'node-b'),
    existing: [['node-a', { foo: '' }, 'ns1'], ...onNode('node-a', 1), ...onNode('node-b', 2)],
    want: [100, 33],
  },
  ...(['Honor', 'Ignore'] as const).map((policy): Case => ({
    name: `upstream: NodeAffinityPolicy ${policy} with labelSelectors`,
    pod: { ...F, nodeSelector: { foo: '' }, topologySpread: [tsc(1, 'node', false, foo, { nodeAffinityPolicy: policy })] },
    nodes: [
      { name: 'node-a', labels: { node: 'node-a', foo: '' } },
      { name: 'node-b', labels: { node: 'node-b', foo: '' } },
      { name: 'node-c', labels: { node: 'node-c' } },
    ],
    existing: [...onNode('node-a', 2), ...onNode('node-b', 1), ...onNode('node-c', 1)],
    want: policy === 'Honor' ? [0, 33, 100] : [66, 100, 100],
  })),
  {
    name: 'upstream: NodeTaintsPolicy honored',
    pod: { ...F, topologySpread: [tsc(1, 'node', false, foo, { nodeTaintsPolicy: 'Honor' })] },
    nodes: [
      { name: 'node-a', labels: { node: 'node-a' } },
      { name: 'node-b', labels: { node: 'node-b' } },
      { name: 'node-c', labels: { node: 'node-c' }, taints: [NO_SCHEDULE] },
    ],
    existing: [...onNode('node-a', 2), ...onNode('node-b', 1), ...onNode('node-c', 1)],
    want: [0, 33, 100],
  },
  {
    name: "upstream: system defaulting, nodes don't have zone, pods match service (4/3/2/1)",
    system: true,
    pod: { ...F, topologySpread: systemDefaultConstraints(foo), topologySpreadDefaulted: true },
    nodes: four,
    existing: [...onNode('node-a', 4), ...onNode('node-b', 3), ...onNode('node-c', 2), ...onNode('node-d', 1)],
    want: [44, 66, 77, 100],
  },
  {
    // hostname w = log 6, zone w = log 4 (domains mars and ''): a 7.38+8.16 -> 16, b 2+8.16 -> 10, c 5.58 -> 6, d 3.79 -> 4.
    name: 'system defaulting: nodes without a zone form the domain "" and are not ignored',
    system: true,
    pod: { ...F, topologySpread: systemDefaultConstraints(foo), topologySpreadDefaulted: true },
    nodes: [
      { name: 'a', labels: { [HOST]: 'a', [ZONE]: 'mars' } },
      { name: 'b', labels: { [HOST]: 'b', [ZONE]: 'mars' } },
      ...hosts('c', 'd'),
    ],
    existing: [...onNode('a', 3), ...onNode('c', 2), ...onNode('d', 1)],
    want: [25, 62, 87, 100],
  },
];

describe('PodTopologySpread filter', () => {
  it.each(filterCases)('$name', (tc) => {
    const { plugin, p, nodes } = setup(tc);
    expect(runFilter(plugin, p, nodes)).toEqual(tc.want);
  });
});

describe('PodTopologySpread score', () => {
  it.each(scoreCases)('$name', (tc) => {
    const { plugin, p, nodes } = setup(tc);
    const cand = tc.candidates ? nodes.filter((n) => tc.candidates!.includes(n.name)) : nodes;
    expect(runScore(plugin, p, cand)).toEqual(tc.want);
  });
});

// Upstream's algorithms, recounted from every node's pods, for the randomized comparison below.
function countOn(n: Node, c: TopologySpreadConstraint, ns: string): number {
  // common.go countPodsMatchSelector: terminating pods are bypassed.
  return c.selector.requirements.length === 0 ? 0 : n.pods.filter((q) => !q.terminating && podMatches(c.selector, [ns], q)).length;
}
function includedBrute(c: TopologySpreadConstraint, p: Pod, n: Node): boolean {
  const t = p.template;
  if (c.nodeAffinityPolicy === 'Honor' && [...t.nodeSelector].some(([k, v]) => n.labels.get(k) !== v)) return false;
  return !(c.nodeTaintsPolicy === 'Honor' && n.taints.some((x) => x.effect !== 'PreferNoSchedule' && !tolerated(t.tolerations, x)));
}
/** filtering.go calPreFilterState + Filter. */
function bruteFilter(cluster: ClusterState, p: Pod, node: Node): string {
  const hard = p.template.topologySpread.filter((c) => c.whenUnsatisfiable === 'DoNotSchedule');
  for (const c of hard) {
    if (!node.labels.has(c.topologyKey)) return 'label';
    const counts = new Map<string, number>();
    for (const n of cluster.nodes) {
      if (n.removedAt >= 0 || !hard.every((h) => n.labels.has(h.topologyKey)) || !includedBrute(c, p, n)) continue;
      const v = n.labels.get(c.topologyKey)!;
      counts.set(v, (counts.get(v) ?? 0) + countOn(n, c, p.namespace));
    }
    const min = counts.size < c.minDomains ? 0 : Math.min(...counts.values());
    const self = podMatches(c.selector, [p.namespace], p) ? 1 : 0;
    if ((counts.get(node.labels.get(c.topologyKey)!) ?? 0) + self - min > c.maxSkew) return 'skew';
  }
  return 'ok';
}
/** scoring.go PreScore + Score + NormalizeScore. */
function bruteScores(cluster: ClusterState, p: Pod, cands: Node[], system: boolean): number[] | 'skip' {
  const soft = p.template.topologySpread.filter((c) => c.whenUnsatisfiable === 'ScheduleAnyway');
  if (soft.length === 0) return 'skip';
  const requireAll = !(system && p.template.topologySpreadDefaulted);
  const hasAll = (n: Node) => soft.every((c) => n.labels.has(c.topologyKey));
  const ignored = cands.filter((n) => requireAll && !hasAll(n));
  const tp = soft.map(() => new Map<string, number>());
  for (const n of cands)
    if (!ignored.includes(n)) soft.forEach((c, i) => c.topologyKey !== HOST && tp[i]!.set(n.labels.get(c.topologyKey) ?? '', 0));
  const w = soft.map((c, i) => Math.log((c.topologyKey === HOST ? cands.length - ignored.length : tp[i]!.size) + 2));
  for (const n of cluster.nodes) {
    if (n.removedAt >= 0 || (requireAll && !hasAll(n))) continue;
    soft.forEach((c, i) => {
      const v = n.labels.get(c.topologyKey) ?? '';
      if (includedBrute(c, p, n) && tp[i]!.has(v)) tp[i]!.set(v, tp[i]!.get(v)! + countOn(n, c, p.namespace));
    });
  }
  const raw = cands.map((n) => {
    if (ignored.includes(n)) return -1;
    let s = 0;
    soft.forEach((c, i) => {
      const v = n.labels.get(c.topologyKey);
      if (v !== undefined) s += (c.topologyKey === HOST ? countOn(n, c, p.namespace) : tp[i]!.get(v)!) * w[i]! + c.maxSkew - 1;
    });
    return Math.round(s);
  });
  const ok = raw.filter((s) => s >= 0);
  const [min, max] = [Math.min(...ok), Math.max(0, ...ok)];
  return raw.map((s) => (s < 0 ? 0 : max === 0 ? 100 : Math.trunc((100 * (max + min - s)) / max)));
}

describe('PodTopologySpread incremental counts', () => {
  it('equal a brute-force recount, and the plugin equals upstream, after random binds, deletes, node adds and removals', () => {
    const rng = new RngStreams(7).get('test');
    const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]!;
    const cluster = makeCluster([]);
    const handle = { cluster, rng };
    const plugins = {
      List: podTopologySpread({ defaultingType: 'List' }, handle),
      System: podTopologySpread({ defaultingType: 'System' }, handle),
    };
    const counts = PodCounts.of(cluster);
    const addRandomNode = (i: number) => {
      const labels: Record<string, string> = {};
      if (rng.random() < 0.9) labels[HOST] = `n${i}`;
      if (rng.random() < 0.8) labels[ZONE] = pick(['z1', 'z2', 'z3', '']);
      if (rng.random() < 0.6) labels.rack = pick(['r1', 'r2']);
      if (rng.random() < 0.5) labels.pool = 'p1';
      addBareNode(cluster, { name: `n${i}`, labels, taints: rng.random() < 0.2 ? [NO_SCHEDULE] : [] });
    };
    for (let i = 0; i < 10; i++) addRandomNode(i);
    const keys = [ZONE, HOST, 'rack'];
    const selectors = [
      exists('app'),
      makeSelector([{ key: 'app', operator: 'In', values: ['a'] }]),
      makeSelector([{ key: 'tier', operator: 'NotIn', values: ['x'] }]),
    ];
    // Replicas share templates, as in a simulation (the index caches matches per template).
    const templates = ['a', 'b'].flatMap((app) =>
      ['x', 'y'].flatMap((tier) => ['default', 'other'].map((namespace) => template(cluster, { labels: { app, tier }, namespace }))),
    );
    // Templates to schedule: their own constraints or the system defaults.
    const pending = Array.from({ length: 12 }, () => {
      const system = rng.random() < 0.3;
      const cons = system
        ? systemDefaultConstraints(pick(selectors))
        : [0, 1].slice(0, 1 + rng.int(2)).map(() =>
            tsc(1 + rng.int(2), pick(keys), rng.random() < 0.5, pick([...selectors, makeSelector([])]), {
              minDomains: 1 + rng.int(4),
              nodeAffinityPolicy: pick(['Honor', 'Ignore']),
              nodeTaintsPolicy: pick(['Honor', 'Ignore', 'Ignore']),
            }),
          );
      const nodeSelector: Record<string, string> = rng.random() < 0.4 ? { pool: 'p1' } : {};
      return template(cluster, { labels: { app: 'a', tier: 'y' }, nodeSelector, topologySpread: cons, topologySpreadDefaulted: system });
    });
    const bound: Pod[] = [];
    const terminating: Pod[] = [];
    let tainted = false;
    const tally = { checks: 0, skew: 0, label: 0, slow: 0 };
    for (let step = 0; step < 800; step++) {
      const r = rng.random();
      const live = cluster.nodes.filter((n) => n.removedAt < 0);
      if (r < 0.55 || bound.length === 0) {
        const q = cluster.createPod(pick(templates), `p${step}`, -1, null);
        cluster.bindPod(q, pick(live));
        bound.push(q);
      } else if (r < 0.9) {
        const q = bound.splice(rng.int(bound.length), 1)[0]!;
        const how = rng.random();
        if (how < 0.35) cluster.deletePod(q, 'test');
        else if (how < 0.7) cluster.finishPod(q, 'Succeeded');
        else {
          // Graceful: terminating for a while (it stops counting at once), gone later.
          cluster.deletePod(q, 'test', 30_000);
          terminating.push(q);
        }
      } else if (r < 0.93 && terminating.length > 0) {
        const q = terminating.splice(rng.int(terminating.length), 1)[0]!;
        if (rng.random() < 0.5) cluster.deletePod(q, 'test');
        else cluster.finishPod(q, 'Succeeded');
      } else if (r < 0.95) {
        // Taints change under nodeTaintsPolicy Honor's node groups.
        const n = pick(live);
        if (n.taints.some((t) => t.key === 'dedicated')) cluster.removeTaint(n, 'dedicated');
        else cluster.addTaint(n, { key: 'dedicated', value: 'x', effect: 'NoSchedule' });
        tainted = true;
      } else if (r < 0.98 || live.length < 5) addRandomNode(cluster.nodes.length);
      else {
        // Its pods are deleted with it.
        const gone = pick(live);
        cluster.removeNode(gone);
        for (const list of [bound, terminating]) for (let i = list.length - 1; i >= 0; i--) if (list[i]!.node === null) list.splice(i, 1);
      }
      if (step % 20 !== 0 && !tainted) continue;
      tainted = false;
      const present = cluster.nodes.filter((n) => n.removedAt < 0);
      for (const sel of selectors.slice(0, step < 400 ? 2 : 3)) {
        const ix = counts.index('default', sel);
        const perNode = (n: Node) => n.pods.filter((q) => !q.terminating && podMatches(sel, ['default'], q)).length;
        for (const n of cluster.nodes) expect(ix.count(n.index)).toBe(perNode(n));
        for (const key of keys) {
          const dc = counts.domains(ix, key);
          const sums = new Map<string, number>();
          let missing = 0;
          for (const n of present) {
            const v = n.labels.get(key);
            if (v === undefined) missing += perNode(n);
            else sums.set(v, (sums.get(v) ?? 0) + perNode(n));
          }
          const topo = counts.key(key);
          const got = topo.values.flatMap((v, i) => (topo.live(i) ? [[v, dc.get(i)] as const] : []));
          expect(got.sort()).toEqual([...sums].sort());
          expect(topo.size).toBe(sums.size);
          expect([dc.missing, dc.min]).toEqual([missing, sums.size ? Math.min(...sums.values()) : 0]);
          tally.checks++;
        }
      }
      const pair = [pick(keys), pick(keys)];
      const consistent = present.every((n) => pair.every((k) => n.labels.has(k)) || !pair.some((k) => n.labels.has(k)));
      expect(counts.consistent(pair)).toBe(consistent);
      if (!consistent) tally.slow++;
      // A pod of a random template (reused across steps, so per-template caches must follow node changes).
      const p = cluster.createPod(pick(pending), `q${step}`, -1, null);
      const cons = p.template.topologySpread;
      const plugin = plugins[pick(['List', 'System'] as const)];
      const got = runFilter(plugin, p, present);
      const want = cons.some((c) => c.whenUnsatisfiable === 'DoNotSchedule') ? present.map((n) => bruteFilter(cluster, p, n)) : 'skip';
      expect(got).toEqual(want);
      for (const g of got) if (g === 'skew' || g === 'label') tally[g]++;
      const cands = present.filter(() => rng.random() < 0.7);
      if (cands.length > 0) expect(runScore(plugin, p, cands)).toEqual(bruteScores(cluster, p, cands, plugin === plugins.System));
      cluster.deletePod(p, 'test');
    }
    expect(tally.checks).toBeGreaterThan(100);
    expect(Math.min(tally.skew, tally.label, tally.slow)).toBeGreaterThan(5);
  });
});

describe('PodCounts.consistent', () => {
  it('follows node additions and removals', () => {
    const cluster = makeCluster([
      { name: 'a', labels: { [ZONE]: 'z1' } },
      { name: 'b', labels: { [ZONE]: 'z2' } },
    ]);
    const counts = PodCounts.of(cluster);
    const keys = [ZONE, HOST];
    expect(counts.consistent(keys)).toBe(true);
    const c = addNode(cluster, { name: 'c' }); // hostname only
    expect(counts.consistent(keys)).toBe(false);
    cluster.removeNode(c);
    expect(counts.consistent(keys)).toBe(true);
    addNode(cluster, { name: 'd', labels: { [ZONE]: 'z1' } });
    expect(counts.consistent(keys)).toBe(true);
    expect(counts.consistent([ZONE, 'rack'])).toBe(false);
  });
});

describe('PodTopologySpread follows node and pod changes of the model', () => {
  const foo = makeSelector([{ key: 'foo', operator: 'Exists', values: [] }]);
  const setupZones = () => {
    const cluster = makeCluster([]);
    const nodes = [
      addBareNode(cluster, { name: 'a', labels: { [ZONE]: 'z1', [HOST]: 'a' } }),
      addBareNode(cluster, { name: 'b', labels: { [ZONE]: 'z2', [HOST]: 'b' } }),
      addBareNode(cluster, { name: 'c', labels: { [ZONE]: 'z2', [HOST]: 'c' } }),
    ];
    const plugin = podTopologySpread({ defaultingType: 'List' }, { cluster, rng: new RngStreams(1).get('s') });
    const existing = boundPod(cluster, 'a', { labels: { foo: '' } });
    return { cluster, nodes, plugin, existing };
  };

  it("nodeTaintsPolicy Honor: tainting a domain's nodes takes the domain out of the skew, after the counts were cached", () => {
    const { cluster, nodes, plugin } = setupZones();
    const p = pod(cluster, { labels: { foo: '' }, topologySpread: [tsc(1, ZONE, true, foo, { nodeTaintsPolicy: 'Honor' })] });
    // z1 holds 1 matching pod, z2 none: a second one in z1 would make the skew 2.
    expect(runFilter(plugin, p, nodes)).toEqual(['skew', 'ok', 'ok']);
    for (const n of [nodes[1]!, nodes[2]!]) cluster.addTaint(n, { key: 'dedicated', value: 'x', effect: 'NoSchedule' });
    // z2's nodes are tainted and the pod does not tolerate them: only z1 counts (common.go matchNodeInclusionPolicies).
    expect(runFilter(plugin, p, nodes)).toEqual(['ok', 'ok', 'ok']);
    expect(nodes.map((n) => bruteFilter(cluster, p, n))).toEqual(['ok', 'ok', 'ok']);
    cluster.removeTaint(nodes[1]!, 'dedicated');
    expect(runFilter(plugin, p, nodes)).toEqual(['skew', 'ok', 'ok']);
  });

  it('templates whose node selectors or tolerations differ count different nodes (node groups are shared only alike)', () => {
    const cluster = makeCluster([]);
    const TAINT: Taint = { key: 'dedicated', value: 'x', effect: 'NoSchedule' };
    const nodes = [
      addBareNode(cluster, { name: 'n1', labels: { [ZONE]: 'z1', [HOST]: 'n1', pool: 'p1' } }),
      addBareNode(cluster, { name: 'n2', labels: { [ZONE]: 'z2', [HOST]: 'n2', pool: 'p1' } }),
      addBareNode(cluster, { name: 'n3', labels: { [ZONE]: 'z1', [HOST]: 'n3', pool: 'p2' }, taints: [TAINT] }),
      addBareNode(cluster, { name: 'n4', labels: { [ZONE]: 'z3', [HOST]: 'n4', pool: 'p2' }, taints: [TAINT] }),
    ];
    const plugin = podTopologySpread({ defaultingType: 'List' }, { cluster, rng: new RngStreams(1).get('s') });
    // Matching pods: one in z2 (on p1), one in z1 and two in z3 (on p2).
    for (const at of ['n2', 'n3', 'n4', 'n4']) boundPod(cluster, at, { labels: { foo: '' } });
    const zone = [tsc(1, ZONE, true, foo)];
    const honor = [tsc(1, ZONE, true, foo, { nodeTaintsPolicy: 'Honor' })];
    const tolerate = [{ key: 'dedicated', operator: 'Exists' as const, value: '', effect: 'NoSchedule' as const }];
    const cases: [PodDesc, string[]][] = [
      // p1 counts z1 0, z2 1: min 0.
      [{ nodeSelector: { pool: 'p1' }, topologySpread: zone }, ['ok', 'skew', 'ok', 'ok']],
      // p2 counts z1 1, z3 2: min 1, so z3 (2 + 1 - 1) is too skewed.
      [{ nodeSelector: { pool: 'p2' }, topologySpread: zone }, ['ok', 'ok', 'ok', 'skew']],
      // Honoring taints it does not tolerate, a pod counts only n1 and n2, as p1 does.
      [{ topologySpread: honor }, ['ok', 'skew', 'ok', 'ok']],
      // Tolerating them, it counts every node: z1 1, z2 1, z3 2, min 1.
      [{ topologySpread: honor, tolerations: tolerate }, ['ok', 'ok', 'ok', 'skew']],
    ];
    for (const [desc, want] of cases) {
      const p = pod(cluster, { labels: { foo: '' }, ...desc });
      expect(runFilter(plugin, p, nodes), JSON.stringify(desc)).toEqual(want);
      expect(nodes.map((n) => bruteFilter(cluster, p, n))).toEqual(want);
    }
  });

  it('a terminating pod stops counting when its graceful deletion begins (common.go countPodsMatchSelector)', () => {
    const { cluster, nodes, plugin, existing } = setupZones();
    const p = pod(cluster, { labels: { foo: '' }, topologySpread: [tsc(1, ZONE, true, foo)] });
    expect(runFilter(plugin, p, nodes)).toEqual(['skew', 'ok', 'ok']);
    cluster.deletePod(existing, 'test', 30_000);
    expect(existing.terminating).toBe(true);
    expect(existing.node).toBe(nodes[0]);
    expect(runFilter(plugin, p, nodes)).toEqual(['ok', 'ok', 'ok']);
    // Its object going later changes nothing more.
    cluster.deletePod(existing, 'test');
    expect(existing.node).toBeNull();
    expect(runFilter(plugin, p, nodes)).toEqual(['ok', 'ok', 'ok']);
  });
});

describe('PodCounts with many selector indexes', () => {
  // A new template catches up with the indexes made before it by looking only at those whose guard (a `key In
  // (value)` requirement) its labels meet, and at the unguarded ones: each index's counts must still be those of
  // matching every pod against every selector.
  it('counts every pod in every index it matches, guarded or not, in any namespace', () => {
    const rng = new RngStreams(5).get('many-indexes');
    const cluster = makeCluster([
      { name: 'a', cpu: '64', memory: '256Gi' },
      { name: 'b', cpu: '64', memory: '256Gi' },
    ]);
    const counts = PodCounts.of(cluster);
    const apps = ['a', 'b', 'c', 'd'];
    const selectors: [string, LabelSelector][] = [];
    for (const ns of ['default', 'other'])
      for (const app of apps) {
        selectors.push([ns, makeSelector([{ key: 'app', operator: 'In', values: [app] }])]);
        selectors.push([
          ns,
          makeSelector([
            { key: 'app', operator: 'In', values: [app] },
            { key: 'tier', operator: 'In', values: ['web'] },
          ]),
        ]);
        selectors.push([ns, makeSelector([{ key: 'app', operator: 'NotIn', values: [app] }])]);
      }
    selectors.push(['default', exists('tier')], ['default', makeSelector([{ key: 'app', operator: 'In', values: ['a', 'b'] }])]);
    const indexes = selectors.map(([ns, sel]) => counts.index(ns, sel));
    for (let i = 0; i < 60; i++) {
      const labels: Record<string, string> = { app: apps[rng.int(apps.length)]! };
      if (rng.random() < 0.5) labels.tier = rng.random() < 0.5 ? 'web' : 'db';
      const ns = rng.random() < 0.7 ? 'default' : 'other';
      boundPod(cluster, rng.random() < 0.5 ? 'a' : 'b', { labels, namespace: ns });
    }
    let counted = 0;
    selectors.forEach(([ns, sel], i) => {
      for (const n of cluster.nodes) {
        const want = n.pods.filter((q) => podMatches(sel, [ns], q)).length;
        expect(indexes[i]!.count(n.index), `${ns} ${sel.key} on ${n.name}`).toBe(want);
        counted += want;
      }
    });
    expect(counted).toBeGreaterThan(100);
  });

  it('an index made after the pods are bound counts them, whether or not a counting template has its guard label', () => {
    // index() scans the bound pods only when some template that counts has the guard's label in the namespace:
    // templates start and stop counting as their pods come and go, and the labels counted must follow.
    const rng = new RngStreams(7).get('late-indexes');
    const cluster = makeCluster([
      { name: 'a', cpu: '64', memory: '256Gi' },
      { name: 'b', cpu: '64', memory: '256Gi' },
    ]);
    const counts = PodCounts.of(cluster);
    const apps = ['a', 'b', 'c', 'd', 'e'];
    const pods = [];
    for (let i = 0; i < 80; i++) {
      const labels: Record<string, string> = { app: apps[rng.int(4)]! };
      if (rng.random() < 0.5) labels.tier = rng.random() < 0.5 ? 'web' : 'db';
      pods.push(boundPod(cluster, rng.random() < 0.5 ? 'a' : 'b', { labels, namespace: rng.random() < 0.7 ? 'default' : 'other' }));
    }
    // Every pod of app c goes, and some of app a.
    for (const q of pods)
      if (q.labels.get('app') === 'c' || (q.labels.get('app') === 'a' && rng.random() < 0.5)) cluster.deletePod(q, 'test');
    let counted = 0;
    let empty = 0;
    for (const ns of ['default', 'other', 'third'])
      for (const app of apps)
        for (const sel of [
          makeSelector([{ key: 'app', operator: 'In', values: [app] }]),
          makeSelector([
            { key: 'tier', operator: 'In', values: ['web'] },
            { key: 'app', operator: 'In', values: [app] },
          ]),
        ]) {
          const ix = counts.index(ns, sel);
          let total = 0;
          for (const n of cluster.nodes) {
            const want = n.pods.filter((q) => !q.terminating && podMatches(sel, [ns], q)).length;
            expect(ix.count(n.index), `${ns} ${sel.key} on ${n.name}`).toBe(want);
            total += want;
          }
          counted += total;
          if (total === 0) empty++;
        }
    expect(counted).toBeGreaterThan(40);
    expect(empty).toBeGreaterThan(10); // apps c and e, namespace third
  });
});
