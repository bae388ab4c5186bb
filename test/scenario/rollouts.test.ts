// The scenario's `rollouts:` section: each step edits the Deployment as last applied, and the Deployment
// controller rolls the result out; mistakes are refused at load time with the step's line.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadScenario } from '../../src/scenario/load.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { mergePatch } from '../../src/scenario/rollouts.js';
import { runScenario, tempFiles } from '../helpers/scenario.js';

const DEPLOYMENT = `
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 4
          strategy: {rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
                - name: app
                  image: web:1
                  resources: {requests: {cpu: 100m, memory: 64Mi}}
                  readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 5}`;

function scenario(rollouts: string, duration = '10m') {
  return `
name: r
duration: ${duration}
cluster:
  nodePools:
    - name: p
      count: 3
      allocatable: {cpu: "8", memory: 32Gi}
workloads:
  - objects:${DEPLOYMENT}
rollouts:
${rollouts}
`;
}

function loadText(text: string) {
  return loadScenario(join(tempFiles({ 'scenario.yaml': text }), 'scenario.yaml'));
}

function loadError(text: string): ScenarioError {
  try {
    loadText(text);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  throw new Error('expected a ScenarioError');
}

describe('rollouts: in a scenario', () => {
  it('set image at 2m rolls out one pod at a time (maxSurge 1, maxUnavailable 0) and completes', () => {
    const { table, summary } = runScenario(scenario('  - {at: 2m, deployment: web, set: {image: web:2}}'));
    const rows = table('rollouts');
    expect(rows[0]).toMatchObject({
      time_s: 120,
      deployment: 'default/web',
      revision: 2,
      action: 'start',
      old_replicas: 4,
      new_replicas: 1,
    });
    expect(rows.at(-2)).toMatchObject({ action: 'complete', old_replicas: 0, new_replicas: 4, available_replicas: 4 });
    // The old pods get SIGKILL 30 s after their deletion (no preStop, no shutdown time): then none is left.
    expect(rows.at(-1)).toMatchObject({ action: 'drained', time_s: Number(rows.at(-3)!.time_s) + 30 });
    // Never more than one extra pod, never fewer than 4 available.
    expect(Math.max(...rows.map((r) => Number(r.surge)))).toBe(1);
    expect(Math.min(...rows.map((r) => Number(r.available_replicas)))).toBe(4);
    expect(summary).toMatchObject({ rollouts: 1, rollouts_completed: 1, rollout_surge_max: 1, rollout_available_min_ratio: 1 });
    const scaling = table('events').filter((e) => e.reason === 'ScalingReplicaSet');
    expect(scaling).toHaveLength(1 + 4 + 4);
    expect(scaling[0]!.object).toBe('deployment/default/web');
  });

  it('undo goes back to the previous template and reuses its ReplicaSet; restart makes a new one of the same template', () => {
    const { table, summary } = runScenario(
      scenario(`  - {at: 1m, deployment: web, set: {image: web:2}}
  - {at: 4m, deployment: web, undo: true}
  - {at: 7m, deployment: web, restart: true}`),
    );
    const starts = table('rollouts').filter((r) => r.action === 'start');
    expect(starts.map((r) => [r.time_s, r.revision])).toEqual([
      [60, 2],
      [240, 3],
      [420, 4],
    ]);
    expect(summary.rollouts_completed).toBe(3);
    // The undo scaled up the first ReplicaSet again: no new one was created at 240 s.
    const created = table('events').filter((e) => e.reason === 'ScalingReplicaSet' && String(e.message).includes('from 0 to'));
    expect(created.map((e) => e.time_s)).toEqual([0, 60, 240, 420]);
    const names = created.map((e) => String(e.message).split(' ')[4]);
    expect(names[2]).toBe(names[0]);
    expect(new Set(names).size).toBe(3);
  });

  it('scale, pause and resume change spec.replicas and hold the rollout', () => {
    const { table } = runScenario(
      scenario(`  - {at: 1m, deployment: web, pause: true}
  - {at: 1m, deployment: web, set: {image: web:2}}
  - {at: 2m, deployment: web, scale: 6}
  - {at: 5m, deployment: web, resume: true}`),
    );
    const rows = table('rollouts');
    expect(rows[0]).toMatchObject({ time_s: 300, action: 'start', old_replicas: 6 });
    expect(rows.filter((r) => r.action === 'complete')).toMatchObject([{ new_replicas: 6 }]);
  });

  it('set requests and probe fields of the named container; patch merges into the object', () => {
    const s = loadText(
      scenario(`  - {at: 1m, deployment: web, container: app, set: {requests: {cpu: 250m}, readinessProbe: {periodSeconds: 2}}}
  - {at: 2m, deployment: web, patch: {spec: {minReadySeconds: 5}}}`),
    );
    const [, a, b] = s.workloads;
    expect(a!.at).toBe(60_000);
    expect(a!.template.requests[0]).toBe(250);
    // Merged into the probe: the new period, the handler kept.
    expect(a!.template.probes?.[0]?.readinessProbe?.periodSeconds).toBe(2);
    expect(s.workloads[0]!.template.probes?.[0]?.readinessProbe?.periodSeconds).toBe(5);
    expect(b!.at).toBe(120_000);
    expect(b!.minReadySeconds).toBe(5);
    expect(b!.template.requests[0]).toBe(250);
  });

  it('refuses mistakes with the line of the step', () => {
    const cases: [string, RegExp][] = [
      [
        '  - {at: 1m, deployment: wbe, set: {image: x}}',
        /scenario.yaml:\d+:\d+: rollouts\[0\]\.deployment: no Deployment "wbe".*did you mean "web"/,
      ],
      ['  - {at: 1m, deployment: web}', /rollouts\[0\]: expected one of set, patch, scale/],
      ['  - {at: 1m, deployment: web, scale: 3, pause: true}', /expected only one of .* got scale and pause/],
      ['  - {at: 1m, deployment: web, undo: true}', /no earlier revision/],
      ['  - {at: 1m, deployment: web, pause: false}', /rollouts\[0\]\.pause: expected true/],
      ['  - {at: 1m, deployment: web, container: ap, set: {image: x}}', /no container "ap".*did you mean "app"/],
      [
        '  - {at: 1m, deployment: web, set: {requests: {cpu: lots}}}',
        /rollouts\[0\]\.set: the Deployment "web" it makes is not valid: .*cpu/,
      ],
      ['  - {at: 1m, deployment: web, set: {imag: x}}', /did you mean "image"/],
      ['  - {at: 1m, deployment: web, patch: {spec: {strategy: {type: Recreate, rollingUpdate: {maxSurge: 1}}}}}', /may not be specified/],
    ];
    for (const [text, want] of cases) {
      const e = loadError(scenario(text));
      expect(e.message, text).toMatch(want);
      expect(e.line, text).toBeGreaterThan(0);
    }
  });

  it('mergePatch follows RFC 7386', () => {
    expect(mergePatch({ a: 'b', c: { d: 'e', f: 'g' } }, { a: 'z', c: { f: null } })).toEqual({ a: 'z', c: { d: 'e' } });
    expect(mergePatch({ a: [1, 2] }, { a: [3] })).toEqual({ a: [3] });
    expect(mergePatch({ a: 'b' }, { b: { c: 1 } })).toEqual({ a: 'b', b: { c: 1 } });
  });
});
