// Zero-downtime rollouts: a pod must not get requests before its app answers, and must keep answering until
// kube-proxy has stopped sending it any. A readiness probe holds a warming pod out of the endpoints; a preStop
// sleep longer than the endpoint propagation delay keeps a terminating pod answering until it has left them.
// Without both, a rolling update under load loses requests.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../helpers/scenario.js';
import { serviceApp } from '../helpers/manifests.js';

function scenario(safe: boolean) {
  const container = safe
    ? ['readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 1}', 'lifecycle: {preStop: {sleep: {seconds: 5}}}']
    : [];
  const objects = serviceApp('web', {
    replicas: 4,
    image: 'web:1',
    cpu: '500m',
    strategy: 'strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}',
    container,
  });
  return `
name: drops
duration: 5m
metrics: {interval: 10s}
cluster:
  nodePools:
    - {name: p, count: 3, allocatable: {cpu: "8", memory: 32Gi}}
workloads:
  - warmUp: 3s
    objects:${objects}
rollouts:
  - {at: 2m, deployment: web, set: {image: web:2}}
traffic:
  endpointDelay: 1s
  entrypoints:
    - {service: web, rate: {steps: [{at: 30s, rate: 40}]}}
  services:
    web: {serviceTime: {constant: 20ms}, concurrency: 10}
`;
}

describe('a rolling update under load', () => {
  it('drops nothing with a readiness probe and a preStop sleep longer than the endpoint delay', () => {
    const { summary, table } = runScenario(scenario(true));
    expect(summary.rollouts_completed).toBe(1);
    expect(Number(summary.requests)).toBeGreaterThan(9000);
    expect(summary.requests_failed).toBe(0);
    expect(summary.requests_failed_during_rollouts).toBe(0);
    expect(table('requests').every((r) => r.errors === 0)).toBe(true);
  });

  it('loses requests without them: to pods still warming up, and to pods told to stop but still listed', () => {
    const { summary, table } = runScenario(scenario(false));
    expect(summary.rollouts_completed).toBe(1);
    expect(Number(summary.requests_failed)).toBeGreaterThan(0);
    // Some fail before the Deployment reports the rollout complete (at 124 s), the rest while its last old pod,
    // told to stop at once, is still listed (1 s): all within the interval ending at 130 s.
    expect(Number(summary.requests_failed_during_rollouts)).toBeGreaterThan(0);
    const failing = table('requests').filter((r) => r.scope === 'entry' && Number(r.errors) > 0);
    expect(failing.map((r) => [r.time_s, r.errors])).toEqual([[130, Number(summary.requests_failed)]]);
  });
});
