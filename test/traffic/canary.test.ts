// Entry points that split requests by weight, Services that answer with errors, and canary releases that
// step the weights and abort on a bad window.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadScenario } from '../../src/scenario/load.js';
import { runScenario, tempFiles } from '../helpers/scenario.js';
import { serviceApp } from '../helpers/manifests.js';

const app = (name: string) => serviceApp(name, { replicas: 2 });

function scenario(traffic: string, duration = '30m') {
  return `
name: c
duration: ${duration}
metrics: {interval: 1m}
cluster:
  nodePools:
    - {name: p, count: 2, allocatable: {cpu: "8", memory: 32Gi}}
workloads:
  - objects:${app('web')}${app('next')}
traffic:
${traffic}
`;
}

const series = (rows: Record<string, string | number>[], name: string) =>
  rows.filter((r) => r.service === name).reduce((a, r) => a + Number(r.requests), 0);

describe('weighted backends and canaries', () => {
  it('splits an entry point by weight, and answers errorRate of a Service with errors', () => {
    const { table, summary } = runScenario(
      scenario(`  entrypoints:
    - name: shop
      start: 10s
      rate: 100
      backends: [{service: web, weight: 70}, {service: next, weight: 30}]
  services:
    next: {errorRate: 0.1}`),
    );
    const rows = table('requests');
    const web = series(rows, 'default/web');
    const next = series(rows, 'default/next');
    const n = web + next;
    // 30% of ~178,000 requests: the binomial standard deviation is ~190, the tolerance 5 of them.
    expect(n).toBeGreaterThan(170_000);
    expect(Math.abs(next - 0.3 * n)).toBeLessThan(5 * Math.sqrt(n * 0.3 * 0.7));
    // A tenth of next's requests fail with an error; the entry point sees them.
    const errors = Number(summary.requests_failed);
    expect(Math.abs(errors - 0.1 * next)).toBeLessThan(5 * Math.sqrt(next * 0.1 * 0.9));
    expect(rows.filter((r) => r.scope === 'entry').every((r) => r.service === 'shop')).toBe(true);
  });

  it('steps the canary weight on schedule when it does well', () => {
    const { table, summary } = runScenario(
      scenario(`  entrypoints:
    - {service: web, rate: 50, start: 10s}
  canaries:
    - entrypoint: web
      canary: next
      start: 5m
      steps: [{setWeight: 20}, {pause: 5m}, {setWeight: 50}, {pause: 5m}, {setWeight: 100}]
      abort: {errorRate: 0.01, window: 1m}`),
    );
    const ev = table('events').filter((e) => String(e.reason).startsWith('Canary'));
    expect(ev.map((e) => [e.time_s, e.reason, e.message])).toEqual([
      [300, 'CanaryWeight', 'canary default/next weight set to 20%'],
      [600, 'CanaryWeight', 'canary default/next weight set to 50%'],
      [900, 'CanaryWeight', 'canary default/next weight set to 100%'],
    ]);
    expect(summary).toMatchObject({ canaries_aborted: 0, canary_weight_end: '100' });
    // After 900 s every request goes to the canary.
    const late = table('requests').filter((r) => r.scope === 'service' && Number(r.time_s) > 960);
    expect(late.filter((r) => r.service === 'default/web').every((r) => r.requests === 0)).toBe(true);
  });

  it('aborts at the end of the first bad window and sends every request back to the stable Service', () => {
    const { table, summary } = runScenario(
      scenario(`  entrypoints:
    - {service: web, rate: 50, start: 10s}
  services:
    next: {errorRate: 0.2}
  canaries:
    - entrypoint: web
      canary: next
      start: 5m
      steps: [{setWeight: 20}, {pause: 5m}, {setWeight: 100}]
      abort: {errorRate: 0.05, window: 1m}`),
    );
    const ev = table('events').filter((e) => String(e.reason).startsWith('Canary'));
    expect(ev.map((e) => [e.time_s, e.reason])).toEqual([
      [300, 'CanaryWeight'],
      [360, 'CanaryAborted'],
    ]);
    expect(String(ev[1]!.message)).toMatch(
      /^canary default\/next aborted: error rate 0\.\d+ over 60s is above 0\.05; all requests go to default\/web$/,
    );
    expect(summary).toMatchObject({ canaries_aborted: 1, canary_weight_end: '0' });
    const canaryAfter = table('requests').filter((r) => r.service === 'default/next' && Number(r.time_s) > 360);
    expect(canaryAfter.every((r) => r.requests === 0)).toBe(true);
  });

  it('refuses weights that do not add up to 100, and a canary of an unknown entry point', () => {
    const load = (traffic: string) => () => loadScenario(join(tempFiles({ 's.yaml': scenario(traffic) }), 's.yaml'));
    expect(
      load(`  entrypoints:
    - {rate: 10, backends: [{service: web, weight: 70}, {service: next, weight: 20}]}`),
    ).toThrow(/s\.yaml:\d+:\d+: traffic\.entrypoints\[0\]\.backends: the backends' weights add up to 90; expected 100/);
    expect(
      load(`  entrypoints:
    - {service: web, rate: 10}
  canaries:
    - {entrypoint: wbe, canary: next, steps: [{setWeight: 10}]}`),
    ).toThrow(/no entry point named "wbe"; there are web \(did you mean "web"\?\)/);
  });
});
