// The Karpenter-style provisioner: its packing and consolidation rules as tables (in the shape of karpenter's
// scheduling and consolidation suites, worked out by hand), and a run against the cluster autoscaler's worked
// example on the same seed.
import { describe, expect, it } from 'vitest';
import {
  byCPUAndMemoryDescending,
  cheapestInstanceType,
  computeConsolidation,
  packNodeClaims,
  type InstanceTypeView,
} from '../../src/controllers/karpenter/calc.js';
import { runScenario } from '../helpers/scenario.js';

const GI = 1024 ** 3;
// [cpu millicores, memory bytes, ephemeral, pods]
const type = (name: string, cpu: number, memGi: number, price: number, pods = 110): InstanceTypeView => ({
  name,
  allocatable: [cpu, memGi * GI, 0, pods],
  price,
});
const pod = (cpu: number, memGi: number) => ({ requests: [cpu, memGi * GI, 0, 1] });

const small = type('small', 4000, 16, 0.2);
const big = type('big', 16000, 64, 0.8);
const highmem = type('highmem', 4000, 64, 0.5);

describe('scheduler.go packing into NodeClaims', () => {
  const all = () => [small, big, highmem];
  const cases: { name: string; pods: { requests: number[] }[]; claims: string[][]; unschedulable?: number }[] = [
    // 6 x 1 cpu: one claim; only big can hold all six (small holds 4): big is what remains.
    { name: 'one claim while some type holds all', pods: Array.from({ length: 6 }, () => pod(1000, 1)), claims: [['big']] },
    // 3 x 1 cpu fit every type: the claim keeps all three.
    { name: 'every type holds them', pods: Array.from({ length: 3 }, () => pod(1000, 1)), claims: [['small', 'big', 'highmem']] },
    // 40 cpu of 2-cpu pods: big holds 8 (16 cpu), so 3 claims: 8 + 8 + 4 pods; the last still fits every type
    // that holds 4 x 2 cpu = 8 cpu: big only.
    {
      name: 'a new claim once no type holds more',
      pods: Array.from({ length: 20 }, () => pod(2000, 1)),
      claims: [['big'], ['big'], ['big']],
    },
    // A 20 GiB pod first (memory breaks the cpu tie), then small pods join its claim while big or highmem hold
    // them: 20 + 4 x 1 GiB = 24 GiB, 4 cpu + 1 = 5 cpu > highmem's 4: big.
    { name: 'decreasing order', pods: [pod(1000, 1), pod(1000, 20), pod(1000, 1), pod(1000, 1), pod(1000, 1)], claims: [['big']] },
    { name: 'a pod no type holds', pods: [pod(32000, 1)], claims: [], unschedulable: 1 },
  ];
  it.each(cases)('$name', (c) => {
    const r = packNodeClaims(c.pods, all);
    expect(r.claims.map((x) => x.instanceTypes.map((t) => t.name))).toEqual(c.claims);
    expect(r.unschedulable).toHaveLength(c.unschedulable ?? 0);
    expect(r.claims.reduce((n, x) => n + x.pods.length, 0) + r.unschedulable.length).toBe(c.pods.length);
  });

  it('orders by cpu, then memory, descending', () => {
    expect([pod(1000, 1), pod(2000, 1), pod(1000, 2)].sort(byCPUAndMemoryDescending)).toEqual([pod(2000, 1), pod(1000, 2), pod(1000, 1)]);
  });

  it('launches the cheapest type, the first at a tie', () => {
    expect(cheapestInstanceType([big, highmem, small])?.name).toBe('small');
    expect(cheapestInstanceType([type('a', 1, 1, 0.3), type('b', 1, 1, 0.3)])?.name).toBe('a');
    expect(cheapestInstanceType([])).toBeUndefined();
  });
});

describe('consolidation.go computeConsolidation', () => {
  const claim = (types: InstanceTypeView[]) => ({ pods: [pod(1000, 1)], requests: [1000, GI, 0, 1], instanceTypes: types });
  it.each([
    { name: 'pods fit elsewhere: delete', price: 0.8, claims: [], unschedulable: 0, want: 'delete' },
    { name: 'one cheaper new node: replace', price: 0.8, claims: [claim([big, small])], unschedulable: 0, want: 'replace small' },
    { name: 'the new node would cost as much: keep', price: 0.2, claims: [claim([small, big])], unschedulable: 0, want: 'none' },
    { name: 'two new nodes: keep', price: 0.8, claims: [claim([small]), claim([small])], unschedulable: 0, want: 'none' },
    { name: 'a pod fits nowhere: keep', price: 0.8, claims: [], unschedulable: 1, want: 'none' },
  ])('$name', (c) => {
    const d = computeConsolidation(c.price, { claims: c.claims, unschedulable: Array(c.unschedulable).fill(0) });
    expect(d.action === 'replace' ? `replace ${d.instanceType.name}` : d.action).toBe(c.want);
  });
});

describe('in a run', () => {
  // The cluster autoscaler's worked example (test/controllers/cluster-autoscaler.test.ts) with kind: karpenter.
  // The 6 pending pods are batched (seen at the 1 s tick, the batch closes at 2 s after a quiet second) into one
  // NodeClaim that only big can hold: big-0 is launched at 2 s and Ready at 122 s. Consolidation (every 10 s)
  // then finds small-0's 4 pods fit on big-0 (6 + 4 of 16 cpu) and deletes small-0 at 130 s (its pods evicted,
  // 30 s grace). At 1 h the Deployment drops to 2 pods: big-0 is replaced by a cheaper small node.
  const scenario = (kind: string) => `
name: karpenter
duration: 2h
metrics: {interval: 1m}
cluster:
  nodePools:
    - {name: small, minCount: 1, maxCount: 10, allocatable: {cpu: "4", memory: 16Gi}, pricePerHour: 0.2}
    - {name: big, minCount: 0, maxCount: 5, allocatable: {cpu: "16", memory: 64Gi}, pricePerHour: 0.8}
  autoscaler: {kind: ${kind}, provisioningTime: 2m}
workloads:
  - objects:
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 10
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: c, image: web, resources: {requests: {cpu: "1", memory: 1Gi}}}]
  - at: 1h
    objects:
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 2
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: c, image: web, resources: {requests: {cpu: "1", memory: 1Gi}}}]
`;
  it('launches the cheapest type that holds the batch, then consolidates', () => {
    const { table, summary } = runScenario(scenario('karpenter'));
    const ev = (reason: string) =>
      table('events')
        .filter((e) => e.reason === reason)
        .map((e) => [e.time_s, e.object]);
    expect(ev('Launched')).toEqual([[2, 'nodeclaim/big-0']]);
    expect(ev('RegisteredNode')).toEqual([
      [122, 'node/big-0'],
      [3730, 'node/small-1'],
    ]);
    expect(ev('DisruptionTerminating')).toEqual([[130, 'node/small-0']]);
    expect(ev('DisruptionLaunching')).toEqual([[3610, 'node/big-0']]);
    expect(ev('RemovingNode')).toEqual([
      [160, 'node/small-0'],
      [3760, 'node/big-0'],
    ]);
    expect(summary.pods_running_end).toBe(2);
    expect(summary.nodes).toBe(1);
    // small-0 to 160 s, big-0 from 122 s to 3760 s, small-1 from 3730 s to the end.
    expect(Number(summary.cost)).toBeCloseTo((0.2 * 160 + 0.8 * (3760 - 122) + 0.2 * (7200 - 3730)) / 3600, 9);
  });

  it('costs what the cluster autoscaler does not on the same seed (the comparison users ask for)', () => {
    const ca = runScenario(scenario('cluster-autoscaler')).summary;
    const k = runScenario(scenario('karpenter')).summary;
    expect(Number(k.cost)).not.toBe(Number(ca.cost));
    expect(Object.keys(k)).toEqual(Object.keys(ca));
  });
});
