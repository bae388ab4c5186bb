// Ceilings on the work a scenario asks for: every unbounded case of the hardening report is refused by
// `validate` in well under a second of CPU, with the place, the figure, the ceiling and the flag that
// raises it; nothing is written; --limit raises one ceiling for those who mean it.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, parseLimits } from '../../src/scenario/limits.js';
import { kubesim } from '../helpers/cli.js';
import { tempFiles } from '../helpers/scenario.js';

const BASE = `cluster:
  nodePools:
    - name: general
      count: 2
      allocatable: {cpu: "4", memory: 16Gi}
workloads:
  - batch:
      name: b
      arrivals: {poisson: {rate: 1/m}}
      requests: {cpu: 100m}
      duration: 1m
`;

const deployment = (replicas: string) => `
  - objects:
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: ${replicas}
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: c, image: nginx, resources: {requests: {cpu: 100m}}}]}
`;

const job = (parallelism: string) => `
  - objects:
      - apiVersion: batch/v1
        kind: Job
        metadata: {name: j}
        spec:
          parallelism: ${parallelism}
          completions: ${parallelism}
          template:
            spec: {restartPolicy: Never, containers: [{name: c, image: busybox, resources: {requests: {cpu: 100m}}}]}
`;

/** Runs `kubesim <cmd> s.yaml …` on the text; returns the result, its CPU time and what the folder holds after. */
async function on(cmd: string, text: string, ...args: string[]) {
  const dir = tempFiles({ 's.yaml': text });
  const t = process.cpuUsage();
  const r = await kubesim([cmd, join(dir, 's.yaml'), ...args], dir);
  const used = process.cpuUsage(t);
  return { ...r, cpuMs: (used.user + used.system) / 1000, files: readdirSync(dir).sort() };
}

const CASES: { name: string; text: string; args?: string[]; message: RegExp; limit: string }[] = [
  {
    name: '10^7 replicas',
    text: BASE + deployment('10000000'),
    message: /s\.yaml:\d+:1: with Deployment default\/web the workloads ask for 10,000,000 pods at once, above the ceiling of 1,000,000/,
    limit: 'pods=10000000',
  },
  {
    name: 'a billion nodes',
    text: BASE.replace('count: 2', 'count: 1000000000'),
    message: /s\.yaml:4:14: cluster\.nodePools\[0\]\.count: the node pools hold 1,000,000,000 nodes, above the ceiling of 50,000/,
    limit: 'nodes=1000000000',
  },
  {
    name: 'interarrival 0s without a count',
    text: BASE.replace('{poisson: {rate: 1/m}}', '{interarrival: 0s}'),
    message: /s\.yaml:8:1: stream b has no time between arrivals: unbounded pods at once.*give the stream a count/,
    limit: '',
  },
  {
    name: 'rate 999999999/ms',
    text: BASE.replace('1/m', '999999999/ms'),
    message: /with stream b, about 3,599,999,996,400,000 pods created over the run, above the ceiling of 50,000,000/,
    limit: 'arrivals=3599999996400000',
  },
  {
    name: 'a Job with parallelism 2^31-1',
    text: BASE + job('2147483647'),
    message: /with Job default\/j the workloads ask for 2,147,483,647 pods at once/,
    limit: 'pods=2147483647',
  },
  {
    name: 'node failures with no time between them',
    text: BASE.replace(
      'allocatable: {cpu: "4", memory: 16Gi}',
      'allocatable: {cpu: "4", memory: 16Gi}\n      failures: {timeToFailure: 0s, timeToRepair: 0s}',
    ),
    message:
      /cluster\.nodePools\[0\]\.failures: the pools fail and recover so often: about unbounded node failures over the run.*give timeToFailure and timeToRepair means above zero/,
    limit: '',
  },
  {
    name: 'duration 10^12 days',
    text: `duration: 1000000000000d\n${BASE}`,
    message: /s\.yaml:1:11: duration: 1000000000000d is 1,000,000,000,000 days of virtual time, above the ceiling of 366/,
    limit: 'days=1000000000000',
  },
  {
    name: 'interval 1ms over 30 days',
    text: `duration: 30d\nmetrics: {interval: 1ms}\n${BASE}`,
    message:
      /metrics\.interval: 2,592,000,001 samples of 10 series and a row per pod \(about 1,555 GB of CSV\): .* rows of output, above the ceiling of 50,000,000/,
    limit: 'rows=25920043210',
  },
];

describe('ceilings: validate refuses unbounded work at once', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      for (const cmd of ['validate', 'run']) {
        const r = await on(cmd, c.text, ...(c.args ?? []));
        expect(r.status).toBe(2);
        expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
        expect(r.stderr).toMatch(c.message);
        if (c.limit) expect(r.stderr).toContain(`raise it with --limit ${c.limit} if you mean it`);
        expect(r.files).toEqual(['s.yaml']); // no results/, no temporary
        expect(r.cpuMs).toBeLessThan(1000);
      }
    });
  }

  it('--limit raises one ceiling: the same scenario is valid with it', async () => {
    const r = await on('validate', BASE.replace('count: 2', 'count: 60000'), '--limit', 'nodes=60000');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/valid\. 1 node pool\(s\), 60000 nodes/);
    const refused = await on('validate', BASE.replace('count: 2', 'count: 60000'), '--limit', 'pods=60000');
    expect(refused.status).toBe(2);
  });

  it('a bad --limit is a one-line usage error', async () => {
    for (const bad of ['rows=1e20', 'node=5', 'nodes', 'nodes=-1']) {
      const r = await on('validate', BASE, '--limit', bad);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/^error: --limit: expected NAME=N with NAME one of nodes, pods, arrivals, days, rows, runs, failures/);
    }
    expect(parseLimits(['nodes=7', 'rows=9'])).toEqual({ ...DEFAULT_LIMITS, nodes: 7, rows: 9 });
  });

  it('sweeps: a grid or --seeds of too many runs is refused before any cell is checked', async () => {
    const seeds = await on('sweep', BASE, '--seeds', '100000000');
    expect(seeds.status).toBe(2);
    expect(seeds.stderr).toMatch(/--seeds: the grid and seeds make 100,000,000 runs in the sweep, above the ceiling of 100,000/);
    expect(seeds.cpuMs).toBeLessThan(1000);
    expect(existsSync(join(seeds.files[0]!, 'results'))).toBe(false);
    expect(seeds.files).toEqual(['s.yaml']);
    const range = await on('sweep', BASE, '--grid', 'count=1..100000000:1');
    expect(range.status).toBe(2);
    expect(range.stderr).toBe(
      'error: --grid: count: the range "1..100000000:1" has 100,000,000 values, more than the ceiling of 100,000 runs in the sweep (raise it with --limit runs=100000000 if you mean it)\n',
    );
    expect(range.cpuMs).toBeLessThan(1000);
    const grid = await on('sweep', BASE, '--grid', 'nodePools.general.count=[1,2,3,4]', '--seeds', '30000');
    expect(grid.status).toBe(2);
    expect(grid.stderr).toMatch(/120,000 runs in the sweep/);
  });

  it('the default scenario and every test-sized scenario stay far below the ceilings', async () => {
    const r = await kubesim(['validate', 'scenarios/default.yaml']);
    expect(r.status).toBe(0);
  });
});
