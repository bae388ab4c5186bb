// Checks of fidelity for failures: eviction times after a node dies (grace period plus toleration, the
// zone's eviction rate), replacement elsewhere, a drain held back by a PodDisruptionBudget, and the
// uptime of nodes with random failures against the renewal-process formula.
import { describe, expect, it } from 'vitest';
import { runScenario as run } from '../helpers/scenario.js';

const deployment = (name: string, replicas: number, extra = '') => `
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: ${name}}
        spec:
          replicas: ${replicas}
          selector: {matchLabels: {app: ${name}}}
          template:
            metadata: {labels: {app: ${name}}}
            spec:${extra}
              containers: [{name: c, image: app, resources: {requests: {cpu: 500m, memory: 256Mi}}}]`;

describe('a node that dies', () => {
  // Two of ten nodes of one zone die at 605 s. Their leases were last renewed at 600 s (every 10 s from
  // creation); node-monitor-grace-period (50 s) runs out at 650 s and the monitor pass (every 5 s,
  // strictly after) at 655 s marks both Unknown. The zone stays Normal (2 of 10 unhealthy, below 55%),
  // so NoExecute taints go at 0.1 node/s: the first at 655 s, the second 10 s later. Each pod tolerates
  // the unreachable taint for 300 s (DefaultTolerationSeconds), except those that say 60 s.
  const scenario = `
name: die
duration: 40m
cluster:
  nodePools:
    - name: general
      zones: [zone-a]
      count: 10
      allocatable: {cpu: "4", memory: 16Gi}
faults:
  - nodeFailure: {node: general-2, at: 605s}
  - nodeFailure: {node: general-5, at: 605s}
workloads:
  - objects:${deployment('web', 30)}${deployment(
    'fast',
    10,
    `
              tolerations: [{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 60}]`,
  )}
`;
  const { table, summary } = run(scenario);
  const events = table('events');
  const pods = table('pods');

  it('turns NotReady at the first monitor pass after the grace period, and is tainted at the zone rate', () => {
    const at = (reason: string, node: string) =>
      events.filter((e) => e.reason === reason && e.object === `node/${node}`).map((e) => e.time_s);
    expect(at('NodeNotReady', 'general-2')).toEqual([655]);
    expect(at('NodeNotReady', 'general-5')).toEqual([655]);
    expect(at('TaintAdded', 'general-2')).toEqual([655]);
    expect(at('TaintAdded', 'general-5')).toEqual([665]);
  });

  it('evicts each pod exactly when its toleration runs out, and the replacement binds elsewhere', () => {
    const evictions = new Map(
      events.filter((e) => e.reason === 'TaintManagerEviction').map((e) => [String(e.object).split('/')[2], e.time_s]),
    );
    const lost = pods.filter((p) => p.node === 'general-2' || p.node === 'general-5');
    expect(lost.length).toBeGreaterThan(0);
    for (const p of lost) {
      const tainted = p.node === 'general-2' ? 655 : 665;
      const toleration = String(p.workload) === 'default/fast' ? 60 : 300;
      expect([p.pod, evictions.get(String(p.pod))]).toEqual([p.pod, tainted + toleration]);
    }
    expect(evictions.size).toBe(lost.length);
    // Every eviction has a replacement created at that moment, on a live node.
    for (const [name, t] of evictions) {
      const victim = pods.find((p) => p.pod === name)!;
      const replacement = pods.find((p) => p.workload === victim.workload && p.created_s === t);
      expect(replacement, `replacement of ${name}`).toBeDefined();
      expect(['general-2', 'general-5']).not.toContain(replacement!.node);
      expect(replacement!.started_s).not.toBe('');
    }
    expect(summary.pods_lost).toBe(lost.length);
  });

  it('counts the lost replicas against availability', () => {
    const w = table('workloads').find((r) => r.workload === 'default/web')!;
    // From 655 s (pods marked not ready) to their replacements' start after 955 s or 965 s.
    expect(Number(w.unavailable_longest_s)).toBeGreaterThanOrEqual(300);
    expect(Number(w.unavailable_longest_s)).toBeLessThan(320);
    expect(Number(w.availability_all_ratio)).toBeLessThan(1);
  });
});

describe('a drain against a PodDisruptionBudget', () => {
  // Three replicas prefer the one node of pool a; a budget of minAvailable 2 allows one disruption at a
  // time. Draining a-0 at 600 s: the first eviction goes through, the others get 429 and kubectl retries
  // every 5 s; each goes through once the previous replacement is Ready (1 s startup).
  const scenario = `
name: drain
duration: 1h
cluster:
  podStartup: 1s
  nodePools:
    - name: a
      count: 1
      allocatable: {cpu: "8", memory: 32Gi}
    - name: b
      count: 3
      allocatable: {cpu: "8", memory: 32Gi}
faults:
  - drain: {pool: a, at: 10m, for: 10m}
workloads:
  - objects:${deployment(
    'web',
    3,
    `
              affinity:
                nodeAffinity:
                  preferredDuringSchedulingIgnoredDuringExecution:
                    - weight: 100
                      preference: {matchExpressions: [{key: kubesim.io/node-pool, operator: In, values: [a]}]}`,
  )}
      - apiVersion: policy/v1
        kind: PodDisruptionBudget
        metadata: {name: web}
        spec:
          minAvailable: 2
          selector: {matchLabels: {app: web}}
`;
  const { table, summary } = run(scenario);
  const pods = table('pods');

  it('evicts one pod at a time, each after the previous replacement is Ready', () => {
    const victims = pods.filter((p) => p.node === 'a-0').sort((x, y) => Number(x.finished_s) - Number(y.finished_s));
    const replacements = pods.filter((p) => p.node !== 'a-0').sort((x, y) => Number(x.created_s) - Number(y.created_s));
    expect(victims.length).toBe(3);
    // Deleted 30 s (terminationGracePeriodSeconds) after each eviction.
    const evicted = victims.map((p) => Number(p.finished_s) - 30);
    expect(evicted).toEqual([600, 605, 610]);
    expect(replacements.map((p) => p.created_s)).toEqual([600, 605, 610]);
    for (let k = 1; k < 3; k++) expect(evicted[k]).toBeGreaterThanOrEqual(Number(replacements[k - 1]!.started_s));
  });

  it('counts the refusals and no violation, and takes the node down only once it is empty', () => {
    const b = table('budgets')[0]!;
    expect(b).toMatchObject({
      budget: 'default/web',
      evictions_allowed: 3,
      disruptions_voluntary: 3,
      violations_voluntary: 0,
      violations_involuntary: 0,
    });
    expect(Number(b.evictions_blocked)).toBe(3); // pod 2 at 600 s, pod 3 at 600 s and 605 s
    expect(summary.pdb_violations).toBe(0);
    const events = table('events');
    expect(events.find((e) => e.reason === 'NodeDrained')?.time_s).toBe(640);
    expect(events.find((e) => e.reason === 'NodeSchedulable')?.time_s).toBe(1240);
  });
});

describe('random node failures', () => {
  // An alternating renewal process with exponential up times (mean m) and repairs (mean r) is up a
  // fraction m/(m+r) of the time; over T the fraction's variance is about 2 m^2 r^2 / ((m+r)^3 T) per
  // node. With m = 2 h, r = 30 min, T = 30 days and 20 independent nodes the standard deviation is
  // 0.003: the tolerance is four of them.
  it('keeps each node up m/(m+r) of the time', () => {
    const { summary, table } = run(`
name: churn
duration: 30d
metrics: {interval: 1d}
cluster:
  nodePools:
    - name: p
      count: 20
      allocatable: {cpu: "4", memory: 16Gi}
      failures: {timeToFailure: {exponential: {mean: 2h}}, timeToRepair: {exponential: {mean: 30m}}}
workloads:
  - objects:${deployment('web', 2)}
`);
    const m = 2;
    const r = 0.5;
    const sd = Math.sqrt((2 * m * m * r * r) / ((m + r) ** 3 * 720) / 20);
    expect(sd).toBeCloseTo(0.003, 3);
    expect(Math.abs(Number(summary.node_up_ratio) - m / (m + r))).toBeLessThan(4 * sd);
    // Ready lags up by the grace period at each failure and by the next status post at each repair.
    expect(Number(summary.node_ready_ratio)).toBeGreaterThan(Number(summary.node_up_ratio) - 0.02);
    const nodes = table('nodes');
    expect(nodes.every((n) => Number(n.up_ratio) > 0.5 && Number(n.up_ratio) < 1)).toBe(true);
  });

  it('draws failures from streams of their own: adding a fault leaves the other nodes and arrivals alone', () => {
    const base = `
name: crn
duration: 1d
cluster:
  nodePools:
    - name: p
      count: 5
      allocatable: {cpu: "4", memory: 16Gi}
      failures: {timeToFailure: {exponential: {mean: 4h}}, timeToRepair: {exponential: {mean: 30m}}}
workloads:
  - batch: {name: jobs, arrivals: {interarrival: {exponential: {mean: 10m}}}, requests: {cpu: 100m, memory: 100Mi}, duration: {exponential: {mean: 5m}}}
`;
    const a = run(base);
    const b = run(`${base}faults:\n  - networkPartition: {node: p-4, at: 1h, for: 1h}\n`);
    const failures = (t: typeof a) => t.table('events').filter((e) => e.reason === 'NodeFailure' || e.reason === 'NodeRepaired');
    expect(failures(b)).toEqual(failures(a));
    const created = (t: typeof a) => t.table('pods').map((p) => [p.pod, p.created_s]);
    expect(created(b)).toEqual(created(a));
  });
});

describe('a machine_events trace', () => {
  // Machines 7, 8, 9 present from the start; 8 is removed 10 min into the window (600 s of trace time)
  // and added back 30 min later. They take nodes m-0, m-1, m-2 in order of first appearance.
  const trace = [
    '0,7,0,p,0.5,0.5',
    '0,8,0,p,0.5,0.5',
    '0,9,0,p,0.5,0.5',
    '1200000000,8,1,,,',
    '1500000000,9,2,p,0.25,0.5',
    '3000000000,8,0,p,0.5,0.5',
    '',
  ].join('\n');
  const scenario = (file: string) => `
name: trace
duration: 1h
cluster:
  nodePools:
    - name: m
      count: 3
      allocatable: {cpu: "4", memory: 16Gi}
faults:
  - machineEvents: {file: ${file}, pool: m}
workloads:
  - objects:${deployment('web', 3)}
`;

  it('takes the node of a removed machine down and brings it back when the machine is added again', () => {
    const { table } = run(scenario('machines.csv'), { 'machines.csv': trace });
    const events = table('events').filter((e) => String(e.object) === 'node/m-1');
    expect(events.map((e) => [e.time_s, e.reason])).toEqual([
      [600, 'MachineRemoved'],
      [655, 'NodeNotReady'],
      [655, 'TaintAdded'],
      [2400, 'MachineAdded'],
      [2400, 'NodeReady'], // the kubelet's status post at 2400 s (every 10 s from creation) meets a monitor pass
    ]);
    const nodes = table('nodes');
    expect(nodes.find((n) => n.node === 'm-1')!.up_ratio).toBeCloseTo(1 - 1800 / 3600, 9);
    expect(nodes.find((n) => n.node === 'm-0')!.up_ratio).toBe(1);
  });

  it('refuses a REMOVE of a machine the trace never added, naming the trace line', () => {
    const bad = trace.replace('1200000000,8,1', '1200000000,5,1');
    expect(() => run(scenario('machines.csv'), { 'machines.csv': bad })).toThrow(
      /machines\.csv:4:2: REMOVE of machine 5, which the trace has not added/,
    );
  });

  it('refuses rows out of time order', () => {
    const bad = trace.replace('1500000000,9,2', '1000000000,9,2');
    expect(() => run(scenario('machines.csv'), { 'machines.csv': bad })).toThrow(/machines\.csv:5:1: .*time order/);
  });

  it('refuses a pool the cluster does not have, with a suggestion', () => {
    expect(() => run(scenario('machines.csv').replace('pool: m}', 'pool: n}'), { 'machines.csv': trace })).toThrow(
      /faults\[0\]\.machineEvents\.pool: no pool "n" in the cluster/,
    );
  });
});

describe('a network partition', () => {
  // general-1 is cut off from 5 min to 8 min. Its lease was renewed at 300 s; at 355 s it turns Unknown
  // and its pods not ready. Its kubelet posts status at 480 s, the monitor pass at 480 s sees it Ready,
  // and the kubelet's status sync (every 10 s) posts its running pods Ready again at 480 s. Nothing
  // was evicted (300 s of toleration had not run out) and no container restarted.
  it('leaves the containers running and their pods Ready again once the node is back', () => {
    const { table } = run(`
name: partition
duration: 1h
cluster:
  podStartup: 1s
  nodePools:
    - name: general
      zones: [zone-a]
      count: 3
      allocatable: {cpu: "4", memory: 16Gi}
faults:
  - networkPartition: {node: general-1, at: 5m, for: 3m}
workloads:
  - objects:${deployment('web', 6)}
`);
    const events = table('events');
    expect(events.filter((e) => e.object === 'node/general-1').map((e) => [e.time_s, e.reason])).toEqual([
      [300, 'NetworkPartition'],
      [355, 'NodeNotReady'],
      [355, 'TaintAdded'],
      [480, 'NetworkPartitionEnded'],
      [480, 'NodeReady'],
    ]);
    expect(events.some((e) => e.reason === 'TaintManagerEviction' || e.reason === 'Started')).toBe(false);
    const w = table('workloads')[0]!;
    // Unavailable from 355 s to 480 s: 125 s, and back to every replica by the end.
    expect(w).toMatchObject({ unavailable_longest_s: 125, pods_available_end: 6, pods_lost: 0 });
  });
});

describe('scenarios/zone-outage.yaml', () => {
  it('shows what its header says', () => {
    const { table, summary } = run('scenarios/zone-outage.yaml');
    const events = table('events');
    const at = (reason: string) => events.filter((e) => e.reason === reason).map((e) => [e.time_s, String(e.object)]);
    expect(at('NodeNotReady')).toEqual([
      [3655, 'node/general-1'],
      [3655, 'node/general-4'],
    ]);
    expect(at('TaintAdded')).toEqual([
      [3655, 'node/general-1'],
      [3665, 'node/general-4'],
    ]);
    expect(new Set(at('TaintManagerEviction').map(([t]) => t))).toEqual(new Set([3955, 3965]));
    expect(at('NodeReady').map(([t]) => t)).toEqual([5400, 5400]);
    const w = new Map(table('workloads').map((r) => [r.workload, r]));
    for (const [name, r] of w) {
      if (name === 'default/orders-db' || Number(r.pods_lost) === 0) continue;
      expect(Number(r.unavailable_longest_s), String(name)).toBeGreaterThanOrEqual(301);
      expect(Number(r.unavailable_longest_s), String(name)).toBeLessThan(312);
    }
    expect(Number(w.get('default/orders-db')!.unavailable_longest_s)).toBeCloseTo(1746, -1);
    const db = table('pods').filter((p) => p.pod === 'orders-db-2');
    expect(db.map((p) => [p.created_s, p.finished_s])).toEqual([
      [2, 5400],
      [5400, ''],
    ]);
    expect(table('budgets').map((b) => [b.budget, b.disruptions_involuntary, b.violations_involuntary])).toEqual([
      ['default/orders-db', 1, 0],
      ['default/frontend', 1, 0],
      ['default/productcatalogservice', 1, 0],
    ]);
    expect(summary.pdb_violations).toBe(0);
  });
});
