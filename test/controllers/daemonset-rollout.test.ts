// DaemonSet updates in whole runs (pkg/controller/daemon/update.go, v1.36): a new template replaces the pods
// node by node, with at most maxUnavailable nodes short of an available pod; with maxSurge the new pod comes up
// beside the old one, which goes once the new one is available; OnDelete waits for pods to go.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { prepareRun } from '../../src/run/simulate.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { DAEMONSET_REVISION_LABEL } from '../../src/controllers/daemonset/calc.js';
import type { ClusterState } from '../../src/model/cluster-state.js';
import type { Pod } from '../../src/model/pod.js';
import type { Workload } from '../../src/model/workloads.js';
import { loadWith, tempFiles } from '../helpers/scenario.js';

/** A DaemonSet manifest (as a scenario `objects` entry): `agent`, with the given spec lines. */
const daemonSet = (image: string, spec = '') => `
      - apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent}
        spec:
          selector: {matchLabels: {app: agent}}
${spec
  .split('\n')
  .filter((l) => l)
  .map((l) => `          ${l}`)
  .join('\n')}
          template:
            metadata: {labels: {app: agent}}
            spec:
              terminationGracePeriodSeconds: 5
              containers: [{name: agent, image: "${image}", resources: {requests: {cpu: 100m}}}]`;

const scenario = (entries: string, nodes: number) => `
name: rollout
duration: 1h
cluster:
  podStartup: 1s
  scheduler: {latency: 0s}
  nodePools:
    - name: a
      count: ${nodes}
      allocatable: {cpu: "8", memory: 32Gi}
workloads:
${entries}
`;

const hash = (p: Pod) => p.labels.get(DAEMONSET_REVISION_LABEL) ?? '';
const available = (p: Pod) => p.phase === 'Running' && p.ready && !p.terminating;

/** A run to step through, with the daemon pods created and deleted, and the fewest available ones after `from`. */
function prepared(entries: string, nodes = 4) {
  const run = prepareRun(loadScenario(join(tempFiles({ 'scenario.yaml': scenario(entries, nodes) }), 'scenario.yaml')), {
    open: () => ({ write: () => {} }),
  });
  const { sim, cluster } = run;
  const created: [number, string, string][] = [];
  const terminating: [number, string][] = [];
  const watch = { from: Infinity, fewestAvailable: Infinity, mostPods: 0 };
  const check = () => {
    if (sim.now < watch.from) return;
    let n = 0;
    for (const p of cluster.livePods.values()) if (available(p)) n++;
    watch.fewestAvailable = Math.min(watch.fewestAvailable, n);
    watch.mostPods = Math.max(watch.mostPods, cluster.livePods.size);
  };
  cluster.watch('invariants', {
    PodAdded: (ev) => {
      created.push([sim.now, ev.pod.template.requiredNodeAffinity![0]!.matchFields[0]!.values[0]!, hash(ev.pod)]);
      check();
    },
    PodTerminating: (ev) => {
      terminating.push([sim.now, ev.pod.nodeName]);
      check();
    },
    PodDeleted: check,
    PodRunning: check,
    PodReadyChanged: check,
  });
  const ds = () => cluster.findWorkload('DaemonSet', 'default', 'agent')!;
  /** Each live pod's node and template hash, by node. */
  const pods = () =>
    [...cluster.livePods.values()].map((p) => [p.nodeName, hash(p)] as [string, string]).sort((a, b) => a[0].localeCompare(b[0]));
  return { run, ds, created, terminating, watch, pods };
}

/** A new template: another image. */
function newImage(cluster: ClusterState, w: Workload, image: string): void {
  const t = w.spec.template!;
  cluster.setWorkloadTemplate(w, { ...t, images: t.images.map((i) => ({ ...i, name: image })) });
}

describe('DaemonSet RollingUpdate (the default: maxUnavailable 1, maxSurge 0)', () => {
  it('replaces one node at a time: the old pod goes, the new one is made once it is gone and must be available before the next', () => {
    const t = prepared(`  - objects:${daemonSet('agent:1')}`);
    t.run.sim.runUntil(60_000);
    const old = hash(t.run.cluster.livePods.values().next().value!);
    t.watch.from = 60_000;
    newImage(t.run.cluster, t.ds(), 'agent:2');
    t.run.sim.runUntil(600_000);
    const now = hash(t.run.cluster.livePods.values().next().value!);
    expect(now).not.toBe(old);
    // 5 s grace, then the new pod (Running 1 s later): 60, 66, 72, 78 s.
    expect(t.terminating.filter(([s]) => s >= 60_000)).toEqual([
      [60_000, 'a-0'],
      [66_000, 'a-1'],
      [72_000, 'a-2'],
      [78_000, 'a-3'],
    ]);
    expect(t.created.filter(([s]) => s >= 60_000)).toEqual([
      [65_000, 'a-0', now],
      [71_000, 'a-1', now],
      [77_000, 'a-2', now],
      [83_000, 'a-3', now],
    ]);
    expect(t.watch.fewestAvailable).toBe(3);
    expect(t.watch.mostPods).toBe(4);
    expect(t.pods()).toEqual([
      ['a-0', now],
      ['a-1', now],
      ['a-2', now],
      ['a-3', now],
    ]);
    expect(t.ds().status).toMatchObject({
      replicas: 4,
      updatedReplicas: 4,
      readyReplicas: 4,
      availableReplicas: 4,
      updatedNumberScheduled: 4,
    });
  });

  it('maxUnavailable 2: two nodes at a time, never more than two short', () => {
    const t = prepared(`  - objects:${daemonSet('agent:1', 'updateStrategy: {rollingUpdate: {maxUnavailable: 2}}')}`);
    t.run.sim.runUntil(60_000);
    t.watch.from = 60_000;
    newImage(t.run.cluster, t.ds(), 'agent:2');
    t.run.sim.runUntil(600_000);
    expect(t.terminating.filter(([s]) => s >= 60_000)).toEqual([
      [60_000, 'a-0'],
      [60_000, 'a-1'],
      [66_000, 'a-2'],
      [66_000, 'a-3'],
    ]);
    expect(t.watch.fewestAvailable).toBe(2);
  });

  it('maxUnavailable 50% of 3 nodes rounds up to 2 (util.UnavailableCount)', () => {
    const t = prepared(`  - objects:${daemonSet('agent:1', 'updateStrategy: {rollingUpdate: {maxUnavailable: 50%}}')}`, 3);
    t.run.sim.runUntil(60_000);
    t.watch.from = 60_000;
    newImage(t.run.cluster, t.ds(), 'agent:2');
    t.run.sim.runUntil(600_000);
    expect(t.terminating.map(([s, node]) => [s, node])).toEqual([
      [60_000, 'a-0'],
      [60_000, 'a-1'],
      [66_000, 'a-2'],
    ]);
    expect(t.watch.fewestAvailable).toBe(1);
  });

  it('a re-applied manifest with a new image rolls; the same manifest again does not', () => {
    const t = prepared(`  - objects:${daemonSet('agent:1')}
  - at: 1m
    objects:${daemonSet('agent:1')}
  - at: 2m
    objects:${daemonSet('agent:2')}`);
    t.run.sim.runUntil(600_000);
    expect(t.terminating.map(([s]) => s)).toEqual([120_000, 126_000, 132_000, 138_000]);
  });
});

describe('DaemonSet RollingUpdate with maxSurge', () => {
  it('maxSurge 1: the new pod is made beside the old one, which goes once the new one is available', () => {
    const t = prepared(`  - objects:${daemonSet('agent:1', 'updateStrategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}')}`);
    t.run.sim.runUntil(60_000);
    t.watch.from = 60_000;
    newImage(t.run.cluster, t.ds(), 'agent:2');
    t.run.sim.runUntil(600_000);
    const now = t.pods()[0]![1];
    // Node by node: new pod at s, Running at s + 1, when the old one starts terminating and the next node surges.
    expect(t.created.filter(([s]) => s >= 60_000)).toEqual([
      [60_000, 'a-0', now],
      [61_000, 'a-1', now],
      [62_000, 'a-2', now],
      [63_000, 'a-3', now],
    ]);
    expect(t.terminating.filter(([s]) => s >= 60_000)).toEqual([
      [61_000, 'a-0'],
      [62_000, 'a-1'],
      [63_000, 'a-2'],
      [64_000, 'a-3'],
    ]);
    // Every node keeps an available pod throughout; at most one extra pod at a time (and old ones terminating).
    expect(t.watch.fewestAvailable).toBe(4);
    expect(t.pods()).toEqual([
      ['a-0', now],
      ['a-1', now],
      ['a-2', now],
      ['a-3', now],
    ]);
  });

  it('maxSurge 100%: every node surges at once', () => {
    const t = prepared(`  - objects:${daemonSet('agent:1', 'updateStrategy: {rollingUpdate: {maxSurge: 100%, maxUnavailable: 0}}')}`);
    t.run.sim.runUntil(60_000);
    t.watch.from = 60_000;
    newImage(t.run.cluster, t.ds(), 'agent:2');
    t.run.sim.runUntil(600_000);
    expect(t.created.filter(([s]) => s >= 60_000).map(([s]) => s)).toEqual([60_000, 60_000, 60_000, 60_000]);
    expect(t.terminating.filter(([s]) => s >= 60_000).map(([s]) => s)).toEqual([61_000, 61_000, 61_000, 61_000]);
    expect(t.watch.fewestAvailable).toBe(4);
    expect(t.watch.mostPods).toBe(8);
  });
});

describe('DaemonSet OnDelete', () => {
  it('a new template changes no pod until it goes; its replacement has the new template', () => {
    const t = prepared(`  - objects:${daemonSet('agent:1', 'updateStrategy: {type: OnDelete}')}`);
    t.run.sim.runUntil(60_000);
    const old = t.pods()[0]![1];
    newImage(t.run.cluster, t.ds(), 'agent:2');
    t.run.sim.runUntil(300_000);
    expect(t.terminating).toEqual([]);
    const onA1 = [...t.run.cluster.livePods.values()].find((p) => p.nodeName === 'a-1')!;
    t.run.cluster.evictPod(onA1);
    t.run.sim.runUntil(400_000);
    const pods = t.pods();
    expect(pods.map(([node]) => node)).toEqual(['a-0', 'a-1', 'a-2', 'a-3']);
    expect(pods.filter(([, h]) => h === old).map(([node]) => node)).toEqual(['a-0', 'a-2', 'a-3']);
    expect(pods[1]![1]).not.toBe(old);
    expect(t.ds().status).toMatchObject({ updatedNumberScheduled: 1, availableReplicas: 4 });
  });
});

describe('DaemonSet updateStrategy in manifests (apps/v1 defaults and validation)', () => {
  const manifest = (strategy: string) =>
    `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\nspec:\n  selector: {matchLabels: {app: agent}}\n${strategy}\n  template:\n    metadata: {labels: {app: agent}}\n    spec:\n      containers: [{name: agent, image: agent:1}]\n`;
  const strategyOf = (s: string) => loadWith(manifest(s)).workloads[0]!.updateStrategy;
  function problem(s: string): string {
    try {
      loadWith(manifest(s));
    } catch (e) {
      if (e instanceof ScenarioError) return `${e.path}: ${e.problem}${e.hint ? ` (${e.hint})` : ''}`;
      throw e;
    }
    return '';
  }

  it('reads the strategy with its defaults (maxUnavailable 1, maxSurge 0), leaving it out when the manifest has none', () => {
    expect(strategyOf('')).toBeUndefined();
    expect(strategyOf('  updateStrategy: {type: RollingUpdate}')).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
    });
    expect(strategyOf('  updateStrategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 25%}}')).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' },
    });
    // OnDelete ignores rollingUpdate, which is not validated then either.
    expect(strategyOf('  updateStrategy: {type: OnDelete, rollingUpdate: {maxUnavailable: 0}}')).toEqual({
      type: 'OnDelete',
      rollingUpdate: null,
    });
  });

  it.each([
    [
      '  updateStrategy: {rollingUpdate: {maxSurge: 1}}',
      'spec.updateStrategy.rollingUpdate.maxSurge: may not be set when maxUnavailable is non-zero (maxUnavailable defaults to 1: set it to 0 to surge)',
    ],
    [
      '  updateStrategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 2}}',
      'spec.updateStrategy.rollingUpdate.maxSurge: may not be set when maxUnavailable is non-zero',
    ],
    [
      '  updateStrategy: {rollingUpdate: {maxUnavailable: 0}}',
      'spec.updateStrategy.rollingUpdate.maxUnavailable: cannot be 0 when maxSurge is 0',
    ],
    [
      '  updateStrategy: {rollingUpdate: {maxUnavailable: 0%, maxSurge: 0}}',
      'spec.updateStrategy.rollingUpdate.maxUnavailable: cannot be 0 when maxSurge is 0',
    ],
    [
      '  updateStrategy: {rollingUpdate: {maxUnavailable: 0, maxSurge: 101%}}',
      'spec.updateStrategy.rollingUpdate.maxSurge: must not be greater than 100%',
    ],
    [
      '  updateStrategy: {rollingUpdate: {maxUnavailable: -1}}',
      'spec.updateStrategy.rollingUpdate.maxUnavailable: expected a non-negative integer or a percentage such as "25%", got -1',
    ],
    ['  updateStrategy: {type: Recreate}', 'spec.updateStrategy.type: expected one of RollingUpdate, OnDelete, got "Recreate"'],
    [
      '  updateStrategy: {rollingUpdate: {partition: 1}}',
      'spec.updateStrategy.rollingUpdate.partition: unknown field "partition" in a DaemonSet rollingUpdate',
    ],
  ])('%s', (s, want) => {
    expect(problem(s)).toBe(want);
  });
});
