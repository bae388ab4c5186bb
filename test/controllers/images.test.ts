// Image pulls in a run: the pool's bandwidth, one pull per image per node, serializeImagePulls, and
// imagePullPolicy (the ":latest" default, Never without the image).
import { describe, expect, it } from 'vitest';
import { runScenario } from '../helpers/scenario.js';

const deployment = (name: string, image: string, replicas: number, policy = '') => `
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: ${name}}
        spec:
          replicas: ${replicas}
          selector: {matchLabels: {app: ${name}}}
          template:
            metadata: {labels: {app: ${name}}}
            spec:
              containers: [{name: c, image: "${image}", ${policy}resources: {requests: {cpu: 100m}}}]`;

const run = (objects: string, cluster = '') =>
  runScenario(`
name: images
duration: 10m
cluster:
  podStartup: 1s
  scheduler: {latency: 0s}
  imageSizes: {"registry.example.com/app:v1": 100Mi, "registry.example.com/db:v2": 200Mi}
${cluster}
  nodePools:
    - name: a
      count: 1
      allocatable: {cpu: "8", memory: 32Gi}
      imagePullBandwidth: 10Mi
workloads:
  - objects:${objects}
`);

const started = (pods: Record<string, string | number>[], prefix: string) =>
  pods.filter((p) => String(p.pod).startsWith(prefix)).map((p) => Number(p.started_s));

describe('image pulls (image_manager.go, puller.go)', () => {
  it('pulls an image once per node at the pool bandwidth; pods of the same image wait for that pull', () => {
    const { table } = run(deployment('app', 'registry.example.com/app:v1', 3));
    // 100Mi at 10Mi/s: 10 s, then the 1 s start latency.
    expect(started(table('pods'), 'app-')).toEqual([11, 11, 11]);
    const ev = table('events');
    expect(ev.filter((e) => e.reason === 'Pulling').length).toBe(1);
    expect(ev.filter((e) => e.reason === 'Pulled').map((e) => [e.time_s, e.message])).toEqual([
      [10, 'Successfully pulled image "registry.example.com/app:v1" in 10.000s'],
    ]);
  });

  it('serializes pulls on a node by default, and runs them side by side with serializeImagePulls false', () => {
    const objects = deployment('app', 'registry.example.com/app:v1', 1) + deployment('db', 'registry.example.com/db:v2', 1);
    const serial = run(objects).table('pods');
    // app (10 s) first, then db (20 s) after it: 30 s.
    expect([started(serial, 'app-'), started(serial, 'db-')]).toEqual([[11], [31]]);
    const parallel = run(objects, '  serializeImagePulls: false').table('pods');
    expect([started(parallel, 'app-'), started(parallel, 'db-')]).toEqual([[11], [21]]);
  });

  it('imagePullPolicy Never with the image absent: ErrImageNeverPull, and the pod never starts', () => {
    const { table } = run(deployment('app', 'registry.example.com/app:v1', 1, 'imagePullPolicy: Never, '));
    expect(table('pods').map((p) => p.started_s)).toEqual(['']);
    expect(table('events').map((e) => e.reason)).toEqual(['ScalingReplicaSet', 'ErrImageNeverPull']);
  });

  it('an image with no tag is ":latest", pulled (Always) at the default size', () => {
    const { table } = run(deployment('web', 'nginx', 1));
    // 200Mi (cluster.imageSize) at 10Mi/s: 20 s.
    expect(started(table('pods'), 'web-')).toEqual([21]);
  });
});
