// Spot pools: nodes reclaimed after their drawn time with notice, pods evicted and rescheduled, the instance
// group's replacement (no autoscaler) or the cluster autoscaler's scale-up, and node-hours that stop at the
// reclaim. Times worked out by hand from constant interruption and replacement times.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../helpers/scenario.js';

const web = (replicas: number) => `
  - objects:
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: ${replicas}
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: c, image: web, resources: {requests: {cpu: "1", memory: 1Gi}}}]`;

type Table = ReturnType<typeof runScenario>['table'];
const at = (table: Table, reason: string) =>
  table('events')
    .filter((e) => e.reason === reason)
    .map((e) => [e.time_s, e.object]);

describe('spot pools', () => {
  // Both nodes are reclaimed 30 min after they start (notice at 1800 s, gone at 1920 s); the instance group's
  // replacements are Ready 60 s later (1980 s) and are themselves reclaimed 30 min after that (3780 s, 3900 s).
  it('reclaims nodes after the notice and the instance group replaces them', () => {
    const { table, summary } = runScenario(`
name: spot
duration: 70m
metrics: {interval: 1m}
cluster:
  nodePools:
    - {name: spot, count: 2, allocatable: {cpu: "4", memory: 16Gi}, pricePerHour: 0.06, spot: {interruptions: 30m, replacement: 60s}}
workloads:${web(4)}
`);
    expect(at(table, 'SpotInterruption')).toEqual([
      [1800, 'node/spot-0'],
      [1800, 'node/spot-1'],
      [3780, 'node/spot-2'],
      [3780, 'node/spot-3'],
    ]);
    expect(at(table, 'SpotInstanceTerminated').map((e) => e[0])).toEqual([1920, 1920, 3900, 3900]);
    expect(at(table, 'RegisteredNode')).toEqual([
      [1980, 'node/spot-2'],
      [1980, 'node/spot-3'],
      [3960, 'node/spot-4'],
      [3960, 'node/spot-5'],
    ]);
    expect(summary.spot_interruptions).toBe(4);
    // Node-hours end at each reclaim: 2 x 1920 s + 2 x (3900 - 1980) s + 2 x (4200 - 3960) s.
    expect(Number(summary.node_hours)).toBeCloseTo((2 * 1920 + 2 * 1920 + 2 * 240) / 3600, 9);
    // The evicted pods (30 s grace within the 120 s notice) come back on the replacements.
    expect(summary.pods_running_end).toBe(4);
    const evicted = table('pods').filter((p) => p.outcome === 'Evicted');
    expect(evicted.length).toBeGreaterThanOrEqual(4);
    for (const p of evicted) expect([1830, 3810]).toContain(Number(p.finished_s));
  });

  // With the cluster autoscaler the reclaimed node is not replaced by the instance group: the pods it held are
  // pending, and the autoscaler's next loop scales the cheaper pool (price expander) up.
  it('leaves an autoscaled pool a node short until the cluster autoscaler scales up again', () => {
    const { table, summary } = runScenario(`
name: spot-ca
duration: 40m
metrics: {interval: 1m}
cluster:
  nodePools:
    - {name: spot, count: 1, minCount: 0, maxCount: 3, allocatable: {cpu: "4", memory: 16Gi}, pricePerHour: 0.06, spot: {interruptions: 20m}}
    - {name: ondemand, minCount: 0, maxCount: 3, allocatable: {cpu: "4", memory: 16Gi}, pricePerHour: 0.2}
  autoscaler: {expander: price, provisioningTime: 1m, scaleDownEnabled: false}
workloads:${web(4)}
`);
    // The notice comes at 1200 s: spot-0 is cordoned and its pods evicted, their replacements fail to schedule,
    // and the loop at 1210 s (spot-0 still registered, so the group's size is 1) asks for one more spot node,
    // which is Ready at 1270 s, before spot-0 is gone at 1320 s.
    expect(at(table, 'SpotInstanceTerminated')).toEqual([[1320, 'node/spot-0']]);
    expect(
      table('events')
        .filter((e) => e.reason === 'ScaledUpGroup')
        .map((e) => [e.time_s, e.message]),
    ).toEqual([[1210, 'Scale-up: setting group spot size to 2 instead of 1 (max: 3)']]);
    expect(at(table, 'RegisteredNode')).toEqual([[1270, 'node/spot-1']]);
    expect(summary.pods_running_end).toBe(4);
  });
});
