// Fluid mode keeps each Service's count of answering pods between steps while nothing that decides it changes
// (FluidTrafficController's serving record; checked against a fresh count at every step in the tests). Here a
// quiet cluster where only the endpoints list or the clock changes it: a pod whose readiness probe passes late
// joins the endpoints with nothing else happening, and a listed pod stops answering at its SIGTERM.
import { describe, expect, it } from 'vitest';
import { FluidTrafficController } from '../../src/traffic/fluid-controller.js';
import { serviceApp } from '../helpers/manifests.js';
import { runScenario } from '../helpers/scenario.js';

const LATE_READY = ['readinessProbe: {httpGet: {path: /, port: 80}, initialDelaySeconds: 30, periodSeconds: 10}'];
const PRESTOP = ['readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 1}', 'lifecycle: {preStop: {sleep: {seconds: 5}}}'];

/** One pod behind a Service at 10 requests/s in fluid mode; `later` adds workloads entries. */
const scenario = (probe: string[], endpointDelay: string, later = '') => `
name: fluid-serving
duration: 2m
metrics: {interval: 10s}
cluster:
  podStartup: 1s
  scheduler: {latency: 0s}
  nodePools:
    - {name: p, count: 1, allocatable: {cpu: "4", memory: 16Gi}}
workloads:
  - objects:${serviceApp('web', { cpu: '500m', container: probe })}
${later}
traffic:
  mode: fluid
  interval: 1s
  endpointDelay: ${endpointDelay}
  entrypoints:
    - {service: web, rate: 10}
  services:
    web: {serviceTime: {exponential: {mean: 10ms}}, concurrency: 4}
`;

/** Failed and answered requests at the entry point in the 10 s before each time (s). */
function entryRows(text: string) {
  const r = runScenario(text);
  const rows = r.table('requests').filter((x) => x.scope === 'entry');
  const at = (t: number) => rows.find((x) => Number(x.time_s) === t)!;
  return { failed: (t: number) => Number(at(t).errors), answered: (t: number) => Number(at(t).answered), summary: r.summary };
}

describe('fluid mode: answering pods kept between steps', () => {
  it('a pod that joins the endpoints with nothing else changing starts answering at once', () => {
    expect(FluidTrafficController.checkServing).toBe(true);
    const r = entryRows(scenario(LATE_READY, '1s'));
    // Ready at 31 s (started at 1 s, probed 30 s later), listed 1 s later (endpointDelay): every request before
    // 32 s fails, 320 of them at 10/s; every one after answers.
    expect(r.failed(30)).toBe(100);
    expect(r.failed(40)).toBe(20);
    expect(r.answered(40)).toBe(80);
    expect(r.failed(50)).toBe(0);
    expect(r.answered(120)).toBe(100);
    expect(Number(r.summary.requests_failed)).toBe(320);
  });

  it('a listed pod that gets SIGTERM stops answering when it does, with nothing else changing', () => {
    // Scaled to zero at 60 s with a 5 s preStop hook; kube-proxy drops the pod only 30 s later (endpointDelay),
    // so from SIGTERM at 65 s to 90 s it is listed but refuses, and after that there is no endpoint.
    const r = entryRows(
      scenario(
        PRESTOP,
        '30s',
        `  - at: 1m\n    objects:${serviceApp('web', { replicas: 0, cpu: '500m', container: PRESTOP, service: false })}`,
      ),
    );
    expect(r.failed(60)).toBe(0);
    expect(r.failed(70)).toBe(50);
    expect(r.failed(80)).toBe(100);
    expect(r.failed(100)).toBe(100);
  });
});
