// The HPA controller in a run, against a sequence worked out by hand from horizontal.go and
// replica_calculator.go: a Deployment of 2 pods requesting 100m CPU, a total load of 100m that steps to 400m
// at 5 min and back at 20 min, shared by the running pods; metrics-server scrapes every 15 s and the HPA
// syncs every 15 s (both from 0), target 50% utilization, no behavior (the legacy path).
import { describe, expect, it } from 'vitest';
import { runScenario } from '../helpers/scenario.js';
import { serviceApp } from '../helpers/manifests.js';

const HPA = `
      - apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: web}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
          minReplicas: 1
          maxReplicas: 10
          metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}]`;

function scenario(hpa = HPA, app = serviceApp('web', { replicas: 2 })) {
  return `
name: hpa
duration: 30m
metrics: {interval: 1m}
cluster:
  nodePools:
    - {name: p, count: 2, allocatable: {cpu: "8", memory: 32Gi}}
workloads:
  - cpuLoad: {steps: [{at: 0s, cpu: 100m}, {at: 5m, cpu: 400m}, {at: 20m, cpu: 100m}]}
    objects:${app}${hpa}
`;
}

describe('the HPA in a run', () => {
  it('scales 2 → 4 → 8 on the step up, held by the recommendations of the last 300 s, and back to 2 after them', () => {
    const { table, summary } = runScenario(scenario());
    const rescales = table('events')
      .filter((e) => e.reason === 'SuccessfulRescale')
      .map((e) => [e.time_s, String(e.message).split(';')[0]]);
    // 315 s: the first sample of the new load (the scrape of (300, 315]): 200m of 100m = 200%, ratio 4, 8
    // recommended, the scale-up limit max(2 x 2, 4) = 4. 330 s: the two new pods have no sample yet and count
    // as 0 on a scale-up: (100 + 100 + 0 + 0) / 4 = 50%, so 4 is recommended; but stabilizeRecommendation takes
    // the highest recommendation of the last 300 s, the 8 of 315 s, within the new limit max(2 x 4, 4) = 8.
    // 1215 s: 100m over 8 pods is 12.5m each, which metrics-server reports as 12,500,000n and the metrics client
    // reads as 13m (MilliValue rounds up): 104m of 800m = 13%, ratio 0.26, ceil(0.26 x 8) = ceil(2.08) = 3
    // recommended (with 12.5m it would be 12% and 2); the 8 recommended at 1200 s (a scrape of the old load)
    // holds until it is before the cutoff now - 300 s, which first happens at 1515 s. At 3 pods, 33.3…m each
    // reads as 34m: 34%, ratio 0.68, ceil(2.04) = 3, so 3 stays.
    expect(rescales).toEqual([
      [315, 'New size: 4'],
      [330, 'New size: 8'],
      [1515, 'New size: 3'],
    ]);
    expect(summary.hpa_rescales).toBe(3);
    // Before the pods exist, then before they have two scrapes, there is no metric: a warning for each, not one per sync.
    expect(
      table('events')
        .filter((e) => e.reason === 'FailedComputeMetricsReplicas')
        .map((e) => [e.time_s, e.message]),
    ).toEqual([
      [0, 'invalid metrics (1 invalid out of 1), first error is: no pods returned by selector while calculating replica count'],
      [15, 'invalid metrics (1 invalid out of 1), first error is: did not receive metrics for targeted pods (pods might be unready)'],
    ]);
  });

  it('an HPA whose target does not exist is accepted with a warning and reports FailedGetScale once', () => {
    const { table } = runScenario(scenario(HPA.replace('name: web}\n          minReplicas', 'name: wbe}\n          minReplicas')));
    expect(
      table('events')
        .filter((e) => e.reason === 'FailedGetScale')
        .map((e) => e.message),
    ).toEqual(['deployments.apps "wbe" not found']);
  });
});

describe('the HPA on CPU from request traffic', () => {
  // 150 requests/s spread evenly, 10 ms of work each on one slot of a 100m pod: 2 pods are each busy 75% of
  // the time, 75m of 100m; the HPA (target 50%) wants ceil(2 x 75 / 50) = 3, after which each pod is busy 50%.
  const traffic = (mode: string) => `
name: hpa-traffic
duration: 10m
metrics: {interval: 1m}
cluster:
  nodePools:
    - {name: p, count: 2, allocatable: {cpu: "8", memory: 32Gi}}
workloads:
  - objects:${serviceApp('web', { replicas: 2 })}${HPA}
traffic:
  mode: ${mode}
  loadBalancing: round-robin
  entrypoints:
    - {service: web, rate: {steps: [{at: 0s, rate: 0}, {at: 2m, rate: 150}]}, arrivals: uniform}
  services:
    web: {serviceTime: {constant: 10ms}, concurrency: 1}
`;
  for (const mode of ['requests', 'fluid']) {
    it(`${mode} mode: 2 pods at 75% become 3 at 50%`, () => {
      const { table } = runScenario(traffic(mode));
      const rescales = table('events').filter((e) => e.reason === 'SuccessfulRescale');
      expect(rescales.map((e) => String(e.message).split(';')[0])).toEqual(['New size: 3']);
      // 75% in fluid mode; 74% in request mode, where arrival times are whole ms and the window's edges cut requests.
      expect(String(rescales[0]!.message)).toMatch(
        /\(cpu resource utilization \(percentage of request\): 7[45]% of request, target 50%; 2 replicas\)$/,
      );
      // The rescale follows the first 15 s scrape window wholly under load.
      expect(Number(rescales[0]!.time_s)).toBeGreaterThanOrEqual(135);
      expect(Number(rescales[0]!.time_s)).toBeLessThanOrEqual(150);
    });
  }

  it('with readiness probes, pods are unready until their probe passes: the views the HPA reads follow them', () => {
    // HPAController.checkViews (on in the tests) compares every view with its pod at every sync, so a view left
    // unready after its pod turned Ready would throw. Every pod turns Ready 20 s after it starts; the first
    // pods long before the load steps up, so the first rescale is that of the run without probes.
    const probe = 'readinessProbe: {httpGet: {path: /, port: 80}, initialDelaySeconds: 20, periodSeconds: 5}';
    const text = scenario(HPA, serviceApp('web', { replicas: 2, container: [probe] }));
    expect(text).toContain('initialDelaySeconds: 20');
    const { table } = runScenario(text);
    const rescales = table('events')
      .filter((e) => e.reason === 'SuccessfulRescale')
      .map((e) => [e.time_s, String(e.message).split(';')[0]]);
    expect(rescales[0]).toEqual([315, 'New size: 4']);
    expect(rescales.length).toBeGreaterThanOrEqual(2);
  });
});
