// Fluid mode keeps each Service's count of answering pods between steps while nothing that decides it changes
// (FluidTrafficController's serving record; checked against a fresh count at every step in the tests). Here a
// quiet cluster where the endpoints change with nothing else happening: a pod whose readiness probe passes
// 30 s after it starts joins the endpoints one second later, and only the endpoints list says so.
import { describe, expect, it } from 'vitest';
import { FluidTrafficController } from '../../src/traffic/fluid-controller.js';
import { runScenario } from '../helpers/scenario.js';

const scenario = `
name: fluid-serving
duration: 2m
metrics: {interval: 10s}
cluster:
  podStartup: 1s
  scheduler: {latency: 0s}
  nodePools:
    - {name: p, count: 1, allocatable: {cpu: "4", memory: 16Gi}}
workloads:
  - objects:
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
                - name: c
                  image: web
                  resources: {requests: {cpu: 500m, memory: 64Mi}}
                  readinessProbe: {httpGet: {path: /, port: 80}, initialDelaySeconds: 30, periodSeconds: 10}
      - apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {selector: {app: web}, ports: [{port: 80}]}
traffic:
  mode: fluid
  interval: 1s
  entrypoints:
    - {service: web, rate: 10}
  services:
    web: {serviceTime: {exponential: {mean: 10ms}}, concurrency: 4}
`;

describe('fluid mode: answering pods kept between steps', () => {
  it('a pod that joins the endpoints with nothing else changing starts answering at once', () => {
    expect(FluidTrafficController.checkServing).toBe(true);
    const r = runScenario(scenario);
    const rows = r.table('requests').filter((x) => x.scope === 'entry');
    const at = (t: number) => rows.find((x) => Number(x.time_s) === t)!;
    const failedAt = (t: number) => Number(at(t).errors);
    const servedAt = (t: number) => Number(at(t).answered);
    // Rows cover the 10 s before their time. Ready at 31 s (started at 1 s, probed 30 s later), listed 1 s later
    // (endpointDelay): every request before 32 s fails, 320 of them at 10/s; every one after answers.
    expect(failedAt(30)).toBe(100);
    expect(failedAt(40)).toBe(20);
    expect(servedAt(40)).toBe(80);
    expect(failedAt(50)).toBe(0);
    expect(servedAt(120)).toBe(100);
    expect(Number(r.summary.requests_failed)).toBe(320);
  });

  it('a listed pod that gets SIGTERM stops answering when it does, with nothing else changing', () => {
    // Scaled to zero at 60 s with a 5 s preStop hook; kube-proxy drops the pod only 30 s later (endpointDelay),
    // so from SIGTERM at 65 s to 90 s it is listed but refuses: 250 requests at 10/s.
    const r = runScenario(
      scenario
        .replace('  interval: 1s\n', '  interval: 1s\n  endpointDelay: 30s\n')
        .replace(
          'initialDelaySeconds: 30, periodSeconds: 10}',
          'initialDelaySeconds: 0, periodSeconds: 1}\n                  lifecycle: {preStop: {sleep: {seconds: 5}}}',
        )
        .replace(
          'traffic:',
          `  - at: 1m
    objects:
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 0
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
                - name: c
                  image: web
                  resources: {requests: {cpu: 500m, memory: 64Mi}}
                  readinessProbe: {httpGet: {path: /, port: 80}, initialDelaySeconds: 0, periodSeconds: 1}
                  lifecycle: {preStop: {sleep: {seconds: 5}}}
traffic:`,
        ),
    );
    const rows = r.table('requests').filter((x) => x.scope === 'entry');
    const at = (t: number) => rows.find((x) => Number(x.time_s) === t)!;
    expect(Number(at(60).errors)).toBe(0);
    expect(Number(at(70).errors)).toBe(50);
    expect(Number(at(80).errors)).toBe(100);
    expect(Number(at(90).errors)).toBe(100);
    expect(Number(at(100).errors)).toBe(100);
  });
});
