// Probes in a run: readiness gates Ready (and so availability), a startup probe holds back the others,
// and a liveness probe that fails failureThreshold times kills the container, which restarts with
// CrashLoopBackOff. Each container answers its probes once its workload's warm-up has passed.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../helpers/scenario.js';

const run = (probes: string, warmUp = '45s') =>
  runScenario(`
name: probes
duration: 30m
cluster:
  podStartup: 1s
  scheduler: {latency: 0s}
  nodePools:
    - name: a
      count: 1
      allocatable: {cpu: "8", memory: 32Gi}
workloads:
  - objects:
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: slow}
        spec:
          replicas: 1
          selector: {matchLabels: {app: slow}}
          template:
            metadata: {labels: {app: slow}}
            spec:
              containers:
                - name: c
                  image: slow:1
                  resources: {requests: {cpu: 100m}}
${probes
  .split('\n')
  .map((l) => `                  ${l}`)
  .join('\n')}
    warmUp: ${warmUp}
`);

describe('probes (prober/worker.go doProbe, with SetDefaults_Probe)', () => {
  it('readiness: Ready at the first readiness tick after the warm-up (45 s: ticks every 5 s from the start, at 1 s)', () => {
    const { table } = run('readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 5}');
    const w = table('workloads')[0]!;
    expect(w.unavailable_longest_s).toBe(46);
    expect(table('events').map((e) => e.reason)).toEqual(['ScalingReplicaSet']);
  });

  it('liveness with too short an initial delay: killed after 3 failures (10, 20, 30 s), then CrashLoopBackOff', () => {
    const { table } = run(
      'readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 5}\nlivenessProbe: {httpGet: {path: /live, port: 8080}, initialDelaySeconds: 10}',
    );
    const ev = table('events');
    const kills = ev.filter((e) => e.reason === 'Killing').map((e) => Number(e.time_s));
    // Started at 1 s: killed at 31; restarted at once, killed at 61; back-off 10 s: 71, killed at 101; 20 s: 121, 151 …
    expect(kills.slice(0, 4)).toEqual([31, 61, 101, 151]);
    expect(ev.filter((e) => e.reason === 'Unhealthy').length).toBe(kills.length);
    expect(table('workloads')[0]!.availability_any_ratio).toBe(0); // never Ready
  });

  it('a startup probe holds liveness back until the app has started: no kill, Ready when started', () => {
    const { table } = run(
      'startupProbe: {httpGet: {path: /live, port: 8080}, failureThreshold: 30, periodSeconds: 10}\nlivenessProbe: {httpGet: {path: /live, port: 8080}}\nreadinessProbe: {httpGet: {path: /ready, port: 8080}}',
    );
    expect(table('events').filter((e) => e.reason === 'Killing')).toEqual([]);
    // The startup probe first succeeds at its tick at 50 s; readiness runs at once then: Ready at 51 s.
    expect(table('workloads')[0]!.unavailable_longest_s).toBe(51);
  });

  it('without a warm-up, probes pass at their first tick: Ready at start with a readiness probe', () => {
    const { table } = run('readinessProbe: {httpGet: {path: /ready, port: 8080}}', '0s');
    expect(table('workloads')[0]!.unavailable_longest_s).toBe(1);
  });
});
