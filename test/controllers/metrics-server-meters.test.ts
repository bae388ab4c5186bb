// metrics-server scrapes a metered source (fluid mode: a Service's CPU per answering pod) slot by slot from its
// columns, without reading the pods; it must read, open and close the same slots at the same scrapes as the scrape
// pod by pod. A run with HPAs on two Services, diurnal fluid traffic, nodes failing and coming back (pods deleted
// and recreated), and a rollout: the same files byte for byte both ways, and the test suite checks every metered
// scrape against the pods (MetricsServer.checkMeters).
import { afterEach, describe, expect, it } from 'vitest';
import { MetricsServer } from '../../src/controllers/metrics-server/controller.js';
import { serviceApp } from '../helpers/manifests.js';
import { runScenario } from '../helpers/scenario.js';

const hpa = (name: string, target: number) => `
      - apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: ${name}}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: ${name}}
          minReplicas: 2
          maxReplicas: 20
          metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: ${target}}}}]`;

const SCENARIO = `
name: meters
seed: 3
duration: 3h
metrics: {interval: 5m}
cluster:
  nodePools:
    - name: p
      count: 6
      allocatable: {cpu: "8", memory: 32Gi}
      failures: {timeToFailure: {exponential: {mean: 2h}}, timeToRepair: {exponential: {mean: 10m}}}
workloads:
  - objects:${serviceApp('front', { replicas: 2, cpu: '200m' })}${hpa('front', 60)}${serviceApp('back', { replicas: 2, cpu: '100m' })}${hpa('back', 50)}
  - at: 90m
    objects:${serviceApp('front', { replicas: 2, cpu: '200m', image: 'front:v2', service: false })}
traffic:
  mode: fluid
  interval: 5s
  entrypoints:
    - {service: front, rate: {diurnal: {mean: 300, peak: 600, peakAt: 1h, period: 2h}}}
  services:
    front: {serviceTime: {exponential: {mean: 20ms}}, cpuPerRequest: 50m, calls: [back]}
    back: {serviceTime: {exponential: {mean: 10ms}}, cpuPerRequest: 50m}
`;

describe('metrics-server over a metered source', () => {
  afterEach(() => {
    MetricsServer.meteredScrape = true;
  });

  it('gives the same outputs slot by slot as pod by pod', () => {
    expect(MetricsServer.checkMeters).toBe(true);
    const fast = runScenario(SCENARIO);
    MetricsServer.meteredScrape = false;
    const slow = runScenario(SCENARIO);
    // The HPAs acted on the samples, and nodes failed.
    expect(Number(fast.summary.hpa_rescales)).toBeGreaterThan(5);
    expect(fast.table('events').some((e) => e.reason === 'NodeNotReady')).toBe(true);
    for (const name of ['events', 'pods', 'timeseries', 'requests'] as const) expect(fast.table(name), name).toEqual(slow.table(name));
    expect(fast.summary).toEqual(slow.summary);
  });

  // Fluid steps of 40 s against scrapes every 15 s: a step's CPU accrues over its span, so under a constant load
  // every sample is the same. 160 requests/s over 4 pods, 20 ms each at 50m: 40 requests/s × 0.02 s × 50m = 40m
  // a pod, 40% of its 100m request, below the HPA's 50%: no rescale. Were a step's CPU counted at its start, a
  // window would hold one step or none: samples of 107m or 0 (or 53m), and the HPA would scale up on them.
  it('reads a fluid step as used evenly over its span, whatever the step and the scrape intervals', () => {
    const text = `
name: steps
duration: 30m
metrics: {interval: 5m}
cluster:
  nodePools:
    - {name: p, count: 4, allocatable: {cpu: "8", memory: 32Gi}}
workloads:
  - objects:${serviceApp('web', { replicas: 4, cpu: '100m' })}${hpa('web', 50).replace('minReplicas: 2', 'minReplicas: 4')}
traffic:
  mode: fluid
  interval: 40s
  entrypoints:
    - {service: web, rate: 160}
  services:
    web: {serviceTime: {exponential: {mean: 20ms}}, cpuPerRequest: 50m}
`;
    const { summary, table } = runScenario(text);
    expect(Number(summary.requests)).toBeCloseTo(160 * 1800, 0);
    expect(summary.hpa_rescales).toBe(0);
    expect(table('events').filter((e) => e.reason === 'SuccessfulRescale')).toEqual([]);
  });
});
