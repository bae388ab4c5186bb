// The invariant checker: it reports each invariant broken by hand on a small cluster, and finds none in
// the example scenarios and in runs with zone outages, partitions and random node failures.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InvariantChecker } from '../../src/model/invariants.js';
import { CPU } from '../../src/model/resources.js';
import { loadScenario } from '../../src/scenario/load.js';
import { boundPod, makeCluster, pod } from '../helpers/builders.js';
import { runChecked } from '../helpers/invariants.js';
import { tempFiles } from '../helpers/scenario.js';

function small() {
  const cluster = makeCluster([
    { name: 'a', cpu: '4' },
    { name: 'b', cpu: '4' },
  ]);
  const checker = new InvariantChecker(cluster);
  return { cluster, checker, a: cluster.nodes[0]!, b: cluster.nodes[1]! };
}

/** Expects a clean check, then, after `breakIt`, a violation matching `message`. */
function expectCaught(checker: InvariantChecker, breakIt: () => void, message: RegExp): void {
  expect(checker.check()).toEqual([]);
  breakIt();
  expect(checker.check()).toContainEqual(expect.stringMatching(message));
}

describe('the invariant checker on a small cluster', () => {
  it('finds nothing wrong with pods created, bound, started, finished and deleted through the model', () => {
    const { cluster, checker, a, b } = small();
    const running = boundPod(cluster, 'a', { cpu: '1' });
    cluster.startPod(running);
    const done = boundPod(cluster, 'b', { cpu: '2' });
    cluster.startPod(done);
    cluster.finishPod(done, 'Succeeded');
    cluster.deletePod(pod(cluster), 'ScaledDown');
    const graceful = boundPod(cluster, 'b', { cpu: '1' });
    cluster.deletePod(graceful, 'ScaledDown', 30_000);
    pod(cluster);
    expect(checker.check()).toEqual([]);
    expect(checker.counts).toMatchObject({ created: 5, started: 2, bound: 3, succeeded: 1, failed: 0, deleted: 1 });
    expect([a.pods.length, b.pods.length]).toEqual([1, 1]);
    expect(checker.checks).toBe(1);
  });

  it('counts the changes it hears, and not those of a what-if', () => {
    const { cluster, checker, a } = small();
    expect(checker.changes).toBe(0);
    const p = boundPod(cluster, 'a', { cpu: '1' }); // PodAdded, PodBound
    expect(checker.changes).toBe(2);
    const mark = cluster.fork();
    cluster.assumePodRemoved(p);
    cluster.revert(mark);
    expect(checker.changes).toBe(2);
    cluster.setPodReady(p, true);
    expect(checker.changes).toBeGreaterThan(2);
    expect(a.pods).toEqual([p]);
  });

  it('counts the pods live when it is attached as created', () => {
    const cluster = makeCluster([{ name: 'a' }]);
    cluster.startPod(boundPod(cluster, 'a'));
    pod(cluster);
    const checker = new InvariantChecker(cluster);
    expect(checker.counts).toMatchObject({ created: 2, started: 1, bound: 1 });
    expect(checker.check()).toEqual([]);
  });

  it('reports a pod listed twice on its node', () => {
    const { cluster, checker, a } = small();
    const p = boundPod(cluster, 'a', { cpu: '1' });
    expectCaught(checker, () => a.pods.push(p), /node a lists pod .* at 1, but the pod is on a at 0/);
    expect(checker.check()).toContainEqual(expect.stringMatching(/node pod lists hold 2/));
  });

  it('reports a bound pod missing from its node list, and a pod on another node list', () => {
    const { cluster, checker, a, b } = small();
    const p = boundPod(cluster, 'a', { cpu: '1' });
    expectCaught(
      checker,
      () => {
        a.pods.pop();
        b.pods.push(p);
      },
      /pod \S+ is not in slot 0 of node a/,
    );
    expect(checker.check()).toContainEqual(expect.stringMatching(/node b lists pod .* but the pod is on a/));
  });

  it('reports a forged allocation: the incremental aggregate and its pods disagree', () => {
    const { cluster, checker, a } = small();
    boundPod(cluster, 'a', { cpu: '1' });
    expectCaught(checker, () => (a.requested[CPU]! += 500), /node a: cpu requested is 1500, but its pods request 1000/);
  });

  it('reports a node whose pods request more than it has', () => {
    const { cluster, checker } = small();
    boundPod(cluster, 'a', { cpu: '3' });
    // bindPod trusts the scheduler's Filter: a second pod of 3 CPU overcommits the node.
    expectCaught(checker, () => boundPod(cluster, 'a', { cpu: '3' }), /node a: cpu requested 6000 exceeds allocatable 4000/);
  });

  it('reports pods not conserved when a live pod vanishes without an event', () => {
    const { cluster, checker } = small();
    const p = pod(cluster);
    expectCaught(checker, () => cluster.livePods.delete(p.id), /pods not conserved: created 1 ≠ pending 0 \+ running 0/);
  });

  it('reports a running pod counted in the wrong phase', () => {
    const { cluster, checker } = small();
    const p = boundPod(cluster, 'a');
    cluster.startPod(p);
    expectCaught(checker, () => (p.phase = 'Pending'), /running pods: 0 live, but started 1/);
  });

  it('reports a pod bound to a removed node', () => {
    const { cluster, checker, a } = small();
    boundPod(cluster, 'a');
    expectCaught(checker, () => (a.removedAt = 0), /pod \S+ is bound to removed node a/);
    expect(checker.check()).toContainEqual('removed node a still holds 1 pod(s)');
  });

  it("reports the cluster's node counters out of step", () => {
    const { cluster, checker } = small();
    expectCaught(checker, () => cluster.noScheduleNodes++, /cluster.noScheduleNodes is 1, but 0 nodes count/);
  });

  it('reports a what-if left open between events', () => {
    const { cluster, checker } = small();
    expectCaught(checker, () => cluster.fork(), /a what-if is open/);
  });

  it('reports live containers on a machine that is down, and dead ones on a machine that is back', () => {
    // No kubelet here: nothing reacts to the machine going down, as a broken kubelet would not.
    const { cluster, checker, a } = small();
    const p = boundPod(cluster, 'a');
    cluster.startPod(p);
    expectCaught(checker, () => cluster.setNodeHealth(a, false, false), /pod \S+ is Running with live containers on node a, which is down/);
    p.containersDown = true;
    expect(checker.check()).toEqual([]);
    cluster.setNodeHealth(a, true, true);
    expect(checker.check()).toContainEqual(expect.stringMatching(/has its containers down on node a, which is up and reachable/));
    cluster.setNodeHealth(a, true, false);
    expect(checker.check()).toEqual([]);
  });

  it('reports a pod Ready with dead containers once its node is NotReady, and a NotReady node without its taint', () => {
    const { cluster, checker, a } = small();
    const p = boundPod(cluster, 'a');
    cluster.startPod(p);
    cluster.setNodeHealth(a, false, false);
    p.containersDown = true;
    // Until the node lifecycle controller notices, the API still shows the pod Ready.
    expect(p.ready).toBe(true);
    expectCaught(checker, () => cluster.setNodeReady(a, false), /pod \S+ is Ready with its containers down on NotReady node a/);
    expect(checker.check()).toContainEqual('node a is NotReady without the node.kubernetes.io/unreachable:NoSchedule taint');
    cluster.addTaint(a, { key: 'node.kubernetes.io/unreachable', value: '', effect: 'NoSchedule' });
    cluster.setPodReady(p, false);
    expect(checker.check()).toEqual([]);
  });

  it('assertHolds throws with every violation and the time', () => {
    const { cluster, checker, a } = small();
    boundPod(cluster, 'a', { cpu: '1' });
    expect(() => checker.assertHolds()).not.toThrow();
    a.requested[CPU] = 9000;
    expect(() => checker.assertHolds()).toThrow(
      /invariants violated at 0 ms:\n {2}node a: cpu requested is 9000.*\n {2}node a: cpu requested 9000 exceeds/,
    );
  });
});

describe('runChecked', () => {
  afterEach(() => vi.restoreAllMocks());

  it('stops at the first check that finds a violation, with the time and every violation', () => {
    const real = InvariantChecker.prototype.check;
    let calls = 0;
    vi.spyOn(InvariantChecker.prototype, 'check').mockImplementation(function (this: InvariantChecker) {
      const found = real.call(this);
      return ++calls === 4 ? [...found, 'first forged', 'second forged'] : found;
    });
    const s = loadScenario(join('scenarios', 'default.yaml'), { set: ['duration=1h'] });
    expect(() => runChecked(s, {}, 100)).toThrow(
      /^default: invariants violated at \d+ ms after 300 events:\n {2}first forged\n {2}second forged$/,
    );
    expect(calls).toBe(4);
  });
});

describe('whole runs keep every invariant', () => {
  const dir = 'scenarios';
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

  it.each(files)('%s (2 h; request traffic: its own duration)', (file) => {
    // A scenario of request traffic runs as written: its changes to the cluster (a rollout, a canary's steps) all
    // come in its hour, and a second hour of requests alone (20-40 million events) changes nothing checked here.
    const asWritten = loadScenario(join(dir, file));
    const s = asWritten.traffic?.mode === 'requests' ? asWritten : loadScenario(join(dir, file), { set: ['duration=2h'] });
    // Checked after every 5 events that changed the cluster: request traffic adds millions that change nothing.
    const r = runChecked(s, {}, 5);
    // Before the first event, after each slice that changed the cluster, and at the end; each pod's creation changes it.
    expect(r.checks).toBe(r.changedSlices + 2);
    expect(r.changedSlices).toBeGreaterThanOrEqual(Number(r.summary.pods_created) / 5);
    expect(r.summary.pods_created).toBeGreaterThan(0);
  });

  const manifests = `
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web}
  spec:
    replicas: 9
    selector: {matchLabels: {app: web}}
    template:
      metadata: {labels: {app: web}}
      spec:
        topologySpreadConstraints:
          - {maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: web}}}
        containers: [{name: c, image: web:1, resources: {requests: {cpu: 500m, memory: 1Gi}}}]
- apiVersion: apps/v1
  kind: StatefulSet
  metadata: {name: db}
  spec:
    replicas: 3
    serviceName: db
    selector: {matchLabels: {app: db}}
    template:
      metadata: {labels: {app: db}}
      spec:
        tolerations: [{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 60}]
        containers: [{name: db, image: db:1, resources: {requests: {cpu: "1", memory: 2Gi}}}]
- apiVersion: apps/v1
  kind: DaemonSet
  metadata: {name: agent}
  spec:
    selector: {matchLabels: {app: agent}}
    template:
      metadata: {labels: {app: agent}}
      spec:
        tolerations: [{operator: Exists}]
        containers: [{name: agent, image: agent:1, resources: {requests: {cpu: 100m, memory: 128Mi}}}]
- apiVersion: batch/v1
  kind: Job
  metadata: {name: train}
  spec:
    completions: 12
    parallelism: 4
    backoffLimit: 20
    template:
      spec:
        restartPolicy: Never
        containers: [{name: c, image: train:1, resources: {requests: {cpu: "1", memory: 1Gi}}}]
- apiVersion: v1
  kind: Pod
  metadata: {name: once}
  spec:
    restartPolicy: Never
    containers: [{name: c, image: once:1, resources: {requests: {cpu: 200m}}}]
`;

  /** Six nodes in three zones running services, a StatefulSet, a DaemonSet, a Job and a batch stream, with `faults`. */
  function faulty(name: string, faults: string, pool = '', duration = '2h') {
    const dir = tempFiles({
      'scenario.yaml': `name: ${name}
seed: 3
duration: ${duration}
metrics: {interval: 1m}
cluster:
  nodePools:
    - name: general
      zones: [zone-a, zone-b, zone-c]
      count: 6
      allocatable: {cpu: "4", memory: 16Gi}
${pool}
workloads:
  - objects: ${manifests.replace(/\n/g, '\n      ')}
    runTime: {exponential: {mean: 15m}}
  - batch:
      name: etl
      arrivals: {poisson: {rate: 30/h}}
      requests: {cpu: 500m, memory: 512Mi}
      duration: {exponential: {mean: 20m}}
faults: ${faults}
`,
    });
    return loadScenario(join(dir, 'scenario.yaml'));
  }

  // Each case: the faults, the pool's random failures, the run's length, and event reasons it must show.
  const cases: [string, string, string, string, string[]][] = [
    ['a zone outage', '[{zoneOutage: {zone: zone-a, at: 10m, for: 30m}}]', '', '2h', ['NodeNotReady', 'TaintManagerEviction', 'Started']],
    ['a zone outage to the end of the run', '[{zoneOutage: {zone: zone-b, at: 20m}}]', '', '2h', ['NodeNotReady', 'TaintManagerEviction']],
    [
      'a network partition of one node, longer than the eviction toleration',
      '[{networkPartition: {node: general-1, at: 5m, for: 20m}}]',
      '',
      '2h',
      ['NodeNotReady', 'TaintManagerEviction', 'NodeReady'],
    ],
    [
      'a machine that fails while partitioned and is repaired before the partition ends',
      '[{networkPartition: {node: general-2, at: 10m, for: 40m}}, {nodeFailure: {node: general-2, at: 20m, for: 10m}}]',
      '',
      '2h',
      ['NodeNotReady', 'TaintManagerEviction', 'NodeReady'],
    ],
    [
      'a second failure before the node is Ready again',
      '[{nodeFailure: {node: general-1, at: 10m, for: 301s}}, {nodeFailure: {node: general-1, at: 905s, for: 5m}}]',
      '',
      '1h',
      ['NodeNotReady', 'TaintManagerEviction', 'NodeReady'],
    ],
    [
      'a drain of the pool, one node at a time',
      '[{drain: {pool: general, at: 15m, for: 5m}}, {kubeletStop: {node: general-4, at: 20m, for: 2m}}]',
      '',
      '2h',
      ['NodeNotSchedulable', 'NodeDrained', 'NodeSchedulable'],
    ],
    ['every zone down at once', '[{nodeFailure: {pool: general, at: 30m, for: 15m}}]', '', '2h', ['MasterDisruption', 'Started']],
    [
      'random failures and repairs of every node',
      '[]',
      '      failures: {timeToFailure: {exponential: {mean: 2h}}, timeToRepair: {exponential: {mean: 20m}}}',
      '8h',
      ['NodeFailure', 'NodeRepaired', 'NodeNotReady', 'Started'],
    ],
    [
      'the cluster autoscaler through a zone outage',
      '[{zoneOutage: {zone: zone-a, at: 10m, for: 30m}}]',
      '      minCount: 3\n      maxCount: 9\n  autoscaler: {provisioningTime: 1m, scaleDownUnneededTime: 5m, scaleDownDelayAfterAdd: 5m}',
      '2h',
      ['NodeNotReady', 'TaintManagerEviction', 'ScaledUpGroup', 'RegisteredNode', 'RemovingNode'],
    ],
    [
      'the Karpenter-style provisioner through a zone outage',
      '[{zoneOutage: {zone: zone-a, at: 10m, for: 30m}}]',
      '      maxCount: 9\n  autoscaler: {kind: karpenter, provisioningTime: 1m}',
      '2h',
      ['NodeNotReady', 'TaintManagerEviction', 'DisruptionTerminating', 'RemovingNode'],
    ],
    [
      'spot nodes reclaimed and replaced',
      '[]',
      '      spot: {interruptions: {exponential: {mean: 1h}}, notice: 2m, replacement: 1m}',
      '3h',
      ['SpotInterruption', 'SpotInstanceTerminated', 'RegisteredNode'],
    ],
  ];

  it.each(cases)('%s, checked after every event that changes the cluster', (name, faults, pool, duration, reasons) => {
    const seen = new Set<unknown>();
    const r = runChecked(faulty(name, faults, pool, duration), { events: { write: (row) => seen.add(row[2]) } }, 1);
    expect(r.checks).toBe(r.changedSlices + 2);
    expect(r.changedSlices).toBeGreaterThanOrEqual(Number(r.summary.pods_created));
    expect(r.summary.pods_created).toBeGreaterThan(50);
    expect([...seen]).toEqual(expect.arrayContaining(reasons));
  });
});
