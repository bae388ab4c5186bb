// The DaemonSet controller's syncs that visit only the changed and irregular nodes (DaemonSetController.sync):
// under node failures, a zone outage (NoExecute taints), the cluster autoscaler adding and removing nodes,
// readiness probes and a template update, every sync is checked against a pass over all nodes
// (checkIncremental, on in the tests), and the status at the end is counted here from the pods.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DaemonSetController } from '../../src/controllers/daemonset/controller.js';
import { DAEMONSET_REVISION_LABEL, nodeShouldRunDaemonPod } from '../../src/controllers/daemonset/calc.js';
import { loadScenario } from '../../src/scenario/load.js';
import { prepareRun } from '../../src/run/simulate.js';
import { serviceApp } from '../helpers/manifests.js';
import { tempFiles } from '../helpers/scenario.js';

/** A DaemonSet whose pods have a readiness probe; `general-only` runs on the general pool alone and surges. */
const agent = (name: 'everywhere' | 'general-only', image: string) => {
  const general = name === 'general-only';
  return `
      - apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: ${name}}
        spec:
          selector: {matchLabels: {app: ${name}}}${general ? '\n          updateStrategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}' : ''}
          template:
            metadata: {labels: {app: ${name}}}
            spec:${general ? '\n              nodeSelector: {kubesim.io/node-pool: general}' : ''}
              terminationGracePeriodSeconds: 5
              containers:
                - name: c
                  image: ${image}
                  resources: {requests: {cpu: 100m, memory: 64Mi}}
                  readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 10}`;
};

/** The Deployment that fills the general pool and makes the cluster autoscaler add and remove nodes. */
const web = (replicas: number) =>
  serviceApp('web', { replicas, cpu: '"1"', memory: '1Gi', nodeSelector: '{kubesim.io/node-pool: general}', service: false });

const text = `
name: daemonsets-under-churn
seed: 3
duration: 8h
cluster:
  nodePools:
    - name: general
      zones: [a, b, c]
      count: 9
      minCount: 6
      maxCount: 30
      allocatable: {cpu: "4", memory: 16Gi}
      failures: {timeToFailure: {exponential: {mean: 12h}}, timeToRepair: {exponential: {mean: 30m}}}
    - {name: big, zones: [a, b], count: 2, allocatable: {cpu: "16", memory: 64Gi}}
  autoscaler: {expander: least-waste}
faults:
  - zoneOutage: {zone: b, at: 2h, for: 20m}
workloads:
  - objects:${agent('everywhere', 'agent:1')}${agent('general-only', 'general:1')}${web(60)}
  - at: 1h
    objects:${web(90)}
  - at: 3h
    objects:${agent('general-only', 'general:2')}
  - at: 5h
    objects:${web(10)}
`;

describe('DaemonSet syncs that visit only what changed', () => {
  it('agree with the full pass at every sync through churn, an outage, autoscaling and an update', () => {
    expect(DaemonSetController.checkIncremental).toBe(true);
    const run = prepareRun(loadScenario(join(tempFiles({ 'scenario.yaml': text }), 'scenario.yaml')), {
      open: () => ({ write: () => {} }),
    });
    const { cluster } = run;
    const result = run.run();
    // The run moved nodes around: the autoscaler added and removed some, and nodes failed.
    expect(Number(result.summary.autoscaler_nodes_added)).toBeGreaterThan(0);
    expect(Number(result.summary.autoscaler_nodes_removed)).toBeGreaterThan(0);
    const live = cluster.nodes.filter((n) => n.removedAt < 0);
    for (const name of ['everywhere', 'general-only']) {
      const ds = cluster.findWorkload('DaemonSet', 'default', name)!;
      // A node down at the end carries the unreachable NoSchedule taint: a new pod would not go there.
      const wanted = live.filter((n) => nodeShouldRunDaemonPod(ds.spec.template!, n).shouldRun);
      expect(wanted.length).toBeLessThan(live.length);
      const pods = [...cluster.livePods.values()].filter((p) => p.workload === ds.index && !p.terminating);
      // One pod on each node that should run it (and one stays on the node that is down).
      expect(pods.filter((p) => p.node && wanted.includes(p.node)).length, name).toBe(wanted.length);
      expect(pods.length, name).toBe(wanted.length + 1);
      const hashes = new Set(pods.map((p) => p.labels.get(DAEMONSET_REVISION_LABEL)));
      expect(ds.status.replicas, name).toBe(wanted.length);
      expect(ds.status.updatedReplicas, name).toBe(wanted.length);
      expect(hashes.size, name).toBe(1);
      expect(ds.status.updatedNumberScheduled, name).toBe(wanted.length);
      expect(ds.status.readyReplicas, name).toBe(
        pods.filter((p) => p.node && wanted.includes(p.node) && p.phase === 'Running' && p.ready).length,
      );
    }
  });
});
