// The summary `kubesim run` prints: figures rounded for reading, and figures that mean nothing for the run
// said in words, while summary.csv keeps full precision and empty cells. The fit warnings printed before
// it name the pool, then what the pod asks that the pool's nodes cannot give.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCost, formatNodeHours, pct, round } from '../../src/cli/run.js';
import { kubesim } from '../helpers/cli.js';
import { tempFiles } from '../helpers/scenario.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A Deployment of `replicas` pods requesting `cpu`, with extra pod spec lines (indented for `spec:`). */
const deployment = (name: string, replicas: number, cpu: string, spec = '') => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
${spec}      containers: [{name: c, image: ${name}:1, resources: {requests: {cpu: "${cpu}", memory: 1Gi}}}]
`;

/** Runs `scenario` (with m.yaml holding `manifests`); returns stdout, stderr and summary.csv as rows. */
async function run(scenario: string, manifests: string) {
  const dir = tempFiles({ 'scenario.yaml': scenario, 'm.yaml': manifests });
  dirs.push(dir);
  const out = join(dir, 'out');
  const r = await kubesim(['run', join(dir, 'scenario.yaml'), '--out', out]);
  expect(r.status, r.stderr).toBe(0);
  const csv = readFileSync(join(out, 'summary.csv'), 'utf8');
  const rows = parse(csv, { columns: true }) as Record<string, string>[];
  // Every line but the wall time's, which varies.
  const lines = r.stdout.split('\n').filter((l) => !l.startsWith('  virtual time'));
  return { ...r, lines, header: csv.split('\n')[0]!.split(','), summary: rows[0]! };
}

const ONE_NODE = (count: number) => `
name: t
seed: 1
duration: 20m
cluster:
  nodePools:
    - name: general
      zones: [z1]
      count: ${count}
      allocatable: {cpu: "4", memory: 16Gi}
      pricePerHour: 0.2
workloads:
  - manifests: m.yaml
`;

describe('kubesim run: the summary', () => {
  it('nothing can be scheduled: says so plainly; cost and node-hours rounded; summary.csv keeps empty cells and full precision', async () => {
    const r = await run(ONE_NODE(1), deployment('huge', 2, '20'));
    expect(r.stderr).toMatch(
      /^warning: Deployment default\/huge \(.*m\.yaml:2\) can never be scheduled: pool general: the pod requests cpu 20 but nodes have 4\n$/,
    );
    // One node at 0.2 per hour for 20 min: 1/3 node-hour (0.333…), cost 0.2 / 3 = 0.0666… -> 0.0667.
    // The two pods are pending all the run: mean 2, peak 2.
    expect(r.lines.slice(0, -2)).toEqual([
      'kubesim ran t (seed 1, profile default)',
      '  nodes          1 (none used)',
      '  pods           2 created, 0 scheduled, 2 pending at the end, 0 succeeded, 0 preempted',
      '  pending        2 pods on average over the run, 2 at the peak',
      '  scheduling     no pod was scheduled; 8 attempts, 8 failed',
      '  utilisation    CPU requested 0.0% on average (peak 0.0%), memory 0.0%; peak fragmentation 100.0%',
      '  cost           0.0667 for 0.33 node-hours',
      '  still pending  2 pods: 0/1 nodes are available: 1 Insufficient cpu.',
    ]);
    expect(r.stdout).not.toMatch(/p50 {2}s/);
    // summary.csv is data: no latency without a scheduled pod (empty cells), figures unrounded.
    const s = r.summary;
    expect([s.scheduling_latency_p50_s, s.scheduling_latency_p90_s, s.scheduling_latency_p99_s, s.scheduling_latency_max_s]).toEqual([
      '',
      '',
      '',
      '',
    ]);
    expect([s.node_hours, s.cost]).toEqual(['0.333333333333', '0.0666666666667']);
    expect([s.pods_pending_peak, s.pods_pending_mean]).toEqual(['2', '2']);
  });

  it('summary.csv: pods_pending_mean follows pods_pending_peak', async () => {
    const r = await run(ONE_NODE(1), deployment('web', 1, '1'));
    const at = r.header.indexOf('pods_pending_peak');
    expect(at).toBeGreaterThan(0);
    expect(r.header.slice(at - 1, at + 3)).toEqual(['pods_deleted', 'pods_pending_peak', 'pods_pending_mean', 'scheduling_attempts']);
  });

  it('a cluster without nodes: no nodes, no share of capacity, no cost', async () => {
    const r = await run(ONE_NODE(0), deployment('web', 1, '1'));
    expect(r.lines).toContain('  nodes          none');
    expect(r.lines).toContain('  scheduling     no pod was scheduled; 4 attempts, 4 failed');
    expect(r.lines).toContain('  utilisation    none: the cluster had no nodes');
    expect(r.lines).toContain('  pending        1 pod on average over the run, 1 at the peak');
    expect(r.stdout).not.toMatch(/%|cost|node-hours/);
    expect([r.summary.cpu_requested_ratio_mean, r.summary.node_hours, r.summary.cost]).toEqual(['0', '0', '0']);
  });

  it('the default scenario: every line reads as documented', async () => {
    const dir = tempFiles({});
    dirs.push(dir);
    const r = await kubesim(['run', 'scenarios/default.yaml', '--out', join(dir, 'out')]);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('kubesim ran default (seed 42, profile default)');
    expect(lines[1]).toMatch(/^ {2}virtual time {3}6h in \d+\.\d\d s wall time \([\d,]+x real time, [\d,]+ events\)$/);
    expect(lines.slice(2, 5).join('\n')).toMatch(
      /^ {2}nodes {10}6 \(\d used at the peak, \d at the end\)\n {2}pods {11}\d+ created, \d+ scheduled, \d+ pending at the end, \d+ succeeded, \d+ preempted\n {2}pending {8}\d+(\.\d{1,2})? pods on average over the run, \d+ at the peak$/,
    );
    expect(lines[5]).toMatch(/^ {2}scheduling {5}latency p50 [\d.]+ s, p99 [\d.]+ s; \d+ attempts, \d+ failed$/);
    expect(lines[6]).toMatch(
      /^ {2}utilisation {4}CPU requested \d+\.\d% on average \(peak \d+\.\d%\), memory \d+\.\d%; peak fragmentation \d+\.\d%$/,
    );
    // Six nodes at 0.194 per hour for 6 h: 36 node-hours, cost 6.984 -> 6.98.
    expect(lines[7]).toBe('  cost           6.98 for 36 node-hours');
    expect(lines.slice(8).every((l) => /^ {2}(still pending {2}\d+ pods?: |not simulated {2}|results {8})/.test(l))).toBe(true);
    expect(r.stdout).not.toMatch(/\(s\)/);
  });
});

describe('kubesim validate: fit warnings', () => {
  it('name the pool, then what the pod asks that its nodes cannot give', async () => {
    const dir = tempFiles({
      'scenario.yaml': `
name: t
duration: 1h
cluster:
  nodePools:
    - {name: small, zones: [z1], count: 1, allocatable: {cpu: "4", memory: 16Gi}}
    - name: batch
      zones: [z1]
      count: 1
      allocatable: {cpu: "8", memory: 16Gi}
      labels: {disk: ssd}
      taints: [{key: dedicated, value: batch, effect: NoSchedule}]
    - name: gpu
      zones: [z1]
      count: 1
      allocatable: {cpu: "8", memory: 16Gi}
      labels: {disk: ssd}
      taints: [{key: gpu, effect: NoExecute}]
    - {name: plain, zones: [z1], count: 1, allocatable: {cpu: "8", memory: 16Gi}}
workloads:
  - manifests: m.yaml
`,
      'm.yaml':
        deployment('db', 1, '6', '      nodeSelector: {disk: ssd}\n') +
        '---' +
        deployment(
          'edge',
          1,
          '1',
          '      affinity: {nodeAffinity: {requiredDuringSchedulingIgnoredDuringExecution: {nodeSelectorTerms: [{matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [z9]}]}]}}}\n',
        ),
    });
    dirs.push(dir);
    const r = await kubesim(['validate', join(dir, 'scenario.yaml')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.replace(/\(\S*m\.yaml:(\d+)\)/g, '(m.yaml:$1)')).toBe(
      'warning: Deployment default/db (m.yaml:2) can never be scheduled: ' +
        'pool small: the pod requests cpu 6 but nodes have 4; ' +
        "pool batch: the pod does not tolerate the nodes' taint dedicated=batch:NoSchedule; " +
        "pool gpu: the pod does not tolerate the nodes' taint gpu:NoExecute; " +
        "pool plain: the pod's nodeSelector matches no node in the pool\n" +
        'warning: Deployment default/edge (m.yaml:14) can never be scheduled: ' +
        ['small', 'batch', 'gpu', 'plain']
          .map((p) => `pool ${p}: the pod's required node affinity matches no node in the pool`)
          .join('; ') +
        '\n',
    );
  });
});

describe('summary number formats', () => {
  it('cost: 2 decimals, 3 significant digits below 1', () => {
    expect(formatCost(6.984)).toBe('6.98');
    expect(formatCost(7.125)).toBe('7.13');
    expect(formatCost(123.456)).toBe('123.46');
    expect(formatCost(0.2 / 3)).toBe('0.0667');
    expect(formatCost(0.5)).toBe('0.50');
    expect(formatCost(0.06)).toBe('0.06');
    expect(formatCost(0.0001234)).toBe('0.000123');
  });

  it('node-hours: at most 2 decimals, never 0 when above 0', () => {
    expect(formatNodeHours(1 / 3)).toBe('0.33');
    expect(formatNodeHours(36)).toBe('36');
    expect(formatNodeHours(4.75)).toBe('4.75');
    expect(formatNodeHours(12.345)).toBe('12.3');
    expect(formatNodeHours(1234.5)).toBe('1235');
    expect(formatNodeHours(0.004)).toBe('0.004');
  });

  it('round: 3 significant digits, no trailing zeros, no exponent', () => {
    expect(round(0)).toBe('0');
    expect(round(1)).toBe('1');
    expect(round(2.97328092593)).toBe('2.97');
    expect(round(1501 / 3600)).toBe('0.417');
    expect(round(23.46)).toBe('23.5');
    expect(round(1e-7)).toBe('0.0000001');
  });

  it('pct: a share above zero never reads 0.0%', () => {
    expect(pct(0)).toBe('0.0%');
    expect(pct(0.61237)).toBe('61.2%');
    expect(pct(1)).toBe('100.0%');
    expect(pct(0.0004)).toBe('under 0.1%');
  });
});
