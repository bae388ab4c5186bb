// The Deployment controller rolling a template change out, step by step, against sequences worked out by hand
// from pkg/controller/deployment/rolling.go (reconcileNewReplicaSet, then reconcileOldReplicaSets, one per sync)
// for Kubernetes' documented strategies with 10 replicas. Every pod is Ready 1 s after it is created, so each
// second of virtual time is one round of the rollout.
import { describe, expect, it } from 'vitest';
import type { ClusterState } from '../../src/model/cluster-state.js';
import type { DeploymentRollout, IntOrPercent } from '../../src/model/workloads.js';
import { KubeletController } from '../../src/controllers/kubelet/controller.js';
import { DeploymentController, type RolloutStep } from '../../src/controllers/deployment/controller.js';
import { ReplicaSetController } from '../../src/controllers/replicaset/controller.js';
import type { EventRecorder } from '../../src/metrics/collectors/events.js';
import { addNode, template } from '../helpers/builders.js';
import { scheduledCluster } from '../helpers/sim.js';

interface Recorded {
  t: number;
  reason: string;
  object: string;
  message: string;
}

function rollout(over: Partial<DeploymentRollout> = {}): DeploymentRollout {
  return {
    type: 'RollingUpdate',
    maxSurge: '25%',
    maxUnavailable: '25%',
    revisionHistoryLimit: 10,
    paused: false,
    progressDeadlineSeconds: 600,
    ...over,
  };
}

function setup(r: DeploymentRollout, replicas = 10, startupMs = 1000) {
  const { sim, cluster } = scheduledCluster();
  const events: Recorded[] = [];
  const recorder = {
    event: (_type: string, reason: string, object: string, message: string) => events.push({ t: sim.now, reason, object, message }),
  } as unknown as EventRecorder;
  new KubeletController(sim, cluster, { kind: 'constant', value: startupMs });
  const dc = new DeploymentController(sim, cluster, recorder);
  new ReplicaSetController(sim, cluster);
  for (let i = 0; i < 4; i++) addNode(cluster, { name: `n${i}`, cpu: '16' });
  const steps: RolloutStep[] = [];
  dc.onStep({ step: (s) => steps.push(s) });
  const v1 = template(cluster, { cpu: '100m', labels: { app: 'web' }, images: [{ name: 'web:1', sizeBytes: 0 }] });
  const d = cluster.createWorkload({
    kind: 'Deployment',
    name: 'web',
    namespace: 'default',
    spec: { replicas, template: v1, runTime: null, job: null, rollout: r },
  });
  return { sim, cluster, d, steps, events };
}

const newTemplate = (cluster: ClusterState, image = 'web:2') =>
  template(cluster, { cpu: '100m', labels: { app: 'web' }, images: [{ name: image, sizeBytes: 0 }] });

function run(r: DeploymentRollout) {
  const env = setup(r);
  const { sim, cluster, d } = env;
  const timed: (RolloutStep & { t: number })[] = [];
  const listen = env.steps;
  sim.runUntil(60_000);
  expect(d.status).toMatchObject({ replicas: 10, availableReplicas: 10, updatedReplicas: 10 });
  cluster.setWorkloadTemplate(d, newTemplate(cluster));
  const t0 = sim.now;
  // Record the time of each step as it happens.
  const before = listen.length;
  while (sim.now < t0 + 60_000) {
    const n = listen.length;
    sim.runUntil(sim.now + 100);
    for (let i = n; i < listen.length; i++) timed.push({ ...listen[i]!, t: sim.now });
  }
  expect(before).toBe(0);
  return { ...env, timed, t0 };
}

const seq = (timed: (RolloutStep & { t: number })[], t0: number) =>
  timed.filter((s) => s.action !== 'drained').map((s) => [Math.floor((s.t - t0) / 1000), s.action, s.oldReplicas, s.newReplicas] as const);

describe('RollingUpdate of 10 replicas, step by step (rolling.go)', () => {
  const cases: {
    name: string;
    maxSurge: IntOrPercent;
    maxUnavailable: IntOrPercent;
    want: (readonly [number, string, number, number])[];
  }[] = [
    {
      // surge ceil(2.5) = 3, unavailable floor(2.5) = 2: at most 13 pods (counted by spec.replicas), at least 8
      // available. The old ReplicaSet's scale-down to 8 frees room at once, so the new one grows to 5 before any
      // new pod is up; at 1 s all 13 are available and 5 old go, the new takes the rest.
      name: '25%/25%',
      maxSurge: '25%',
      maxUnavailable: '25%',
      want: [
        [0, 'start', 10, 3],
        [0, 'scale_down', 8, 3],
        [0, 'scale_up', 8, 5],
        [1, 'scale_down', 3, 5],
        [1, 'scale_up', 3, 10],
        [2, 'scale_down', 0, 10],
        [2, 'complete', 0, 10],
      ],
    },
    {
      // One extra pod, none unavailable: each second one old pod goes and one new comes.
      name: '1/0',
      maxSurge: 1,
      maxUnavailable: 0,
      want: [
        [0, 'start', 10, 1],
        ...Array.from({ length: 9 }, (_, k) => [
          [k + 1, 'scale_down', 9 - k, k + 1] as const,
          [k + 1, 'scale_up', 9 - k, k + 2] as const,
        ]).flat(),
        [10, 'scale_down', 0, 10],
        [10, 'complete', 0, 10],
      ],
    },
    {
      // No extra pod, one unavailable: the new ReplicaSet starts at 0; an old pod goes before each new one.
      name: '0/1',
      maxSurge: 0,
      maxUnavailable: 1,
      want: [
        [0, 'start', 10, 0],
        [0, 'scale_down', 9, 0],
        [0, 'scale_up', 9, 1],
        ...Array.from({ length: 9 }, (_, k) => [
          [k + 1, 'scale_down', 8 - k, k + 1] as const,
          [k + 1, 'scale_up', 8 - k, k + 2] as const,
        ]).flat(),
        [10, 'complete', 0, 10],
      ],
    },
    {
      // surge ceil(3) = 3, none unavailable: three at a time.
      name: '30%/0',
      maxSurge: '30%',
      maxUnavailable: 0,
      want: [
        [0, 'start', 10, 3],
        [1, 'scale_down', 7, 3],
        [1, 'scale_up', 7, 6],
        [2, 'scale_down', 4, 6],
        [2, 'scale_up', 4, 9],
        [3, 'scale_down', 1, 9],
        [3, 'scale_up', 1, 10],
        [4, 'scale_down', 0, 10],
        [4, 'complete', 0, 10],
      ],
    },
  ];
  for (const c of cases) {
    it(`${c.name}: the (old, new) sizes of each step`, () => {
      const { timed, t0, d } = run(rollout({ maxSurge: c.maxSurge, maxUnavailable: c.maxUnavailable }));
      expect(seq(timed, t0)).toEqual(c.want);
      // The last old pods, scaled down with the final step, run until SIGKILL 30 s later: then the rollout has drained.
      const lastDown = timed.filter((s) => s.action === 'scale_down').at(-1)!.t;
      expect(timed.at(-1)).toMatchObject({ action: 'drained', t: lastDown + 30_000 });
      expect(d.status).toMatchObject({ replicas: 10, availableReplicas: 10, updatedReplicas: 10 });
    });
  }
});

describe('Deployment rollouts beyond the rolling steps', () => {
  it('Recreate scales the old ReplicaSet to 0, waits for its pods to be gone (30 s grace), then creates the new one', () => {
    const { sim, cluster, d, events } = setup(rollout({ type: 'Recreate', maxSurge: 0, maxUnavailable: 0 }));
    sim.runUntil(60_000);
    cluster.setWorkloadTemplate(d, newTemplate(cluster));
    sim.runUntil(60_000 + 29_999);
    const rss = () => cluster.workloads.filter((w) => w.owner === d && w.deletedAt < 0);
    expect(rss()).toHaveLength(1);
    expect(d.status.availableReplicas).toBe(0);
    // The old pods run until SIGKILL at the end of terminationGracePeriodSeconds (30 s).
    sim.runUntil(60_000 + 30_000);
    expect(rss()).toHaveLength(2);
    const scaling = events.filter((e) => e.reason === 'ScalingReplicaSet');
    expect(scaling.map((e) => [e.t, e.message.replace(/-[a-z0-9]+ /, '-<hash> ')])).toEqual([
      [0, 'Scaled up replica set web-<hash> from 0 to 10'],
      [60_000, 'Scaled down replica set web-<hash> from 10 to 0'],
      [90_000, 'Scaled up replica set web-<hash> from 0 to 10'],
    ]);
    sim.runUntil(92_000);
    expect(d.status).toMatchObject({ replicas: 10, availableReplicas: 10, updatedReplicas: 10 });
  });

  it('reports ProgressDeadlineExceeded one second after the deadline when the new pods never come up', () => {
    const { sim, cluster, d, events, steps } = setup(rollout({ progressDeadlineSeconds: 60 }));
    sim.runUntil(60_000);
    // The new pods ask for more CPU than any node has: they stay Pending.
    cluster.setWorkloadTemplate(d, template(cluster, { cpu: '64', labels: { app: 'web' }, images: [{ name: 'web:2', sizeBytes: 0 }] }));
    sim.runUntil(200_000);
    const timedOut = events.filter((e) => e.reason === 'ProgressDeadlineExceeded');
    // Last progress at 60 s (the old ReplicaSet scaled down): deadline 120 s, requeued at 121 s.
    expect(timedOut.map((e) => [e.t, e.object, e.message])).toEqual([
      [121_000, 'deployment/default/web', 'Deployment "web" has timed out progressing.'],
    ]);
    expect(steps.at(-1)).toMatchObject({ action: 'timed_out', oldReplicas: 8, newReplicas: 5 });
    // The rollout goes on trying: availability stays at the minimum.
    expect(d.status.availableReplicas).toBe(8);
  });

  it('scales proportionally when resized mid-rollout (the documented 10 → 15 example: 3 to the old, 2 to the new)', () => {
    const { sim, cluster, d } = setup(rollout({ maxSurge: 3, maxUnavailable: 2 }));
    sim.runUntil(60_000);
    cluster.setWorkloadTemplate(d, template(cluster, { cpu: '64', labels: { app: 'web' }, images: [{ name: 'web:2', sizeBytes: 0 }] }));
    sim.runUntil(70_000);
    const rs = (image: string) => cluster.workloads.find((w) => w.owner === d && w.spec.template!.images.some((c) => c.name === image))!;
    expect([rs('web:1').spec.replicas, rs('web:2').spec.replicas]).toEqual([8, 5]);
    cluster.scaleWorkload(d, 15);
    sim.runUntil(71_000);
    expect([rs('web:1').spec.replicas, rs('web:2').spec.replicas]).toEqual([11, 7]);
  });

  it('a rollback reuses the old ReplicaSet under a new revision; revisionHistoryLimit deletes the oldest', () => {
    const { sim, cluster, d, steps } = setup(rollout({ revisionHistoryLimit: 1 }));
    const v1 = d.spec.template!;
    sim.runUntil(60_000);
    cluster.setWorkloadTemplate(d, newTemplate(cluster, 'web:2'));
    sim.runUntil(120_000);
    // Rollback: the same template as v1 (a new object with equal content).
    cluster.setWorkloadTemplate(d, { ...v1 });
    sim.runUntil(180_000);
    const owned = cluster.workloads.filter((w) => w.owner === d);
    expect(owned).toHaveLength(2);
    expect(steps.filter((s) => s.action === 'start').map((s) => s.revision)).toEqual([2, 3]);
    expect(steps.filter((s) => s.action === 'complete').map((s) => s.revision)).toEqual([2, 3]);
    // A third template: with one old ReplicaSet kept, the web:2 one (revision 2, lowest) is deleted.
    cluster.setWorkloadTemplate(d, newTemplate(cluster, 'web:3'));
    sim.runUntil(240_000);
    const live = cluster.workloads.filter((w) => w.owner === d && w.deletedAt < 0);
    expect(live.map((w) => w.spec.template!.images[0]!.name).sort()).toEqual(['web:1', 'web:3']);
    expect(cluster.workloads.filter((w) => w.owner === d && w.deletedAt >= 0)).toHaveLength(1);
  });

  it('a paused Deployment does not roll; on resume it does', () => {
    const { sim, cluster, d } = setup(rollout());
    sim.runUntil(60_000);
    cluster.updateWorkloadSpec(d, { ...d.spec, rollout: rollout({ paused: true }) });
    cluster.setWorkloadTemplate(d, newTemplate(cluster));
    sim.runUntil(120_000);
    expect(cluster.workloads.filter((w) => w.owner === d)).toHaveLength(1);
    expect(d.status.updatedReplicas).toBe(0);
    cluster.updateWorkloadSpec(d, { ...d.spec, rollout: rollout({ paused: false }) });
    sim.runUntil(180_000);
    expect(d.status).toMatchObject({ replicas: 10, availableReplicas: 10, updatedReplicas: 10 });
  });
});
