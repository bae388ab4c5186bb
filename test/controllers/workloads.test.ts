// Controllers reconcile the model's workload objects: anything may change a spec through the model's
// operations, and the owning controller reacts (the way controllers work through the API server).
import { describe, expect, it } from 'vitest';
import { ClusterState } from '../../src/model/cluster-state.js';
import { ResourceSpace } from '../../src/model/resources.js';
import type { Workload } from '../../src/model/workloads.js';
import { KubeletController } from '../../src/controllers/kubelet/controller.js';
import { DeploymentController, POD_TEMPLATE_HASH_LABEL } from '../../src/controllers/deployment/controller.js';
import { ReplicaSetController } from '../../src/controllers/replicaset/controller.js';
import { JobController } from '../../src/controllers/job/controller.js';
import { StatefulSetController, POD_INDEX_LABEL, POD_NAME_LABEL } from '../../src/controllers/statefulset/controller.js';
import { DaemonSetController } from '../../src/controllers/daemonset/controller.js';
import { computeHash, safeEncodeString } from '../../src/workload/names.js';
import { addNode, template } from '../helpers/builders.js';
import { scheduledCluster } from '../helpers/sim.js';

function setup(startupMs = 1000) {
  const { sim, cluster } = scheduledCluster();
  new KubeletController(sim, cluster, { kind: 'constant', value: startupMs });
  new DeploymentController(sim, cluster);
  new ReplicaSetController(sim, cluster);
  new JobController(sim, cluster);
  new StatefulSetController(sim, cluster);
  new DaemonSetController(sim, cluster);
  for (const name of ['a', 'b', 'c']) addNode(cluster, { name, cpu: '4' });
  return { sim, cluster };
}

const replicaSets = (cluster: ClusterState, d: Workload) => cluster.workloads.filter((w) => w.owner === d);
const podsOf = (cluster: ClusterState, w: Workload) =>
  [...cluster.livePods.values()].filter((p) => cluster.workloads[p.workload]!.root === w);

describe('Deployment → ReplicaSet → pods', () => {
  it('a Deployment gets a ReplicaSet named <name>-<pod-template-hash>, whose pods carry the label and come up', () => {
    const { sim, cluster } = setup();
    const t = template(cluster, { cpu: '500m', labels: { app: 'web' } });
    const d = cluster.createWorkload({
      kind: 'Deployment',
      name: 'web',
      namespace: 'default',
      spec: { replicas: 3, template: t, runTime: null, job: null },
    });
    sim.runUntil(10_000);
    const [rs, ...more] = replicaSets(cluster, d);
    expect(more).toEqual([]);
    const hash = computeHash(t);
    expect(rs!.name).toBe(`web-${hash}`);
    expect(rs!.templateHash).toBe(hash);
    expect(rs!.spec.replicas).toBe(3);
    const pods = podsOf(cluster, d);
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.name.startsWith(`web-${hash}-`)).toBe(true);
      expect(p.labels.get(POD_TEMPLATE_HASH_LABEL)).toBe(hash);
      expect(p.labels.get('app')).toBe('web');
      expect(p.phase).toBe('Running');
    }
    expect(rs!.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    expect(d.status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 3, observedGeneration: 1 });
  });

  it('scaling the Deployment through the model (as an HPA would) scales its ReplicaSet, up and down', () => {
    const { sim, cluster } = setup();
    const d = cluster.createWorkload({
      kind: 'Deployment',
      name: 'web',
      namespace: 'default',
      spec: { replicas: 2, template: template(cluster, { cpu: '100m' }), runTime: null, job: null },
    });
    sim.runUntil(10_000);
    cluster.scaleWorkload(d, 6);
    sim.runUntil(20_000);
    expect(podsOf(cluster, d)).toHaveLength(6);
    expect(d.status.readyReplicas).toBe(6);
    cluster.scaleWorkload(d, 1);
    sim.runUntil(30_000);
    // Scaling down deletes gracefully: five pods are Terminating for their 30 s grace period, and no
    // longer count in the status.
    expect(podsOf(cluster, d).filter((p) => p.terminating)).toHaveLength(5);
    expect(d.status).toMatchObject({ replicas: 1, readyReplicas: 1, observedGeneration: 3 });
    sim.runUntil(60_000);
    expect(podsOf(cluster, d)).toHaveLength(1);
  });

  it('a new template makes a new ReplicaSet and scales the old one to zero', () => {
    const { sim, cluster } = setup();
    const t1 = template(cluster, { cpu: '100m', labels: { app: 'web' } });
    const d = cluster.createWorkload({
      kind: 'Deployment',
      name: 'web',
      namespace: 'default',
      spec: { replicas: 2, template: t1, runTime: null, job: null },
    });
    sim.runUntil(10_000);
    const t2 = template(cluster, { cpu: '200m', labels: { app: 'web' } });
    expect(computeHash(t2)).not.toBe(computeHash(t1));
    cluster.setWorkloadTemplate(d, t2);
    // Old pods are deleted gracefully (30 s): by 60 s only the new ReplicaSet's remain.
    sim.runUntil(60_000);
    const [old, current] = replicaSets(cluster, d);
    expect([old!.templateHash, current!.templateHash]).toEqual([computeHash(t1), computeHash(t2)]);
    expect([old!.spec.replicas, current!.spec.replicas]).toEqual([0, 2]);
    const pods = podsOf(cluster, d);
    expect(pods.map((p) => cluster.workloads[p.workload])).toEqual([current, current]);
    expect(d.status).toMatchObject({ replicas: 2, updatedReplicas: 2 });
    // Going back to the first template reuses its ReplicaSet (same hash).
    cluster.setWorkloadTemplate(d, t1);
    sim.runUntil(120_000);
    expect(replicaSets(cluster, d)).toHaveLength(2);
    expect([old!.spec.replicas, current!.spec.replicas]).toEqual([2, 0]);
  });

  it('a ReplicaSet replaces a pod as soon as it begins terminating (FilterActivePods)', () => {
    const { sim, cluster } = setup();
    const d = cluster.createWorkload({
      kind: 'Deployment',
      name: 'web',
      namespace: 'default',
      spec: { replicas: 2, template: template(cluster, { cpu: '100m' }), runTime: null, job: null },
    });
    sim.runUntil(10_000);
    const victim = podsOf(cluster, d)[0]!;
    cluster.evictPod(victim); // grace period 30 s
    sim.runUntil(12_000);
    const pods = podsOf(cluster, d);
    expect(pods).toHaveLength(3); // the terminating pod and its replacement, running
    expect(pods.filter((p) => !p.terminating && p.phase === 'Running')).toHaveLength(2);
    expect(d.status.replicas).toBe(2);
    sim.runUntil(40_001);
    expect(cluster.livePods.has(victim.id)).toBe(false);
    expect(victim.finishedAt).toBe(40_000); // deleted at 10 s + the 30 s grace period
    expect(podsOf(cluster, d)).toHaveLength(2);
  });
});

/** A Job of 100m pods that each run for runMs. */
function makeJob(
  cluster: ClusterState,
  name: string,
  parallelism: number,
  completions: number,
  runMs: number,
  restartPolicy: 'Never' | 'OnFailure' = 'Never',
): Workload {
  return cluster.createWorkload({
    kind: 'Job',
    name,
    namespace: 'default',
    spec: {
      replicas: parallelism,
      template: template(cluster, { cpu: '100m', restartPolicy }),
      runTime: { kind: 'constant', value: runMs },
      job: { parallelism, completions, backoffLimit: 6 },
    },
  });
}

describe('Job', () => {
  it('reports active, succeeded and completionTime in its status', () => {
    const { sim, cluster } = setup(0);
    const job = makeJob(cluster, 'report', 2, 4, 60_000);
    sim.runUntil(1_000);
    expect(job.status).toMatchObject({ active: 2, succeeded: 0, completionTime: -1 });
    sim.runUntil(200_000);
    expect(job.status).toMatchObject({ active: 0, succeeded: 4, failed: 0, completionTime: 120_000 });
  });
});

describe('kubelet and node Ready', () => {
  it('a pod on a node cut off from the control plane neither starts nor reports its end until the node is back', () => {
    const { sim, cluster } = setup(1000);
    const job = makeJob(cluster, 'j', 1, 1, 10_000);
    sim.runUntil(0);
    const p = podsOf(cluster, job)[0]!;
    expect(p.node).not.toBeNull();
    cluster.setNodeHealth(p.node!, true, false);
    sim.runUntil(60_000);
    expect(p.phase).toBe('Pending'); // bound, but its kubelet never heard of it
    cluster.setNodeHealth(p.node!, true, true);
    sim.runUntil(61_000);
    expect([p.phase, p.startedAt]).toEqual(['Running', 60_000]);
    cluster.setNodeHealth(p.node!, true, false);
    sim.runUntil(100_000);
    expect(p.phase).toBe('Running'); // its run time ended at 70 s, but nobody could report it
    cluster.setNodeHealth(p.node!, true, true);
    sim.runUntil(100_000);
    expect([p.phase, p.finishedAt]).toEqual(['Succeeded', 100_000]);
  });

  it('a machine that goes down kills its containers; on its return the pod (restartPolicy OnFailure) restarts and runs its time again', () => {
    const { sim, cluster } = setup(1000);
    const job = makeJob(cluster, 'j', 1, 1, 10_000, 'OnFailure');
    sim.runUntil(5_000);
    const p = podsOf(cluster, job)[0]!;
    expect(p.phase).toBe('Running');
    cluster.setNodeHealth(p.node!, false, false);
    sim.runUntil(50_000);
    expect(p.phase).toBe('Running'); // the API still says Running: nobody reports the machine's death
    cluster.setNodeHealth(p.node!, true, true);
    sim.runUntil(50_000);
    expect([p.phase, p.restarts, p.ready]).toEqual(['Running', 1, false]);
    sim.runUntil(59_000);
    expect(p.phase).toBe('Running'); // the run that was cut at 5 s starts over: 10 s from the restart
    sim.runUntil(120_000);
    expect(p.phase).toBe('Succeeded');
    expect(p.finishedAt).toBeGreaterThanOrEqual(60_000);
  });
});

describe('ComputeHash (pkg/controller/controller_utils.go)', () => {
  it.each([
    // rand.SafeEncodeString maps each byte into "bcdfghjklmnpqrstvwxz2456789": '0'..'9' are bytes 48..57.
    ['0123456789', '456789bcdf'],
    ['', ''],
    ['4294967295', '86f8fbc6f9'],
  ])('SafeEncodeString(%j) = %j', (input, want) => {
    expect(safeEncodeString(input)).toBe(want);
  });

  it('is a function of the template: equal templates hash alike, any change (or a collision count) changes it', () => {
    const cluster = new ClusterState({ now: 0 }, new ResourceSpace());
    const a = template(cluster, { cpu: '100m', labels: { app: 'x' } });
    const b = template(cluster, { cpu: '100m', labels: { app: 'x' } });
    const c = template(cluster, { cpu: '100m', labels: { app: 'y' } });
    expect(computeHash(a)).toBe(computeHash(b));
    expect(computeHash(a)).not.toBe(computeHash(c));
    expect(computeHash({ ...a, owner: 'other/name' })).toBe(computeHash(a));
    expect(computeHash(a, 1)).not.toBe(computeHash(a));
    expect(computeHash(a, 1)).not.toBe(computeHash(a, 2));
    expect(computeHash(a)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
  });
});

describe('StatefulSet', () => {
  const ss = (cluster: ClusterState, replicas: number, policy: 'OrderedReady' | 'Parallel' = 'OrderedReady') =>
    cluster.createWorkload({
      kind: 'StatefulSet',
      name: 'db',
      namespace: 'default',
      spec: {
        replicas,
        template: template(cluster, { cpu: '100m', labels: { app: 'db' } }),
        runTime: null,
        job: null,
        podManagementPolicy: policy,
      },
    });

  it('OrderedReady: creates db-0, db-1, db-2 one at a time, each once the one before is Running', () => {
    const { sim, cluster } = setup(1000);
    const w = ss(cluster, 3);
    sim.runUntil(10_000);
    const pods = podsOf(cluster, w).sort((a, b) => a.createdAt - b.createdAt);
    expect(pods.map((p) => [p.name, p.createdAt, p.startedAt])).toEqual([
      ['db-0', 0, 1000],
      ['db-1', 1000, 2000],
      ['db-2', 2000, 3000],
    ]);
    expect(pods.map((p) => [p.labels.get(POD_NAME_LABEL), p.labels.get(POD_INDEX_LABEL), p.labels.get('app')])).toEqual([
      ['db-0', '0', 'db'],
      ['db-1', '1', 'db'],
      ['db-2', '2', 'db'],
    ]);
    expect(w.status).toMatchObject({ replicas: 3, readyReplicas: 3 });
  });

  it('Parallel: creates every pod at once', () => {
    const { sim, cluster } = setup(1000);
    const w = ss(cluster, 3, 'Parallel');
    sim.runUntil(10_000);
    expect(podsOf(cluster, w).map((p) => p.createdAt)).toEqual([0, 0, 0]);
  });

  it('scales down from the highest ordinal, one at a time, each after the one before has gone', () => {
    const { sim, cluster } = setup(1000);
    const w = ss(cluster, 3);
    sim.runUntil(10_000);
    const [p0, p1, p2] = podsOf(cluster, w).sort((a, b) => a.createdAt - b.createdAt);
    cluster.scaleWorkload(w, 1);
    sim.runUntil(100_000);
    // db-2 terminates at 10 s and goes after its 30 s grace period; then db-1 does the same.
    expect([p2!.deletionTimestamp, p2!.finishedAt, p1!.deletionTimestamp, p1!.finishedAt]).toEqual([10_000, 40_000, 40_000, 70_000]);
    expect(p0!.terminating).toBe(false);
    expect(w.status).toMatchObject({ replicas: 1, readyReplicas: 1 });
  });

  it('recreates a deleted pod under the same name, once the old one is gone', () => {
    const { sim, cluster } = setup(1000);
    const w = ss(cluster, 2, 'Parallel');
    sim.runUntil(10_000);
    const old = podsOf(cluster, w).find((p) => p.name === 'db-1')!;
    cluster.evictPod(old);
    sim.runUntil(30_000);
    expect(podsOf(cluster, w).filter((p) => p.name === 'db-1')).toEqual([old]); // still terminating
    sim.runUntil(45_000);
    const now = podsOf(cluster, w).filter((p) => p.name === 'db-1');
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(old);
    expect(now[0]!.createdAt).toBe(40_000);
  });
});

describe('DaemonSet', () => {
  const ds = (cluster: ClusterState, d: Parameters<typeof template>[1] = {}) =>
    cluster.createWorkload({
      kind: 'DaemonSet',
      name: 'agent',
      namespace: 'default',
      spec: { replicas: 0, template: template(cluster, { cpu: '100m', ...d }), runTime: null, job: null },
    });
  const placement = (cluster: ClusterState, w: Workload) =>
    podsOf(cluster, w)
      .filter((p) => !p.terminating)
      .map((p) => p.node?.name ?? 'pending')
      .sort();

  it('runs one pod per node it tolerates, each held to its node by affinity, and follows nodes and taints', () => {
    const { sim, cluster } = setup(0);
    const [a, b] = cluster.nodes;
    cluster.addTaint(b!, { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' });
    cluster.setUnschedulable(a!, true); // daemon pods tolerate node.kubernetes.io/unschedulable
    const w = ds(cluster);
    sim.runUntil(1_000);
    expect(placement(cluster, w)).toEqual(['a', 'c']);
    const onA = podsOf(cluster, w).find((p) => p.node === a)!;
    expect(onA.template.requiredNodeAffinity).toEqual([
      { matchExpressions: [], matchFields: [{ key: 'metadata.name', operator: 'In', values: ['a'] }] },
    ]);
    expect(onA.template.tolerations.map((t) => `${t.key.replace('node.kubernetes.io/', '')}:${t.effect}`)).toEqual([
      'not-ready:NoExecute',
      'unreachable:NoExecute',
      'disk-pressure:NoSchedule',
      'memory-pressure:NoSchedule',
      'pid-pressure:NoSchedule',
      'unschedulable:NoSchedule',
    ]);
    expect(w.status).toMatchObject({ replicas: 2, updatedReplicas: 2, readyReplicas: 2 });
    addNode(cluster, { name: 'd', cpu: '4' });
    cluster.removeTaint(b!, 'dedicated');
    sim.runUntil(2_000);
    expect(placement(cluster, w)).toEqual(['a', 'b', 'c', 'd']);
    // A NoExecute taint it does not tolerate evicts its pod; a NoSchedule one would not.
    cluster.addTaint(cluster.nodes[2]!, { key: 'drain', value: '', effect: 'NoSchedule' });
    cluster.addTaint(cluster.nodes[3]!, { key: 'drain', value: '', effect: 'NoExecute' });
    sim.runUntil(3_000);
    expect(placement(cluster, w)).toEqual(['a', 'b', 'c']);
    expect(w.status.replicas).toBe(2);
  });

  it("follows the template's node selector", () => {
    const { sim, cluster } = setup(0);
    addNode(cluster, { name: 'gpu-1', cpu: '4', labels: { accel: 'gpu' } });
    const w = ds(cluster, { nodeSelector: { accel: 'gpu' } });
    sim.runUntil(1_000);
    expect(placement(cluster, w)).toEqual(['gpu-1']);
  });
});
