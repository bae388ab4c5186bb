// The cluster autoscaler in a run: scale-up decisions worked out by hand from the estimator and the expanders
// (cluster-autoscaler 1.36), scale-down after the unneeded time, the group limits, failed provisioning with
// backoff, and the drain rules that keep a node (local storage, PDBs).
import { describe, expect, it } from 'vitest';
import { daemonSet, serviceApp } from '../helpers/manifests.js';
import { runScenario } from '../helpers/scenario.js';

interface Options {
  autoscaler?: string;
  pools?: string;
  replicas?: number;
  later?: string;
  podSpec?: string;
  extra?: string;
  duration?: string;
}

const SMALL = '{name: small, minCount: 1, maxCount: 10, allocatable: {cpu: "4", memory: 16Gi}, pricePerHour: 0.2}';
const BIG = '{name: big, minCount: 0, maxCount: 5, allocatable: {cpu: "16", memory: 64Gi}, pricePerHour: 0.8}';

function web(replicas: number, podSpec = '', at = '') {
  return `
  - ${at ? `at: ${at}\n    ` : ''}objects:
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: ${replicas}
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: c, image: web, resources: {requests: {cpu: "1", memory: 1Gi}}}]${podSpec}`;
}

/** Three small nodes, one of them the group's minimum. */
const THREE = `    - {name: small, count: 3, minCount: 1, maxCount: 3, allocatable: {cpu: "4", memory: 16Gi}}`;

/** A PodDisruptionBudget over web's pods. */
const webPdb = (maxUnavailable: number) => `
      - apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: web}
        spec: {maxUnavailable: ${maxUnavailable}, selector: {matchLabels: {app: web}}}`;

/** A workload entry of one Deployment (1Gi a pod), at a time or from the start. */
const app = (name: string, replicas: number, cpu: string, at = '') =>
  `\n  - ${at ? `at: ${at}\n    ` : ''}objects:${serviceApp(name, { replicas, cpu, memory: '1Gi', service: false })}`;

function scenario(o: Options = {}) {
  return `
name: ca
duration: ${o.duration ?? '2h'}
metrics: {interval: 1m}
cluster:
  nodePools:
${(o.pools ?? `    - ${SMALL}\n    - ${BIG}`).trimEnd()}
  autoscaler: {provisioningTime: 2m${o.autoscaler ? `, ${o.autoscaler}` : ''}}
workloads:${web(o.replicas ?? 10, o.podSpec)}${o.later ?? ''}${o.extra ?? ''}
`;
}

type Table = ReturnType<typeof runScenario>['table'];
const events = (table: Table, reason: string) =>
  table('events')
    .filter((e) => e.reason === reason)
    .map((e) => [e.time_s, e.object, e.message]);

describe('scale-up', () => {
  // 10 pods of 1 cpu and 1Gi; small-0 (4 cpu) takes 4 at once, 6 stay pending. At the first loop (10 s) the
  // estimator packs the 6 onto fresh nodes: small needs 2 (4 + 2), big 1 (16 cpu). least-waste over capacity:
  // small wastes (8 - 6) / 8 cpu + (32 - 6) / 32 memory = 0.25 + 0.8125 = 1.0625; big (16 - 6) / 16 +
  // (64 - 6) / 64 = 0.625 + 0.90625 = 1.53125. small wins: 1 -> 3. Both nodes are Ready 2 min later.
  it('adds exactly the nodes least-waste implies', () => {
    const { table, summary } = runScenario(scenario());
    expect(events(table, 'ScaledUpGroup')).toEqual([
      [10, 'configmap/kube-system/cluster-autoscaler-status', 'Scale-up: setting group small size to 3 instead of 1 (max: 10)'],
    ]);
    expect(events(table, 'TriggeredScaleUp')).toHaveLength(6);
    expect(events(table, 'RegisteredNode').map((e) => [e[0], e[1]])).toEqual([
      [130, 'node/small-1'],
      [130, 'node/small-2'],
    ]);
    expect(summary.autoscaler_nodes_added).toBe(2);
    expect(summary.pods_pending_end).toBe(0);
    // The pending pods are placed once the nodes are Ready.
    const placed = table('pods').filter((p) => p.node === 'small-1' || p.node === 'small-2');
    expect(placed).toHaveLength(6);
    for (const p of placed) expect(Number(p.scheduled_s)).toBeGreaterThanOrEqual(130);
  });

  // static_autoscaler.go allPodsAreNew: pods created less than 2 s before a loop (unschedulablePodTimeBuffer) may
  // have more coming, so that loop waits. web's 4 pods fill small-0; 6 more arrive at 7 s or at 9 s, and the
  // scheduler finds no room at once. The loop at 10 s scales up for those 3 s old; those 1 s old wait for 20 s.
  it('waits a loop for pods created less than 2 s before it', () => {
    const scaledUpAt = (at: string) =>
      events(runScenario(scenario({ replicas: 4, pools: `    - ${SMALL}`, extra: app('burst', 6, '"1"', at) })).table, 'ScaledUpGroup').map(
        (e) => e[0],
      );
    expect(scaledUpAt('7s')).toEqual([10]);
    expect(scaledUpAt('9s')).toEqual([20]);
  });

  // filter_out_daemon_sets.go: a DaemonSet pod that does not fit its node (web's 4 pods fill small-0 before the
  // DaemonSet comes at 1 min) is left out of the scale-up: no node is added for it, and it is not told.
  it('leaves pending DaemonSet pods out of scale-up', () => {
    const { table } = runScenario(
      scenario({ replicas: 4, pools: `    - ${SMALL}`, later: `\n  - at: 1m\n    objects:${daemonSet('agent', '500m')}` }),
    );
    const agentPods = table('pods').filter((p) => String(p.pod).startsWith('agent-'));
    expect(agentPods.some((p) => p.node === '')).toBe(true);
    expect(table('events').filter((e) => e.reason === 'NotTriggerScaleUp' || e.reason === 'TriggeredScaleUp')).toEqual([]);
    expect(events(table, 'ScaledUpGroup')).toEqual([]);
  });

  it('least-nodes takes one big node; priority follows the ConfigMap; price the cheaper small nodes', () => {
    const sized = (expander: string) =>
      events(runScenario(scenario({ autoscaler: expander, later: '' })).table, 'ScaledUpGroup').map((e) => e[2]);
    expect(sized('expander: least-nodes')).toEqual(['Scale-up: setting group big size to 1 instead of 0 (max: 5)']);
    expect(sized('expander: priority, priorities: {10: [small], 20: ["^bi"]}')).toEqual([
      'Scale-up: setting group big size to 1 instead of 0 (max: 5)',
    ]);
    // price: the preferred node for a 1-node cluster has 1 cpu, so small (4 cpu) is the closer fit, and it costs
    // 2 x 0.2 against 0.8.
    expect(sized('expander: price')).toEqual(['Scale-up: setting group small size to 3 instead of 1 (max: 10)']);
  });

  it('stops at the max size and tells the pods it cannot help', () => {
    const { table, summary } = runScenario(
      scenario({ pools: '    - {name: small, minCount: 1, maxCount: 2, allocatable: {cpu: "4", memory: 16Gi}}' }),
    );
    // The estimate is capped by the group's room (threshold_based_limiter): one node for 4 of the 6 pods.
    expect(events(table, 'ScaledUpGroup').map((e) => e[2])).toEqual(['Scale-up: setting group small size to 2 instead of 1 (max: 2)']);
    expect(events(table, 'TriggeredScaleUp')).toHaveLength(4);
    const told = events(table, 'NotTriggerScaleUp');
    expect(told).toHaveLength(2);
    expect(told[0]![2]).toBe("pod didn't trigger scale-up: 1 max node group size reached");
    expect(summary.pods_pending_end).toBe(2);
  });

  // Provisioning takes 20 min, past --max-node-provision-time (15 min): the scale-up of 10 s fails at 910 s and
  // the group backs off for 5 min; the loop at 1210 s asks again.
  it('a node that does not come up in time fails the scale-up and backs the group off', () => {
    const { table } = runScenario(
      scenario({
        pools: `    - ${SMALL}`,
        autoscaler: 'maxNodeProvisionTime: 15m',
        duration: '25m',
      }).replace('provisioningTime: 2m', 'provisioningTime: 20m'),
    );
    expect(events(table, 'ScaledUpGroup').map((e) => [e[0], e[2]])).toEqual([
      [10, 'Scale-up: setting group small size to 3 instead of 1 (max: 10)'],
      [1210, 'Scale-up: setting group small size to 3 instead of 1 (max: 10)'],
    ]);
    // One failed scale-up (of two nodes), one backoff.
    expect(events(table, 'FailedToScaleUpGroup').map((e) => e[0])).toEqual([910]);
    expect(events(table, 'RegisteredNode')).toEqual([]);
  });

  it('is deterministic for a seed', () => {
    const text = scenario().replace('provisioningTime: 2m', 'provisioningTime: {lognormal: {median: 90s, p90: 150s}}');
    const a = runScenario(text);
    const b = runScenario(text);
    expect(a.table('events')).toEqual(b.table('events'));
    expect(a.table('events').length).toBeGreaterThan(3);
  });
});

describe('scale-down', () => {
  // At 1 h the Deployment drops to 2 replicas; the pods on small-1 and small-2 go (30 s grace), so from the
  // loop at 3630 s both nodes are empty, hence unneeded. Removable once unneeded for more than 10 min: the loop
  // at 4240 s (4230 is not past 3630 + 600). Empty nodes go together, 5 s after their taint.
  it('removes the nodes left empty after the unneeded time, down to the min size', () => {
    const { table, summary } = runScenario(scenario({ later: web(2, '', '1h') }));
    expect(events(table, 'ScaleDownEmpty').map((e) => [e[0], e[2]])).toEqual([
      [4240, 'Scale-down: removing empty node "small-1"'],
      [4240, 'Scale-down: removing empty node "small-2"'],
    ]);
    expect(events(table, 'RemovingNode').map((e) => [e[0], e[1]])).toEqual([
      [4245, 'node/small-1'],
      [4245, 'node/small-2'],
    ]);
    expect(summary.nodes).toBe(1);
    expect(summary.autoscaler_nodes_removed).toBe(2);
    // Cost: small-0 for 2 h, small-1 and small-2 from 130 s to 4245 s, at 0.2 an hour.
    expect(Number(summary.cost)).toBeCloseTo(0.2 * (2 + (2 * (4245 - 130)) / 3600), 6);
    // The Deployment's cost: each pod (1 of 4 cpu, 1Gi of 16Gi) is charged 0.5 x 1/4 + 0.5 x 1/16 of 0.2 an hour
    // while bound; the rest of the node-hours are idle.
    const share = (0.5 * 0.25 + 0.5 / 16) * 0.2;
    const podHours = table('pods').reduce(
      (h, p) => h + ((p.finished_s === '' ? 7200 : Number(p.finished_s)) - Number(p.scheduled_s)) / 3600,
      0,
    );
    const [row] = table('workloads');
    expect(Number(row!.cost)).toBeCloseTo(share * podHours, 9);
    expect(Number(summary.cost_allocated)).toBeCloseTo(share * podHours, 9);
    expect(Number(summary.cost_idle)).toBeCloseTo(Number(summary.cost) - share * podHours, 9);
  });

  // Two pods of 1 GPU (and 1 cpu) on two nodes of 4 GPUs, one each (spread by the default topology spreading): a
  // GPU node's utilization is its GPU's, 25%, judged against the GPU threshold alone (planner.go / eligibility.go:
  // --scale-down-gpu-utilization-threshold), whatever the cpu threshold says.
  it('judges a GPU node by its GPU utilization against the GPU threshold', () => {
    const gpu = (thresholds: string) => `
name: ca-gpu
duration: 40m
metrics: {interval: 1m}
cluster:
  nodePools:
    - {name: gpu, count: 2, minCount: 1, maxCount: 2, allocatable: {cpu: "8", memory: 32Gi, nvidia.com/gpu: "4"}}
  autoscaler: {provisioningTime: 2m, ${thresholds}}
workloads:
  - objects:
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: train}
        spec:
          replicas: 2
          selector: {matchLabels: {app: train}}
          template:
            metadata: {labels: {app: train}}
            spec:
              containers: [{name: c, image: train, resources: {requests: {cpu: "1", memory: 1Gi, nvidia.com/gpu: "1"}}}]
`;
    const removed = (thresholds: string) => runScenario(gpu(thresholds)).summary.autoscaler_nodes_removed;
    // 25% is below a GPU threshold of 30%: one node is drained (its pod fits on the other) and removed.
    expect(removed('scaleDownGpuUtilizationThreshold: 0.3, scaleDownUtilizationThreshold: 0.1')).toBe(1);
    // 25% is not below 20%, even with a cpu threshold of 90% (the cpu and memory utilization are lower still).
    expect(removed('scaleDownGpuUtilizationThreshold: 0.2, scaleDownUtilizationThreshold: 0.9')).toBe(0);
  });

  // Three 1-cpu pods on three 4-cpu nodes (one each, spread by the default topology spreading): each node is at
  // 25%, below 50%. The first candidate's pod fits on another node, so small-0... is drained and removed.
  it('drains an underused node whose pods fit elsewhere, and keeps one whose pod has local storage', () => {
    const moved = runScenario(scenario({ pools: THREE, replicas: 3, duration: '1h' }));
    const drains = events(moved.table, 'ScaleDown').filter((e) => String(e[1]).startsWith('configmap'));
    expect(drains.length).toBeGreaterThan(0);
    expect(events(moved.table, 'RemovingNode').length).toBeGreaterThan(0);
    expect(moved.summary.pods_pending_end).toBe(0);
    expect(moved.summary.pods_running_end).toBe(3);

    const local = runScenario(
      scenario({
        pools: THREE,
        replicas: 3,
        duration: '1h',
        podSpec: '\n              volumes: [{name: cache, emptyDir: {}}]',
      }),
    );
    expect(events(local.table, 'RemovingNode')).toEqual([]);
    expect(local.summary.nodes).toBe(3);
    // safe-to-evict-local-volumes naming the volume lifts the block.
    const allowed = runScenario(
      scenario({
        pools: THREE,
        replicas: 3,
        duration: '1h',
        podSpec: '\n              volumes: [{name: cache, emptyDir: {}}]',
      }).replace(
        'metadata: {labels: {app: web}}',
        'metadata: {labels: {app: web}, annotations: {cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes: cache}}',
      ),
    );
    expect(events(allowed.table, 'RemovingNode').length).toBeGreaterThan(0);
  });

  it('a PDB that allows no disruption keeps the nodes', () => {
    const { table, summary } = runScenario(scenario({ pools: THREE, replicas: 3, duration: '1h', podSpec: webPdb(0) }));
    expect(events(table, 'RemovingNode')).toEqual([]);
    expect(summary.nodes).toBe(3);
  });

  // planner.go categorizeNodes with the RemainingPdbTracker: a 2-cpu filler on small-0 (50%: no candidate) and one
  // web pod on each of small-1 and small-2 (25%), under a PDB allowing 1 disruption. At 10 s small-1 is removable
  // and its pod spends the budget, so small-2 is blocked (NotEnoughPdb) and not rechecked for 5 min; at 320 and
  // 620 s small-1, unneeded before, is checked first and spends the budget again. small-1 is drained at 620 s and
  // gone at 680 s; at 920 s small-2 is removable (the replacement pod runs: 1 disruption allowed), and it is
  // removed 10 min later. Without the tracker both would be unneeded from 10 s and small-2 drained at 680 s.
  it("spends a PDB's disruptions on the nodes found removable first in a loop", () => {
    const text = scenario({ pools: THREE, replicas: 2, duration: '1h', podSpec: webPdb(1) }).replace(
      'workloads:',
      `workloads:${app('filler', 1, '"2"')}`,
    );
    const { table } = runScenario(text);
    expect(table('pods').find((p) => String(p.pod).startsWith('filler-'))!.node).toBe('small-0');
    expect(events(table, 'RemovingNode').map((e) => [e[0], e[1]])).toEqual([
      [680, 'node/small-1'],
      [1580, 'node/small-2'],
    ]);
  });

  // simulator/cluster.go findPlaceFor takes only the pods to move off a node: its DaemonSet pods stay and count.
  // small-0 and small-2 are in zone-a, small-1 in zone-b (full: a 3.5-cpu filler). web's one pod (on small-0)
  // spreads over zones (maxSkew 1) counting every tier=x pod, the agent DaemonSet's too: zone-a holds 2 agents
  // and zone-b 1. Moving web's pod off small-0, with small-0's agent still counted, zone-a would hold 3 against
  // zone-b's 1: small-0 is not removable, and only small-2 (agent only) goes. Were the agent taken off too, the pod
  // would fit small-2 (2 against 1), and small-0 would be drained with small-2 deleted: a scale-up to follow.
  it("leaves a node's DaemonSet pods on it when simulating its removal", () => {
    const text = `
name: ds-spread
duration: 40m
metrics: {interval: 1m}
cluster:
  nodePools:
    - {name: small, count: 3, minCount: 1, maxCount: 3, zones: [zone-a, zone-b], allocatable: {cpu: "4", memory: 16Gi}}
  autoscaler: {provisioningTime: 2m}
workloads:
  - objects:${serviceApp('filler', { cpu: '3500m', memory: '1Gi', service: false, nodeSelector: '{kubernetes.io/hostname: small-1}' })}
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web, tier: x}}
            spec:
              topologySpreadConstraints:
                - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {tier: x}}}
              containers: [{name: c, image: web, resources: {requests: {cpu: "1", memory: 1Gi}}}]
  - at: 30s
    objects:${daemonSet('agent', '100m', 'tier: x')}
`;
    const { table } = runScenario(text);
    expect(table('pods').find((p) => String(p.pod).startsWith('web-'))!.node).toBe('small-0');
    expect(events(table, 'RemovingNode').map((e) => [e[0], e[1]])).toEqual([[625, 'node/small-2']]);
    expect(events(table, 'ScaledUpGroup')).toEqual([]);
  });

  // Two 4-cpu nodes: a 3.5-cpu filler pod on one (B, 87.5%: no candidate) and a 1-cpu web pod on the other
  // (A, 25%: a candidate whose pod has nowhere to go). At 30 min the filler is replaced by a 500m pod, so both
  // nodes are candidates and either one's pod fits on the other: the first one checked becomes unneeded and
  // the other keeps it. Checked in index order, that would be A if A were checked at all; but A was found
  // unremovable before, and is not checked again until --unremovable-node-recheck-timeout (5 min) has passed
  // since, so B is checked first and is the one removed. With a timeout of 0, A is checked first and goes.
  it('does not simulate a node found unremovable again before the recheck timeout', () => {
    const two = `    - {name: small, count: 2, minCount: 1, maxCount: 2, allocatable: {cpu: "4", memory: 16Gi}}`;
    const removed = (timeout: string) => {
      const text = scenario({
        pools: two,
        replicas: 1,
        duration: '1h',
        extra: app('filler', 1, '3500m') + app('filler', 1, '500m', '30m'),
      }).replace('autoscaler: {provisioningTime: 2m', `autoscaler: {provisioningTime: 2m, unremovableNodeRecheckTimeout: ${timeout}`);
      const { table } = runScenario(text);
      const first = (name: string) => String(table('pods').find((p) => String(p.pod).startsWith(name))!.node);
      const gone = events(table, 'RemovingNode').map((e) => String(e[1]).replace('node/', ''));
      return { gone, web: first('web-'), filler: first('filler-') };
    };
    const withTimeout = removed('5m');
    expect(withTimeout.web).not.toBe(withTimeout.filler);
    expect(withTimeout.gone).toEqual([withTimeout.filler]);
    const without = removed('0s');
    expect(without.gone).toEqual([without.web]);
  });
});
