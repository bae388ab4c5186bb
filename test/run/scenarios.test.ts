// Whole runs checked against hand-worked expectations.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/run/simulate.js';
import type { Row } from '../../src/metrics/collector.js';
import { tempFiles } from '../helpers/scenario.js';

function run(scenario: string, manifests: string) {
  const dir = tempFiles({ 'scenario.yaml': scenario, 'm.yaml': manifests });
  const pods: Row[] = [];
  const sinks = { timeseries: { write() {} }, pods: { write: (r: Row) => pods.push(r) }, nodes: { write() {} } };
  const r = simulate(loadScenario(join(dir, 'scenario.yaml')), sinks);
  return { summary: r.summary, pods, pending: r.pendingReasons };
}

const cluster = (count: number, cpu: string, extra = '') => `
seed: 1
duration: 2h
cluster:
  nodePools:
    - name: p
      count: ${count}
      allocatable: {cpu: "${cpu}", memory: 64Gi}
${extra}
workloads:
  - manifests: m.yaml
`;

const deploy = (name: string, replicas: number, cpu: string, prio = '') => `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      ${prio}
      containers: [{name: c, image: x, resources: {requests: {cpu: "${cpu}"}}}]
`;

describe('runs', () => {
  it('schedules what fits and explains what does not', () => {
    // 2 nodes of 4 CPU: 7 pods of 1 CPU fit (4 + 3); 3 more of 1 CPU: one fits, two stay pending.
    const r = run(cluster(2, '4'), deploy('a', 7, '1') + deploy('b', 3, '1'));
    expect(r.summary.pods_scheduled).toBe(8);
    expect(r.summary.pods_pending_end).toBe(2);
    expect([...r.pending]).toEqual([['0/2 nodes are available: 2 Insufficient cpu.', 2]]);
  });

  it('preempts lower-priority pods for a higher-priority one and recreates the victims', () => {
    const pc = `---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
`;
    // One node of 4 CPU full of 4 low pods; a high pod of 2 CPU arrives at 10m and evicts exactly 2 of them.
    const scenario = `${cluster(1, '4')}  - manifests: late.yaml\n    at: 10m\n`;
    const dir = tempFiles({
      'scenario.yaml': scenario,
      'm.yaml': deploy('low', 4, '1') + pc,
      'late.yaml': deploy('high', 1, '2', 'priorityClassName: high'),
    });
    const pods: Row[] = [];
    const r = simulate(loadScenario(join(dir, 'scenario.yaml')), {
      timeseries: { write() {} },
      pods: { write: (x: Row) => pods.push(x) },
      nodes: { write() {} },
    });
    expect(r.summary.preemptions).toBe(1);
    expect(r.summary.pods_preempted).toBe(2);
    const outcome = (name: string) => pods.filter((p) => String(p[0]).startsWith(name)).map((p) => p[12]);
    expect(outcome('high').sort()).toEqual(['Running']);
    // The low Deployment replaces its 2 victims, which stay pending: 2 Preempted, 2 Running, 2 Pending.
    expect(outcome('low').sort()).toEqual(['Pending', 'Pending', 'Preempted', 'Preempted', 'Running', 'Running']);
  });

  it('runs a Job to completion, parallelism at a time', () => {
    const job = `apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  completions: 6
  parallelism: 2
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: x, resources: {requests: {cpu: "1"}}}]
`;
    const scenario = cluster(1, '8').replace('  - manifests: m.yaml', '  - manifests: m.yaml\n    runTime: 10m');
    const r = run(scenario, job);
    expect(r.summary.pods_succeeded).toBe(6);
    expect(r.summary.pods_created).toBe(6);
    // Pods start 1 s after binding (podStartup) and run 10 minutes; 3 waves of 2.
    const finished = r.pods.map((p) => Number(p[9])).sort((a, b) => a - b);
    expect(finished[5]).toBeGreaterThan(1800);
    expect(finished[5]).toBeLessThan(1810);
  });

  it('takes scheduling latency per attempt, so a burst binds over time', () => {
    // 100 pods at once, 20 ms per attempt: the last binds at 1.98 s.
    const r = run(cluster(10, '16'), deploy('burst', 100, '100m'));
    const scheduled = r.pods.map((p) => Number(p[7])).sort((a, b) => a - b);
    expect(scheduled[0]).toBe(0);
    expect(scheduled[99]).toBeCloseTo(1.98, 5);
  });
});

describe('arrival streams', () => {
  it('`at` shifts batch streams and traces', () => {
    const dir = tempFiles({
      'scenario.yaml': `duration: 2h
cluster:
  nodePools: [{name: p, count: 2, allocatable: {cpu: "64", memory: 256Gi}}]
workloads:
  - at: 30m
    batch: {name: b, arrivals: {interarrival: 1m}, requests: {cpu: 100m}, duration: 1m, count: 3}
  - at: 1h
    trace: {name: t, file: t.csv}
`,
      't.csv': 'time_s,cpu,memory,duration_s\n0,1,1Gi,60\n90,500m,2Gi,30\n',
    });
    const pods: Row[] = [];
    simulate(loadScenario(join(dir, 'scenario.yaml')), {
      timeseries: { write() {} },
      pods: { write: (r: Row) => pods.push(r) },
      nodes: { write() {} },
    });
    const created = (w: string) =>
      pods
        .filter((p) => p[2] === w)
        .map((p) => Number(p[6]))
        .sort((a, b) => a - b);
    // The first batch arrival comes one inter-arrival time after the stream starts at 30 minutes.
    expect(created('default/b')).toEqual([1860, 1920, 1980]);
    expect(created('default/t')).toEqual([3600, 3690]);
  });
});

describe('a workload applied again by a later entry (kubectl apply)', () => {
  const web = (replicas: number, cpu: string) => deploy('web', replicas, cpu);
  it("updates the spec at that entry's time: a scale, then a new template", () => {
    const dir = tempFiles({
      'scenario.yaml': `
seed: 1
duration: 3h
metrics: {interval: 30m}
cluster:
  nodePools:
    - name: p
      count: 4
      allocatable: {cpu: "8", memory: 64Gi}
workloads:
  - manifests: v1.yaml
  - manifests: v1-scaled.yaml
    at: 1h
  - manifests: v2.yaml
    at: 2h
`,
      'v1.yaml': web(2, '100m'),
      'v1-scaled.yaml': web(5, '100m'),
      'v2.yaml': web(5, '200m'),
    });
    const ts: Row[] = [];
    const pods: Row[] = [];
    const r = simulate(loadScenario(join(dir, 'scenario.yaml')), {
      timeseries: { write: (x: Row) => ts.push(x) },
      pods: { write: (x: Row) => pods.push(x) },
    });
    const running = (t: number) => ts.filter((x) => x[0] === t && x[1] === 'pods_running' && x[4] === 'default/web').map((x) => x[5]);
    expect([running(1800), running(5400), running(9000)]).toEqual([[2], [5], [5]]);
    const requested = (t: number) =>
      ts.filter((x) => x[0] === t && x[1] === 'cpu_requested_millicores').reduce((n, x) => n + Number(x[5]), 0);
    // One series for the workload, however often it is applied; the new template's pods ask for 200m.
    expect(requested(5400)).toBe(500);
    expect(requested(9000)).toBe(1000);
    expect(r.summary.pods_created).toBe(10);
    // The old template's five pods were scaled down at 2 h; their ReplicaSet's name differs from the new one's.
    const gone = pods.filter((x) => x[12] === 'ScaledDown');
    expect(gone).toHaveLength(5);
    const rsOf = (name: string) => name.slice(0, name.lastIndexOf('-'));
    const live = pods.filter((x) => x[12] === 'Running');
    expect(new Set(live.map((x) => rsOf(String(x[0]))))).not.toContain(rsOf(String(gone[0]![0])));
  });

  it('is refused within one entry, and for kinds whose spec may not change', () => {
    const job = `apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: x}]
`;
    const dir = tempFiles({
      'scenario.yaml': cluster(1, '4', '').replace('  - manifests: m.yaml', '  - manifests: m.yaml\n  - manifests: m.yaml\n    at: 1h'),
      'm.yaml': job,
    });
    expect(() => loadScenario(join(dir, 'scenario.yaml'))).toThrow(
      /duplicate Job "j" .*only Deployments, ReplicaSets, StatefulSets and DaemonSets may be applied again/,
    );
    const dir2 = tempFiles({ 'scenario.yaml': cluster(1, '4'), 'm.yaml': `${web(1, '1')}\n${web(2, '1')}` });
    expect(() => loadScenario(join(dir2, 'scenario.yaml'))).toThrow(
      /duplicate Deployment "web" in namespace "default" \(first defined at .*m.yaml:4\)$/,
    );
  });
});
