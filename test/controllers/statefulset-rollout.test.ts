// StatefulSet updates in whole runs (stateful_set_control.go, v1.36): a new template rolls from the highest
// ordinal down, one pod at a time, each once the one before is back Running and Ready; the partition keeps
// lower ordinals at the old revision; OnDelete waits for pods to go; maxUnavailable needs its feature gate.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { prepareRun } from '../../src/run/simulate.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { KubeletController } from '../../src/controllers/kubelet/controller.js';
import { StatefulSetController } from '../../src/controllers/statefulset/controller.js';
import { STATEFULSET_REVISION_LABEL } from '../../src/controllers/statefulset/calc.js';
import type { ClusterState } from '../../src/model/cluster-state.js';
import type { Pod } from '../../src/model/pod.js';
import type { UpdateStrategy, Workload } from '../../src/model/workloads.js';
import type { Simulation } from '../../src/engine/simulation.js';
import { addNode, template } from '../helpers/builders.js';
import { loadWith, tempFiles } from '../helpers/scenario.js';
import { scheduledCluster } from '../helpers/sim.js';

/** A StatefulSet manifest (as a scenario `objects` entry): `db`, with the given spec lines. */
const statefulSet = (image: string, spec = '', replicas = 4) => `
      - apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          replicas: ${replicas}
          serviceName: db
          selector: {matchLabels: {app: db}}
${spec
  .split('\n')
  .filter((l) => l)
  .map((l) => `          ${l}`)
  .join('\n')}
          template:
            metadata: {labels: {app: db}}
            spec:
              terminationGracePeriodSeconds: 5
              containers: [{name: db, image: "${image}", resources: {requests: {cpu: 100m}}}]`;

const scenario = (entries: string) => `
name: rollout
duration: 1h
cluster:
  podStartup: 1s
  scheduler: {latency: 0s}
  nodePools:
    - name: a
      count: 3
      allocatable: {cpu: "8", memory: 32Gi}
workloads:
${entries}
`;

const revision = (p: Pod) => p.labels.get(STATEFULSET_REVISION_LABEL) ?? '';

/** Watches the run: pods created and deleted (by name and revision), and the fewest healthy replicas after `from`. */
function watchRollout(sim: Simulation, cluster: ClusterState, replicas: number) {
  const created: [number, string, string][] = [];
  const terminating: [number, string][] = [];
  const watch = { from: Infinity, fewestHealthy: Infinity };
  const healthy = () => {
    let n = 0;
    for (const p of cluster.livePods.values()) if (p.phase === 'Running' && p.ready && !p.terminating) n++;
    return n;
  };
  const check = () => {
    if (sim.now >= watch.from) watch.fewestHealthy = Math.min(watch.fewestHealthy, healthy());
  };
  cluster.watch('invariants', {
    PodAdded: (ev) => created.push([sim.now, ev.pod.name, revision(ev.pod)]),
    PodTerminating: (ev) => {
      terminating.push([sim.now, ev.pod.name]);
      check();
    },
    PodDeleted: check,
    PodRunning: check,
    PodReadyChanged: check,
  });
  const pods = () =>
    [...cluster.livePods.values()].sort((a, b) => a.name.localeCompare(b.name)).map((p) => [p.name, revision(p)] as [string, string]);
  return { created, terminating, watch, pods, replicas };
}

function prepared(entries: string) {
  const run = prepareRun(loadScenario(join(tempFiles({ 'scenario.yaml': scenario(entries) }), 'scenario.yaml')), {
    open: () => ({ write: () => {} }),
  });
  const ss = () => run.cluster.findWorkload('StatefulSet', 'default', 'db')!;
  return { run, ss, log: watchRollout(run.sim, run.cluster, 4) };
}

/** A new template: another image (a new revision). */
function newImage(cluster: ClusterState, w: Workload, image: string): void {
  const t = w.spec.template!;
  cluster.setWorkloadTemplate(w, { ...t, images: t.images.map((i) => ({ ...i, name: image })) });
}

describe('StatefulSet RollingUpdate (the default)', () => {
  it('replaces db-3, db-2, db-1, db-0 in turn, each once the one before is back Running and Ready', () => {
    const { run, ss, log } = prepared(`  - objects:${statefulSet('db:1')}`);
    run.sim.runUntil(60_000);
    const before = revision(run.cluster.podNamed('default', 'db-0')!);
    expect(ss().status).toMatchObject({ replicas: 4, readyReplicas: 4, updatedReplicas: 4, currentReplicas: 4, currentRevision: before });
    log.watch.from = 60_000;
    newImage(run.cluster, ss(), 'db:2');
    run.sim.runUntil(600_000);

    // Each old pod terminates (5 s grace), its replacement is created at once and Running 1 s later, and only then
    // does the next one go: 60, 66, 72, 78 s.
    expect(log.terminating.filter(([t]) => t >= 60_000)).toEqual([
      [60_000, 'db-3'],
      [66_000, 'db-2'],
      [72_000, 'db-1'],
      [78_000, 'db-0'],
    ]);
    const after = ss().status.updateRevision!;
    expect(after).not.toBe(before);
    expect(after).toMatch(/^db-[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(log.created.filter(([t]) => t >= 60_000)).toEqual([
      [65_000, 'db-3', after],
      [71_000, 'db-2', after],
      [77_000, 'db-1', after],
      [83_000, 'db-0', after],
    ]);
    expect(log.watch.fewestHealthy).toBe(3);
    expect(ss().status).toMatchObject({
      replicas: 4,
      updatedReplicas: 4,
      currentReplicas: 4,
      currentRevision: after,
      updateRevision: after,
    });
  });

  it('re-applying the same manifest changes nothing; a changed one rolls (scenario entries with a later `at`)', () => {
    const { run, log } = prepared(`  - objects:${statefulSet('db:1')}
  - at: 1m
    objects:${statefulSet('db:1')}
  - at: 2m
    objects:${statefulSet('db:2')}`);
    run.sim.runUntil(600_000);
    expect(log.terminating.map(([t, name]) => [t, name])).toEqual([
      [120_000, 'db-3'],
      [126_000, 'db-2'],
      [132_000, 'db-1'],
      [138_000, 'db-0'],
    ]);
  });

  it('Parallel pod management rolls one pod at a time too, from the highest ordinal', () => {
    const { run, ss, log } = prepared(`  - objects:${statefulSet('db:1', 'podManagementPolicy: Parallel')}`);
    run.sim.runUntil(60_000);
    newImage(run.cluster, ss(), 'db:2');
    run.sim.runUntil(600_000);
    expect(log.terminating.map(([, name]) => name)).toEqual(['db-3', 'db-2', 'db-1', 'db-0']);
    expect(new Set(log.pods().map(([, rev]) => rev)).size).toBe(1);
  });

  it('maxUnavailable is ignored as in v1.36 by default (MaxUnavailableStatefulSet off): still one pod at a time', () => {
    const { run, ss, log } = prepared(`  - objects:${statefulSet('db:1', 'updateStrategy: {rollingUpdate: {maxUnavailable: 2}}')}`);
    run.sim.runUntil(60_000);
    log.watch.from = 60_000;
    newImage(run.cluster, ss(), 'db:2');
    run.sim.runUntil(600_000);
    expect(log.terminating.map(([t, name]) => [t, name])).toEqual([
      [60_000, 'db-3'],
      [66_000, 'db-2'],
      [72_000, 'db-1'],
      [78_000, 'db-0'],
    ]);
    expect(log.watch.fewestHealthy).toBe(3);
  });
});

describe('StatefulSet rollingUpdate.partition', () => {
  it('partition 2 updates db-3 and db-2 only; db-0 and db-1 keep the old revision, even when recreated', () => {
    const { run, ss, log } = prepared(`  - objects:${statefulSet('db:1', 'updateStrategy: {rollingUpdate: {partition: 2}}')}
  - at: 1m
    objects:${statefulSet('db:2', 'updateStrategy: {rollingUpdate: {partition: 2}}')}`);
    run.sim.runUntil(59_000);
    const old = revision(run.cluster.podNamed('default', 'db-0')!);
    run.sim.runUntil(300_000);
    const updated = ss().status.updateRevision!;
    expect(log.terminating.map(([, name]) => name)).toEqual(['db-3', 'db-2']);
    expect(log.pods()).toEqual([
      ['db-0', old],
      ['db-1', old],
      ['db-2', updated],
      ['db-3', updated],
    ]);
    // The rollout is not complete: the current revision stays the old one.
    expect(ss().status).toMatchObject({ updatedReplicas: 2, currentReplicas: 2, currentRevision: old, updateRevision: updated });

    // A pod below the partition that goes comes back at the current (old) revision.
    run.cluster.evictPod(run.cluster.podNamed('default', 'db-1')!);
    run.sim.runUntil(400_000);
    expect(log.pods()[1]).toEqual(['db-1', old]);

    // Lowering the partition to 0 rolls on: db-1, then db-0; then the update revision is the current one.
    run.cluster.updateWorkloadSpec(ss(), { ...ss().spec, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } } });
    run.sim.runUntil(600_000);
    expect(log.terminating.map(([, name]) => name)).toEqual(['db-3', 'db-2', 'db-1', 'db-1', 'db-0']);
    expect(log.pods().map(([, rev]) => rev)).toEqual([updated, updated, updated, updated]);
    expect(ss().status).toMatchObject({ updatedReplicas: 4, currentReplicas: 4, currentRevision: updated });
  });
});

describe('StatefulSet OnDelete', () => {
  it('a new template changes no pod until it goes; the replacement has the new template', () => {
    const { run, ss, log } = prepared(`  - objects:${statefulSet('db:1', 'updateStrategy: {type: OnDelete}')}`);
    run.sim.runUntil(60_000);
    const old = revision(run.cluster.podNamed('default', 'db-0')!);
    newImage(run.cluster, ss(), 'db:2');
    run.sim.runUntil(300_000);
    expect(log.terminating).toEqual([]);
    run.cluster.evictPod(run.cluster.podNamed('default', 'db-1')!);
    run.sim.runUntil(400_000);
    const updated = ss().status.updateRevision!;
    expect(log.pods()).toEqual([
      ['db-0', old],
      ['db-1', updated],
      ['db-2', old],
      ['db-3', old],
    ]);
    // OnDelete never completes a rolling update: the current revision stays.
    expect(ss().status).toMatchObject({ updatedReplicas: 1, currentReplicas: 3, currentRevision: old });
  });
});

describe('StatefulSet maxUnavailable with the MaxUnavailableStatefulSet gate on (v1.35.0–v1.35.3, v1.37)', () => {
  function gated(strategy: UpdateStrategy) {
    const { sim, cluster } = scheduledCluster();
    new KubeletController(sim, cluster, { kind: 'constant', value: 1000 });
    new StatefulSetController(sim, cluster, { maxUnavailableStatefulSet: true });
    for (const name of ['a', 'b', 'c']) addNode(cluster, { name, cpu: '8' });
    const w = cluster.createWorkload({
      kind: 'StatefulSet',
      name: 'db',
      namespace: 'default',
      spec: {
        replicas: 4,
        template: template(cluster, { cpu: '100m', labels: { app: 'db' }, terminationGracePeriodMs: 5000 }),
        runTime: null,
        job: null,
        updateStrategy: strategy,
      },
    });
    return { sim, cluster, w, log: watchRollout(sim, cluster, 4) };
  }

  it('maxUnavailable 2: db-3 and db-2 go together, then db-1 and db-0 once both are back', () => {
    const { sim, cluster, w, log } = gated({ type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 2 } });
    sim.runUntil(60_000);
    log.watch.from = 60_000;
    cluster.setWorkloadTemplate(w, { ...w.spec.template!, priority: 1 });
    sim.runUntil(600_000);
    // Both go at 60 s and are gone at 65 s; OrderedReady recreates db-2 (Running at 66 s), then db-3 (67 s).
    expect(log.terminating.filter(([t]) => t >= 60_000)).toEqual([
      [60_000, 'db-3'],
      [60_000, 'db-2'],
      [67_000, 'db-1'],
      [67_000, 'db-0'],
    ]);
    expect(log.watch.fewestHealthy).toBe(2);
  });

  it('with a partition, maxUnavailable applies above it only', () => {
    const { sim, cluster, w, log } = gated({ type: 'RollingUpdate', rollingUpdate: { partition: 1, maxUnavailable: '100%' } });
    sim.runUntil(60_000);
    cluster.setWorkloadTemplate(w, { ...w.spec.template!, priority: 1 });
    sim.runUntil(600_000);
    expect(log.terminating.filter(([t]) => t >= 60_000)).toEqual([
      [60_000, 'db-3'],
      [60_000, 'db-2'],
      [60_000, 'db-1'],
    ]);
  });
});

describe('StatefulSet updateStrategy in manifests (apps/v1 defaults and validation)', () => {
  const manifest = (strategy: string) =>
    `apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  selector: {matchLabels: {app: db}}\n${strategy}\n  template:\n    metadata: {labels: {app: db}}\n    spec:\n      containers: [{name: db, image: db:1}]\n`;
  const strategyOf = (s: string) => loadWith(manifest(s)).workloads[0]!.updateStrategy;
  function problem(s: string): string {
    try {
      loadWith(manifest(s));
    } catch (e) {
      if (e instanceof ScenarioError) return `${e.path}: ${e.problem}`;
      throw e;
    }
    return '';
  }

  it('reads the strategy, leaving it out when the manifest has none', () => {
    expect(strategyOf('')).toBeUndefined();
    expect(strategyOf('  updateStrategy: {}')).toEqual({ type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    // SetDefaults_StatefulSet leaves rollingUpdate unset when the type is given without it.
    expect(strategyOf('  updateStrategy: {type: RollingUpdate}')).toEqual({ type: 'RollingUpdate', rollingUpdate: null });
    expect(strategyOf('  updateStrategy: {rollingUpdate: {partition: 3, maxUnavailable: 25%}}')).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { partition: 3, maxUnavailable: '25%' },
    });
    expect(strategyOf('  updateStrategy: {type: OnDelete}')).toEqual({ type: 'OnDelete', rollingUpdate: null });
  });

  it.each([
    ['  updateStrategy: {type: Recreate}', 'spec.updateStrategy.type: expected one of RollingUpdate, OnDelete, got "Recreate"'],
    [
      '  updateStrategy: {type: OnDelete, rollingUpdate: {partition: 1}}',
      "spec.updateStrategy.rollingUpdate: only allowed for updateStrategy 'RollingUpdate'",
    ],
    ['  updateStrategy: {rollingUpdate: {partition: -1}}', 'spec.updateStrategy.rollingUpdate.partition: expected an integer >= 0, got -1'],
    ['  updateStrategy: {rollingUpdate: {maxUnavailable: 0}}', 'spec.updateStrategy.rollingUpdate.maxUnavailable: cannot be 0'],
    ['  updateStrategy: {rollingUpdate: {maxUnavailable: 0%}}', 'spec.updateStrategy.rollingUpdate.maxUnavailable: cannot be 0'],
    [
      '  updateStrategy: {rollingUpdate: {maxUnavailable: 150%}}',
      'spec.updateStrategy.rollingUpdate.maxUnavailable: must not be greater than 100%',
    ],
    [
      '  updateStrategy: {rollingUpdate: {maxUnavailable: two}}',
      'spec.updateStrategy.rollingUpdate.maxUnavailable: expected a non-negative integer or a percentage such as "25%", got "two"',
    ],
    [
      '  updateStrategy: {rollingUpdate: {maxSurge: 1}}',
      'spec.updateStrategy.rollingUpdate.maxSurge: unknown field "maxSurge" in a StatefulSet rollingUpdate',
    ],
  ])('%s', (s, want) => {
    expect(problem(s)).toBe(want);
  });
});
