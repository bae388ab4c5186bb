// HPAs on the metrics the simulation produces besides CPU: requests_per_second per pod (Pods) and of a Service
// (Object), and an External metric the scenario defines; worked out by hand. 40 requests/s arrive evenly and
// round-robin over 2 pods (20 each), served in 1 ms. metrics-server's scrapes (0, 15, 30 s, …) stand in for the
// custom metrics adapter: a pod's first rate is from the scrape of (15, 30], so the HPA's sync at 30 s is the
// first with a sample.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../helpers/scenario.js';
import { serviceApp } from '../helpers/manifests.js';

function scenario(metric: string, extra = '') {
  return `
name: hpa-metrics
duration: 5m
metrics: {interval: 1m}
cluster:
  nodePools:
    - {name: p, count: 2, allocatable: {cpu: "8", memory: 32Gi}}
${extra}
workloads:
  - objects:${serviceApp('web', { replicas: 2 })}
      - apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: web}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
          minReplicas: 1
          maxReplicas: 10
          metrics: [${metric}]
traffic:
  loadBalancing: round-robin
  entrypoints:
    - {service: web, rate: 40, arrivals: uniform}
  services:
    web: {serviceTime: 1ms, concurrency: 4}
`;
}

const rescales = (text: string) =>
  runScenario(text)
    .table('events')
    .filter((e) => e.reason === 'SuccessfulRescale')
    .map((e) => [e.time_s, String(e.message).replace(/; reason: .*\((.*); \d+ replicas\)$/, ' | $1')]);

describe('HPA metrics besides CPU', () => {
  it('Pods requests_per_second: 20 per pod against 10 doubles 2 pods to 4', () => {
    const r = rescales(
      scenario('{type: Pods, pods: {metric: {name: requests_per_second}, target: {type: AverageValue, averageValue: "10"}}}'),
    );
    expect(r[0]).toEqual([30, 'New size: 4 | pods metric requests_per_second: 20 per pod, target 10']);
  });

  it('Object requests_per_second of the Service: 40 against a value of 20 gives ceil(2 x 2 ready pods) = 4', () => {
    // The Service's rate is read from the first sync that asks (0 s); the scrapes of 15 s and 30 s give (15, 30].
    const r = rescales(
      scenario(
        '{type: Object, object: {metric: {name: requests_per_second}, describedObject: {apiVersion: v1, kind: Service, name: web}, target: {type: Value, value: "20"}}}',
      ),
    );
    expect(r[0]).toEqual([30, 'New size: 4 | requests_per_second on service/web: 40, target 20']);
  });

  it('External, per pod: a queue of 30 then 90 against 10 per pod gives 3, then 6 and 9 from 2 min', () => {
    const r = rescales(
      scenario(
        '{type: External, external: {metric: {name: queue_depth}, target: {type: AverageValue, averageValue: "10"}}}',
        'externalMetrics:\n  queue_depth: {steps: [{at: 0s, value: 30}, {at: 2m, value: 90}]}',
      ),
    );
    // 0 s: the value is there at once (no scrape): ceil(30 / 10) = 3 (status.replicas is still 0, so the usage per
    // pod is unknown). 120 s: 90 / (10 x 3) = 3: ceil(90 / 10) = 9, limited on the legacy path to
    // max(2 x 3, 4) = 6; 135 s: 90 / (10 x 6) = 1.5: 9.
    expect(r).toEqual([
      [0, 'New size: 3 | external metric queue_depth: unknown per pod, target 10'],
      [120, 'New size: 6 | external metric queue_depth: 30 per pod, target 10'],
      [135, 'New size: 9 | external metric queue_depth: 15 per pod, target 10'],
    ]);
  });

  it('refuses a metric the simulation does not produce, with "did you mean"', () => {
    expect(() =>
      runScenario(scenario('{type: Pods, pods: {metric: {name: request_per_second}, target: {type: AverageValue, averageValue: "10"}}}')),
    ).toThrow(
      /spec\.metrics\[0\]: the simulation cannot produce the Pods metric "request_per_second" \(did you mean "requests_per_second"\?\)/,
    );
    expect(() =>
      runScenario(
        scenario(
          '{type: External, external: {metric: {name: queue_dept}, target: {type: Value, value: "10"}}}',
          'externalMetrics:\n  queue_depth: 5',
        ),
      ),
    ).toThrow(/spec\.metrics\[0\]: no external metric "queue_dept" in the scenario \(did you mean "queue_depth"\?\)/);
    expect(() =>
      runScenario(
        scenario(
          '{type: Object, object: {metric: {name: requests_per_second}, describedObject: {apiVersion: v1, kind: Service, name: api}, target: {type: Value, value: "20"}}}',
        ),
      ),
    ).toThrow(/the Service "api" receives no traffic in the scenario/);
  });
});
