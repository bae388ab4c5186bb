// Pods pending: the peak is the most pending at any instant (pods created at t = 0 count before anything
// binds them), the mean is the count weighted by the virtual time it lasted, exact from the change times
// whatever the metrics interval.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { namedSinks } from '../../src/metrics/collector.js';
import { PodsCollector } from '../../src/metrics/collectors/pods.js';
import { WorkloadNames } from '../../src/metrics/collectors/workloads.js';
import { loadScenario } from '../../src/scenario/load.js';
import { prepareRun } from '../../src/run/simulate.js';
import { tidy } from '../../src/metrics/stats.js';
import { addNode, makeCluster, pod } from '../helpers/builders.js';
import { tempFiles } from '../helpers/scenario.js';

const MIN = 60_000;

function collect() {
  const cluster = makeCluster([]);
  const clock = cluster.clock as { now: number };
  const pods = new PodsCollector(cluster, namedSinks({}), new WorkloadNames(cluster, []));
  return { cluster, clock, pods };
}

describe('pods pending: peak and time-weighted mean', () => {
  it('2 pods pending for the first 30 min of a 1 h run, then bound: mean 1, peak 2', () => {
    const { cluster, clock, pods } = collect();
    const a = pod(cluster);
    const b = pod(cluster);
    clock.now = 30 * MIN;
    const node = addNode(cluster, { name: 'n' });
    cluster.bindPod(a, node);
    cluster.bindPod(b, node);
    clock.now = 60 * MIN;
    // (2 pods x 30 min + 0 pods x 30 min) / 60 min = 1
    const s = pods.summary();
    expect(s.pods_pending_mean).toBe(1);
    expect(s.pods_pending_peak).toBe(2);
    expect(s.pods_pending_end).toBe(0);
  });

  it('arrivals, bindings and a deletion at different times: mean 1.5 over 1 h', () => {
    const { cluster, clock, pods } = collect();
    const node = addNode(cluster, { name: 'n' });
    const a = pod(cluster); // pending 0..30 min
    const b = pod(cluster); // pending 0..20 min, then deleted unbound
    clock.now = 15 * MIN;
    const c = pod(cluster); // pending 15..45 min
    clock.now = 20 * MIN;
    cluster.deletePod(b, 'Deleted');
    clock.now = 30 * MIN;
    cluster.bindPod(a, node);
    clock.now = 45 * MIN;
    cluster.bindPod(c, node);
    clock.now = 50 * MIN;
    pod(cluster); // pending 50..60 min, still pending at the end
    clock.now = 60 * MIN;
    // Pending count by interval: 0-15: 2, 15-20: 3, 20-30: 2, 30-45: 1, 45-50: 0, 50-60: 1.
    // Pod-minutes: 30 + 15 + 20 + 15 + 0 + 10 = 90 (equally: a 30 + b 20 + c 30 + d 10); 90 / 60 = 1.5.
    const s = pods.summary();
    expect(s.pods_pending_mean).toBe(1.5);
    expect(s.pods_pending_peak).toBe(3);
    expect(s.pods_pending_end).toBe(1);
  });

  it('no time run: the mean is the count pending now', () => {
    const { cluster, pods } = collect();
    pod(cluster);
    pod(cluster);
    expect(pods.summary().pods_pending_mean).toBe(2);
  });

  it('in a run: exact from the event times, not from the metrics samples', () => {
    // One node of 4 CPU; a Job's two pods of 3 CPU each, created at 0, run 25 min after a 1 s start-up,
    // one at a time. Both are pending at 0 (the peak, before the first cycle binds one); the second waits
    // for the first to end at 1 + 1500 = 1501 s and is bound at once on its completion. Mean over 3600 s:
    // (1 pod x 1501 s) / 3600 s = 0.41694…. The samples every 20 min (0, 1, 0, 0 pending at 0, 20, 40 and
    // 60 min) would give 0.25.
    const dir = tempFiles({
      'scenario.yaml': `
seed: 1
duration: 1h
metrics: {interval: 20m}
cluster:
  nodePools:
    - name: p
      zones: [z1]
      count: 1
      allocatable: {cpu: "4", memory: 16Gi}
workloads:
  - manifests: m.yaml
    runTime: 25m
`,
      'm.yaml': `
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  completions: 2
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: j:1, resources: {requests: {cpu: "3", memory: 1Gi}}}]
`,
    });
    const { summary } = prepareRun(loadScenario(join(dir, 'scenario.yaml')), {}).run();
    expect(summary.pods_pending_peak).toBe(2);
    expect(summary.pods_pending_mean).toBe(tidy(1501 / 3600));
  });
});
