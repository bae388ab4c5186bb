// workloads.csv's recovery, minReadySeconds and volume-wait figures, and pools.csv, on small runs whose
// times follow from the node lifecycle controller's timings (see test/faults/failures.test.ts).
import { describe, expect, it } from 'vitest';
import { runScenario } from '../helpers/scenario.js';

const deployment = (name: string, replicas: number, extra = '') => `
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: ${name}}
        spec:
          replicas: ${replicas}${extra}
          selector: {matchLabels: {app: ${name}}}
          template:
            metadata: {labels: {app: ${name}}}
            spec:
              containers: [{name: c, image: ${name}:1, resources: {requests: {cpu: "1", memory: 1Gi}}}]`;

const scenario = (o: { nodes: number; faults: string; duration?: string; objects: string; pools?: string }) => `
name: recovery
duration: ${o.duration ?? '1h'}
cluster:
  podStartup: 1s
  scheduler: {latency: 0s}
  nodePools:
    - name: p
      zones: [zone-a]
      count: ${o.nodes}
      allocatable: {cpu: "4", memory: 16Gi}
      pricePerHour: 0.5${o.pools ?? ''}
${o.faults}
workloads:
  - objects:${o.objects}
`;

describe('time to recover after a fault', () => {
  it('runs from the failure until a replacement is available: grace period, toleration, start', () => {
    // p-0 dies at 605 s (lease renewed at 600 s): NotReady at 655 s, tainted at once (1 of 3 nodes
    // unhealthy: the zone is Normal), its pod evicted 300 s later at 955 s; the replacement binds
    // elsewhere at once and is Ready 1 s later: recovered at 956 s, 351 s after the failure.
    const { table, summary } = runScenario(
      scenario({ nodes: 3, faults: 'faults:\n  - nodeFailure: {node: p-0, at: 605s, for: 1h}', objects: deployment('web', 3) }),
    );
    const onDead = table('pods').filter((p) => p.node === 'p-0');
    expect(onDead.length).toBe(1);
    const w = table('workloads')[0]!;
    expect([w.faults_hit, w.recovery_median_s, w.recovery_max_s, w.unrecovered]).toEqual([1, 351, 351, 0]);
    // The API showed all three Ready until 655 s: short of one from then to 956 s.
    expect(w.unavailable_longest_s).toBe(301);
    expect(summary.recovery_max_s).toBe(351);
    expect(summary.unrecovered).toBe(0);
  });

  it('counts a workload with no pod on the failed node as not hit', () => {
    const { table } = runScenario(
      scenario({ nodes: 3, faults: 'faults:\n  - nodeFailure: {node: p-2, at: 605s, for: 10m}', objects: deployment('one', 1) }),
    );
    const w = table('workloads')[0]!;
    expect(table('pods')[0]!.node).not.toBe('p-2');
    expect([w.faults_hit, w.recovery_median_s, w.recovery_max_s]).toEqual([0, '', '']);
  });

  it('reports a workload still short at the end as unrecovered', () => {
    // One node only: the replacement has nowhere to go while p-0 is down.
    const { table, summary } = runScenario(
      scenario({
        nodes: 1,
        duration: '30m',
        faults: 'faults:\n  - nodeFailure: {node: p-0, at: 605s, for: 1h}',
        objects: deployment('web', 2),
      }),
    );
    const w = table('workloads')[0]!;
    expect([w.faults_hit, w.recovery_max_s, w.unrecovered]).toEqual([1, '', 1]);
    expect(summary.unrecovered).toBe(1);
    expect(summary.recovery_max_s).toBe('');
  });

  it('makes one clock of nodes failing at the same instant, and medians over faults', () => {
    // web has a pod on each of 4 nodes. p-0 and p-1 die together at 605 s (one clock): NotReady at 655 s,
    // tainted at 655 s and 665 s (2 of 4 unhealthy is below 55%: the zone is Normal, 0.1 node/s), evicted
    // at 955 s and 965 s, replaced on p-2 and p-3: recovered at 966 s, after 361 s. p-2 (now with two of
    // web's pods) dies at 2405 s: NotReady and tainted at 2455 s, both pods evicted at 2755 s and replaced
    // on p-0 and p-1 (back since 1205 s): recovered at 2756 s, after 351 s.
    const { table } = runScenario(
      scenario({
        nodes: 4,
        duration: '2h',
        faults: `faults:
  - nodeFailure: {node: p-0, at: 605s, for: 10m}
  - nodeFailure: {node: p-1, at: 605s, for: 10m}
  - nodeFailure: {node: p-2, at: 2405s, for: 1h}`,
        objects: deployment('web', 4),
      }),
    );
    const w = table('workloads')[0]!;
    expect([w.faults_hit, w.recovery_median_s, w.recovery_max_s, w.unrecovered]).toEqual([2, 356, 361, 0]);
  });
});

describe('minReadySeconds', () => {
  it('counts a Ready pod as available only after minReadySeconds (podutil.IsPodAvailable)', () => {
    // Applied at 0 s, Ready at 1 s: available at 31 s with minReadySeconds 30, at 1 s without.
    const ratio = (extra: string) =>
      runScenario(scenario({ nodes: 1, duration: '10m', faults: '', objects: deployment('web', 2, extra) })).table('workloads')[0]!;
    const plain = ratio('');
    expect(plain.unavailable_longest_s).toBe(1);
    expect(plain.availability_all_ratio).toBeCloseTo(599 / 600, 11);
    const slow = ratio('\n          minReadySeconds: 30');
    expect(slow.unavailable_longest_s).toBe(31);
    expect(slow.availability_all_ratio).toBeCloseTo(569 / 600, 11);
    expect(slow.pods_available_end).toBe(2);
  });

  it('restarts the wait when the pod turns unready and Ready again', () => {
    // A container that runs 601 s and exits 0 restarts at once each time (restartPolicy Always; past 600 s
    // of running the backoff starts over): unready for an instant at 602, 1203, 1804, 2405 and 3006 s, then
    // Ready again; with minReadySeconds 30 it is unavailable for 30 s after each restart and 31 s at first.
    const { table } = runScenario(`
name: mrs
duration: 1h
cluster:
  podStartup: 1s
  scheduler: {latency: 0s}
  nodePools:
    - name: p
      count: 1
      allocatable: {cpu: "4", memory: 16Gi}
workloads:
  - objects:${deployment('web', 1, '\n          minReadySeconds: 30')}
    runTime: 601s
`);
    const w = table('workloads')[0]!;
    expect(w.container_restarts).toBe(5);
    expect(w.unavailable_longest_s).toBe(31);
    expect(Number(w.availability_all_ratio)).toBeCloseTo((3600 - 31 - 5 * 30) / 3600, 11);
  });
});

describe('pods waiting for their volume zone', () => {
  it('measures the Pending time of a pod pinned to its volume zone (drained zone-b)', () => {
    const run = (volumes: boolean) =>
      runScenario(`
name: volumes
duration: 1h
cluster:
  podStartup: 1s
  scheduler: {latency: 0s}
  nodePools:
    - name: p
      zones: [zone-a, zone-b, zone-c]
      count: 3
      allocatable: {cpu: "4", memory: 16Gi}
faults:
  - drain: {node: p-1, at: 10m, for: 10m}
workloads:
  - objects:
      - apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          serviceName: db
          replicas: 3
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec:
              containers: [{name: db, image: db:1, resources: {requests: {cpu: "1", memory: 1Gi}}}]
${volumes ? '          volumeClaimTemplates:\n            - metadata: {name: data}\n              spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}' : ''}
`);
    const bound = run(true);
    const again = bound.table('pods').find((p) => p.node === 'p-1' && p.finished_s === '' && Number(p.created_s) === 630)!;
    const waited = Number(again.scheduled_s) - 630;
    expect(waited).toBeGreaterThanOrEqual(600);
    const w = bound.table('workloads')[0]!;
    // Only the replacement waited: the first pods had no volume bound yet.
    expect([w.volume_wait_s, w.volume_wait_longest_s]).toEqual([waited, waited]);
    expect(bound.summary.volume_wait_s).toBe(waited);
    const free = run(false).table('workloads')[0]!;
    expect([free.volume_wait_s, free.volume_wait_longest_s]).toEqual([0, 0]);
  });
});

describe('pools.csv', () => {
  it("weighs each node's up time by its life, per pool, with node-hours and cost", () => {
    const { table } = runScenario(
      scenario({
        nodes: 2,
        duration: '2h',
        faults: 'faults:\n  - nodeFailure: {node: p-0, at: 1h, for: 30m}',
        objects: deployment('web', 1),
        pools: `
    - name: q
      zones: [zone-a]
      count: 1
      allocatable: {cpu: "4", memory: 16Gi}
      pricePerHour: 1`,
      }),
    );
    const pools = table('pools');
    expect(pools.map((p) => p.node_pool)).toEqual(['p', 'q']);
    const [p, q] = pools;
    // p: 2 nodes x 2 h, one down for 30 min: up 3.5 of 4 node-hours.
    expect([p!.nodes_end, p!.nodes_ever, p!.node_hours, p!.cost, p!.up_ratio]).toEqual([2, 2, 4, 2, 0.875]);
    expect([q!.nodes_end, q!.node_hours, q!.cost, q!.up_ratio, q!.ready_ratio]).toEqual([1, 2, 2, 1, 1]);
    // Ready: the API shows p-0 NotReady from 3655 s (grace period) to its return at 5400 s.
    expect(p!.ready_ratio).toBeCloseTo((4 * 3600 - (5400 - 3655)) / (4 * 3600), 9);
  });
});
