// Containers that exit: the kubelet's CrashLoopBackOff under restartPolicy Always, and the Job
// controller's pod failure backoff and backoff limit under restartPolicy Never and OnFailure.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../helpers/scenario.js';

const scenario = (objects: string, entry: string) => `
name: restarts
duration: 1h
cluster:
  podStartup: 1s
  scheduler: {latency: 0s}
  nodePools:
    - name: a
      count: 1
      allocatable: {cpu: "8", memory: 32Gi}
workloads:
  - objects:${objects}
${entry}
`;

const web = `
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: c, image: web:1, resources: {requests: {cpu: 100m}}}]`;

const job = (restartPolicy: string, backoffLimit: number) => `
      - apiVersion: batch/v1
        kind: Job
        metadata: {name: train}
        spec:
          backoffLimit: ${backoffLimit}
          template:
            spec:
              restartPolicy: ${restartPolicy}
              containers: [{name: c, image: train:1, resources: {requests: {cpu: 100m}}}]`;

/** Times of one event reason. */
const times = (events: Record<string, string | number>[], reason: string) =>
  events.filter((e) => e.reason === reason).map((e) => Number(e.time_s));

describe('CrashLoopBackOff (kubelet.go newCrashLoopBackOff, kuberuntime_manager.go doBackOff)', () => {
  it('restarts a container that exits after 1 s at once, then after 10, 20, 40, 80, 160, 300, 300 s', () => {
    const { table, summary } = runScenario(scenario(web, '    runTime: 1s\n    exitCode: 1'));
    const started = times(table('events'), 'Started');
    // Started at 1 s; each run lasts 1 s, so each wait is the gap between one start and the next, minus 1 s.
    const waits = [1, ...started]
      .slice(0, 9)
      .map((t, i, a) => (i === 0 ? null : t - a[i - 1]! - 1))
      .slice(1);
    expect(waits).toEqual([0, 10, 20, 40, 80, 160, 300, 300]);
    const backoffs = table('events')
      .filter((e) => e.reason === 'BackOff')
      .map((e) => String(e.message).split(' ')[1]);
    expect(backoffs.slice(0, 7)).toEqual(['10s', '20s', '40s', '80s', '160s', '300s', '300s']);
    // Not Ready while it waits: the Deployment is short of its replica most of the time.
    const w = table('workloads')[0]!;
    expect(Number(w.availability_all_ratio)).toBeLessThan(0.05);
    // Every restart is counted once, for the workload and for the run.
    const restarts = table('events').filter((e) => e.message === 'Started container (restart)').length;
    expect(restarts).toBeGreaterThan(10);
    expect(w.container_restarts).toBe(restarts);
    expect(summary.container_restarts).toBe(restarts);
  });

  it('restarts at once, every time, a container that runs more than 600 s between exits (the backoff starts over)', () => {
    const { table } = runScenario(scenario(web, '    runTime: 601s\n    exitCode: 0'));
    const started = times(table('events'), 'Started');
    // Runs 1..602, 602..1203, 1203..1804, ...: an exit with code 0 restarts too (restartPolicy Always).
    expect(started).toEqual([602, 1203, 1804, 2405, 3006]);
    expect(table('workloads')[0]!.container_restarts).toBe(5);
    expect(times(table('events'), 'BackOff')).toEqual([]);
  });
});

describe('Job pod failure backoff (job_controller.go, backoff_utils.go)', () => {
  it('replaces failed pods after 10, 20, 40 s and fails the Job once failures exceed backoffLimit', () => {
    // Each pod starts 1 s after creation, runs 5 s and exits 1. Pod 1 fails at 6 s: the replacement
    // waits 10 s (created 16, fails 22), then 20 s (42, fails 48), then 40 s (88, fails 94): 4 failures
    // exceed backoffLimit 3 and the Job fails at 94 s.
    const { table } = runScenario(scenario(job('Never', 3), '    runTime: 5s\n    exitCode: 1'));
    const pods = table('pods');
    expect(pods.map((p) => [p.created_s, p.finished_s, p.outcome])).toEqual([
      [0, 6, 'Error (exit code 1)'],
      [16, 22, 'Error (exit code 1)'],
      [42, 48, 'Error (exit code 1)'],
      [88, 94, 'Error (exit code 1)'],
    ]);
    expect(times(table('events'), 'BackoffLimitExceeded')).toEqual([94]);
  });

  it('with restartPolicy OnFailure, restarts the container in the pod and fails the Job when restarts reach backoffLimit', () => {
    // Runs 1..6, restart at once 6..11, backoff 10 s: 21..26, 20 s: 46..51; the third restart (at 46 s)
    // reaches backoffLimit 3, and the Job fails, deleting the pod.
    const { table } = runScenario(scenario(job('OnFailure', 3), '    runTime: 5s\n    exitCode: 1'));
    expect(times(table('events'), 'Started')).toEqual([6, 21, 46]);
    expect(times(table('events'), 'BackoffLimitExceeded')).toEqual([46]);
    const pods = table('pods');
    expect(pods.length).toBe(1);
    expect(pods[0]!.outcome).toBe('BackoffLimitExceeded');
  });

  it('a Job whose pods succeed is unaffected', () => {
    const { table } = runScenario(scenario(job('Never', 3), '    runTime: 5s'));
    expect(table('pods').map((p) => [p.created_s, p.finished_s, p.outcome])).toEqual([[0, 6, 'Succeeded']]);
  });
});
