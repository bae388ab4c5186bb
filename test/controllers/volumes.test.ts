// A StatefulSet's volumes bind to the zone of each ordinal's first pod (WaitForFirstConsumer): when that
// pod is replaced, the new one may run only in that zone, and waits there while the zone has no room.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../helpers/scenario.js';

const run = (volumes: boolean) =>
  runScenario(`
name: volumes
duration: 1h
cluster:
  podStartup: 1s
  scheduler: {latency: 0s}
  nodePools:
    - name: p
      zones: [zone-a, zone-b, zone-c]
      count: 3
      allocatable: {cpu: "4", memory: 16Gi}
faults:
  - drain: {node: p-1, at: 10m, for: 10m}
workloads:
  - objects:
      - apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          serviceName: db
          replicas: 3
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec:
              containers: [{name: db, image: db:1, resources: {requests: {cpu: "1", memory: 1Gi}}}]
${volumes ? '          volumeClaimTemplates:\n            - metadata: {name: data}\n              spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 10Gi}}}' : ''}
`);

describe('StatefulSet volumes bound to a zone', () => {
  it('the pod drained from zone-b waits for zone-b to have room again; without volumes it moves at once', () => {
    const pods = (volumes: boolean) => run(volumes).table('pods');
    const moved = (volumes: boolean) => {
      const all = pods(volumes);
      const old = all.find((p) => p.node === 'p-1' && p.finished_s !== '')!;
      const again = all.find((p) => p.pod === old.pod && p.finished_s === '')!;
      return { old, again };
    };
    // Drained at 600 s: evicted, deleted after its 30 s grace period, recreated under the same name.
    const free = moved(false);
    expect([free.old.finished_s, free.again.created_s, free.again.scheduled_s]).toEqual([630, 630, 630]);
    expect(free.again.node).not.toBe('p-1');
    const bound = moved(true);
    expect([bound.old.finished_s, bound.again.created_s]).toEqual([630, 630]);
    // zone-b's only node is cordoned and then down for maintenance until 1230 s: the pod waits for it.
    expect(bound.again.node).toBe('p-1');
    expect(Number(bound.again.scheduled_s)).toBeGreaterThanOrEqual(1230);
  });
});
