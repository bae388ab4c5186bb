// Warnings name what a result leaves out: stream pods that can never fit, objects accepted but not
// simulated that would change a result, and a runTime that times nothing.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/scenario/load.js';
import { tempFiles } from '../helpers/scenario.js';

const CLUSTER = `duration: 1h
cluster:
  nodePools:
    - {name: general, count: 2, allocatable: {cpu: "4", memory: 16Gi}}
`;

/** Loads s.yaml from a temporary folder; its warnings name the file without the folder. */
function load(files: Record<string, string>) {
  const s = loadScenario(join(tempFiles(files), 's.yaml'));
  return { ...s, warnings: s.warnings.map((w) => w.replace(/[^\s(]*\/s\.yaml/g, 's.yaml')) };
}

describe('stream pods that can never fit', () => {
  it('trace tasks: counted, with the first as an example', () => {
    const trace = 'time_s,cpu,memory,duration_s\n0,1,1Gi,60\n5,8,1Gi,60\n9,2,64Gi,60\n12,1,1Gi,60\n';
    const s = load({
      's.yaml': `${CLUSTER}workloads:\n  - trace: {name: t, file: t.csv}\n`,
      't.csv': trace,
    });
    expect(s.warnings).toEqual([
      'trace t (s.yaml:6): 2 of 4 tasks can never be scheduled (the first at 5 s: pool general: the pod requests cpu 8 but nodes have 4)',
    ]);
  });

  it('a batch stream whose smallest possible request fits no pool; one that may fit gets no warning', () => {
    const stream = (cpu: string) =>
      `${CLUSTER}workloads:\n  - batch: {name: b, arrivals: {poisson: {rate: 1/m}}, requests: {cpu: ${cpu}}, duration: 1m}\n`;
    expect(load({ 's.yaml': stream('"6"') }).warnings).toEqual([
      'batch stream b (s.yaml:6): its pods can never be scheduled: pool general: the pod requests cpu 6 but nodes have 4',
    ]);
    expect(load({ 's.yaml': stream('{uniform: {min: "5", max: "9"}}') }).warnings).toHaveLength(1);
    expect(load({ 's.yaml': stream('{uniform: {min: "1", max: "9"}}') }).warnings).toEqual([]);
    expect(load({ 's.yaml': stream('{exponential: {mean: "6"}}') }).warnings).toEqual([]);
  });
});

describe('pods pinned to one node by its name', () => {
  // Nodes differ in their hostname label (and zone): a pod pinned to a node the pool has fits; to one it does
  // not have (past its count, or of another pool), it never does. An autoscaled pool may add any <pool>-<n>.
  const pinned = (spec: string, pool = '{name: general, count: 2, allocatable: {cpu: "4", memory: 16Gi}}', autoscaler = '') => `duration: 1h
cluster:
  nodePools:
    - ${pool}${autoscaler}
workloads:
  - objects:
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              ${spec}
              containers: [{name: c, image: web}]
`;
  const bySelector = (host: string) => `nodeSelector: {kubernetes.io/hostname: ${host}}`;
  const byAffinity = (key: string, host: string) =>
    `affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{${key}: [{key: ${key === 'matchFields' ? 'metadata.name' : 'kubernetes.io/hostname'}, operator: In, values: [${host}]}]}]}}}`;

  it.each([
    ['nodeSelector, the second node', bySelector('general-1'), 0],
    ['nodeSelector, a node past the count', bySelector('general-2'), 1],
    ['nodeSelector, a node of no pool', bySelector('other-0'), 1],
    ['affinity on the hostname label', byAffinity('matchExpressions', 'general-1'), 0],
    ['affinity on metadata.name', byAffinity('matchFields', 'general-1'), 0],
    ['affinity on metadata.name past the count', byAffinity('matchFields', 'general-5'), 1],
  ])('%s', (_name, spec, warnings) => {
    expect(load({ 's.yaml': pinned(spec) }).warnings).toHaveLength(warnings);
  });

  it('a pool an autoscaler grows may have the node later', () => {
    const autoscaled = '{name: general, count: 2, maxCount: 6, allocatable: {cpu: "4", memory: 16Gi}}';
    expect(load({ 's.yaml': pinned(bySelector('general-5'), autoscaled, '\n  autoscaler: {}') }).warnings).toEqual([]);
  });
});

describe('objects accepted but not simulated', () => {
  const objects = (kinds: string[]) =>
    kinds
      .map((k, i) =>
        k === 'Service'
          ? `      - {apiVersion: v1, kind: Service, metadata: {name: s${i}}, spec: {selector: {app: a}, ports: [{port: 80}]}}`
          : k === 'HorizontalPodAutoscaler'
            ? `      - {apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, metadata: {name: h${i}}, spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 1, maxReplicas: 5}}`
            : `      - {apiVersion: v1, kind: LimitRange, metadata: {name: l${i}, namespace: team}, spec: {limits: []}}`,
      )
      .join('\n');

  it('one warning per kind that changes a result, naming the objects and what is left out', () => {
    const s = load({
      's.yaml': `${CLUSTER}workloads:\n  - objects:\n${objects(['HorizontalPodAutoscaler', 'LimitRange', 'HorizontalPodAutoscaler', 'Service'])}\n`,
    });
    expect(s.warnings).toEqual([
      '1 LimitRange not simulated (team/l1): no default requests or limits are applied: pods request exactly what their containers say',
      's.yaml:10: Service "s3" selects no pods of the workloads: it has no endpoints, and requests to it fail',
      's.yaml:7: HorizontalPodAutoscaler default/h0 targets Deployment "web", which no manifest defines: it will report FailedGetScale and scale nothing',
      's.yaml:9: HorizontalPodAutoscaler default/h2 targets Deployment "web", which no manifest defines: it will report FailedGetScale and scale nothing',
    ]);
    // Services are simulated (their endpoints take traffic).
    expect(s.notSimulated.get('Service')).toBeUndefined();
    expect(s.services.map((x) => x.name)).toEqual(['s3']);
  });
});

describe('runTime', () => {
  const pod = (restart: string) =>
    `      - {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {restartPolicy: ${restart}, containers: [{name: c, image: busybox}]}}`;

  it('warns where it times nothing (an entry without pods), not where it applies (any pod: Always restarts it)', () => {
    const service = `      - {apiVersion: v1, kind: Service, metadata: {name: s}, spec: {ports: [{port: 80}]}}`;
    const none = load({ 's.yaml': `${CLUSTER}workloads:\n  - runTime: 5m\n    exitCode: 1\n    objects:\n${service}\n` });
    expect(none.warnings).toEqual([
      "s.yaml:6: workloads[0].runTime has no effect: it applies to the pods of the entry's manifests, and this entry creates none",
      "s.yaml:7: workloads[0].exitCode has no effect: it applies to the pods of the entry's manifests, and this entry creates none",
    ]);
    for (const restart of ['Always', 'Never']) {
      const s = load({ 's.yaml': `${CLUSTER}workloads:\n  - runTime: 5m\n    objects:\n${pod(restart)}\n` });
      expect(s.warnings).toEqual([]);
    }
  });
});
