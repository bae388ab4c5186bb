// Rules the API server keeps that a scenario can break: one globalDefault PriorityClass, unique pod names
// per namespace, integers kept exactly.
import { describe, expect, it } from 'vitest';
import { kubesim } from '../helpers/cli.js';
import { tempFiles } from '../helpers/scenario.js';

const CLUSTER = `duration: 10m
cluster:
  nodePools:
    - {name: general, count: 1, allocatable: {cpu: "4", memory: 16Gi}}
`;

describe('API server rules', () => {
  it('only one PriorityClass may be globalDefault', async () => {
    const pc = (name: string, value: number) =>
      `      - {apiVersion: scheduling.k8s.io/v1, kind: PriorityClass, metadata: {name: ${name}}, value: ${value}, globalDefault: true}`;
    const dir = tempFiles({ 's.yaml': `${CLUSTER}workloads:\n  - objects:\n${pc('a', 10)}\n${pc('b', 20)}\n` });
    const r = await kubesim(['validate', 's.yaml'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'error: s.yaml:8:112: workloads[0].objects[1].globalDefault: PriorityClass "b" is marked globalDefault, but "a" already is; only one default can exist\n',
    );
  });

  it('a seed beyond 2^53 is refused, not rounded', async () => {
    const dir = tempFiles({
      's.yaml': `seed: 9007199254740993\n${CLUSTER}workloads:\n  - batch: {name: b, arrivals: {poisson: {rate: 1/m}}, requests: {cpu: 1}, duration: 1m}\n`,
    });
    const r = await kubesim(['validate', 's.yaml'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: s\.yaml:1:7: seed: expected an integer below 2\^53 = 9007199254740992/);
    const flag = await kubesim(['validate', 's.yaml', '--seed', '9007199254740993', '--set', 'seed=1'], dir);
    expect(flag.stderr).toBe('error: --seed: expected an integer below 2^53 = 9007199254740992, got 9007199254740993\n');
  });

  it('a bare Pod named like a StatefulSet pod is not created beside it (AlreadyExists)', async () => {
    const objects = `workloads:
  - objects:
      - apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec: {containers: [{name: c, image: postgres}]}
      - {apiVersion: v1, kind: Pod, metadata: {name: db-0}, spec: {containers: [{name: c, image: busybox}]}}
`;
    const dir = tempFiles({ 's.yaml': CLUSTER + objects });
    const r = await kubesim(['run', 's.yaml', '--out', 'out', '--quiet'], dir);
    expect(r.status).toBe(0);
    const { readFileSync } = await import('node:fs');
    const rows = readFileSync(`${dir}/out/pods.csv`, 'utf8').trim().split('\n').slice(1);
    expect(rows.filter((l) => l.includes('db-0'))).toHaveLength(1);
  });
});
