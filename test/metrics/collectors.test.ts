// Metrics follow the model as it changes: a node removed mid-run leaves the node count, allocatable,
// node-hours and cost, and its pods are replaced elsewhere.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadScenario } from '../../src/scenario/load.js';
import { prepareRun } from '../../src/run/simulate.js';
import type { Row } from '../../src/metrics/collector.js';
import { tempFiles } from '../helpers/scenario.js';

const SCENARIO = `
seed: 1
duration: 2h
metrics: {interval: 30m}
cluster:
  nodePools:
    - name: p
      zones: [z1]
      count: 3
      allocatable: {cpu: "4", memory: 16Gi, pods: 110}
      pricePerHour: 1.5
workloads:
  - manifests: m.yaml
`;
const MANIFESTS = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 6
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: c, image: web:1, resources: {requests: {cpu: 500m, memory: 1Gi}}}]
`;

describe('collectors after a node is removed mid-run', () => {
  it('count the node until its removal: nodes, allocatable, node-hours, cost; its pods run elsewhere', () => {
    const dir = tempFiles({ 'scenario.yaml': SCENARIO, 'm.yaml': MANIFESTS });
    const rows: Record<string, Row[]> = { timeseries: [], pods: [], nodes: [] };
    const sinks = Object.fromEntries(Object.entries(rows).map(([k, list]) => [k, { write: (r: Row) => list.push(r) }]));
    const run = prepareRun(loadScenario(join(dir, 'scenario.yaml')), sinks);
    // At 45 min the node p-1 is deleted (its pods go with it, as the pod garbage collector does).
    const k = run.sim.register('test.removeNode', () => run.cluster.removeNode(run.cluster.nodeByName.get('p-1')!));
    run.sim.scheduleAt(45 * 60_000, k);
    const { summary } = run.run();

    const at = (t: number, metric: string) => rows.timeseries!.filter((r) => r[0] === t && r[1] === metric && r[4] === '').map((r) => r[5]);
    expect(at(0, 'nodes')).toEqual([3]);
    expect(at(3600, 'nodes')).toEqual([2]);
    expect(at(0, 'cpu_allocatable_millicores')).toEqual([12000]);
    expect(at(3600, 'cpu_allocatable_millicores')).toEqual([8000]);
    // All six replicas run again, on the two nodes left: 6 x 500m requested.
    expect(at(3600, 'cpu_requested_millicores')).toEqual([3000]);
    expect(rows.timeseries!.filter((r) => r[0] === 3600 && r[1] === 'pods_running' && r[4] === 'default/web').map((r) => r[5])).toEqual([
      6,
    ]);
    // Node-hours: two nodes for 2 h and one for 0.75 h = 4.75; cost at 1.5 per hour.
    expect(summary.nodes).toBe(2);
    expect(summary.node_hours).toBe(4.75);
    expect(summary.cost).toBe(7.125);
    // The removed node's pods ended as NodeRemoved and were replaced.
    const removed = rows.pods!.filter((r) => r[12] === 'NodeRemoved');
    expect(removed.length).toBe(2);
    for (const r of removed) expect([r[10], r[9]]).toEqual(['p-1', 2700]);
    expect(summary.pods_created).toBe(8);
    expect(summary.pods_running_end).toBe(6);
    // Mean CPU requested share: 3000 of 12000 for 45 min, then 3000 of 8000 for 75 min (time-weighted;
    // less the few seconds the pods wait to be scheduled at the start and after the removal). Dividing
    // by the allocatable of the end (8000 all along) would give 0.375.
    const mean = (3000 * 45 + 3000 * 75) / (12000 * 45 + 8000 * 75);
    expect(summary.cpu_requested_ratio_mean).toBeCloseTo(mean, 4);
    // nodes.csv keeps a row for every node, the removed one with nothing requested.
    expect(rows.nodes!.map((r) => [r[0], r[11]])).toEqual([
      ['p-0', 3],
      ['p-1', 0],
      ['p-2', 3],
    ]);
  });
});
