// failures: a whole run with random node failures, on the normal run path (loadScenario, then prepareRun and
// run, with the kubelet and every controller): 1,000 nodes, 300 Deployments x 100 replicas = 30,000 pods, and
// each node failing after exponential(mean 1d) and repaired after exponential(mean 30m), over 7 virtual days.
// Rows are counted and discarded, so no I/O is timed. Baseline in the same run: the same scenario without
// failures. Target: virtual time / CPU time >= 50,000 (7 days in at most 12.1 s).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../src/scenario/load.js';
import { prepareRun, type RunResult } from '../src/run/simulate.js';
import type { Row, RowSink, SinkFactory } from '../src/metrics/collector.js';
import { EVENTS_FILE } from '../src/metrics/collectors/events.js';
import { check, cpuSeconds, fixed, median, rate, table, verdict, type BenchOptions, type BenchResult } from './util.js';

const NODES = 1_000;
const DEPLOYMENTS = 300;
const REPLICAS = 100;
const DAYS = 7;
const TARGET_SPEEDUP = 50_000;
const TIME_TO_FAILURE = '{exponential: {mean: 1d}}';
const TIME_TO_REPAIR = '{exponential: {mean: 30m}}';
// The default sampling interval, as a run without a metrics section has.
const METRICS_INTERVAL = '10s';

/**
 * The scenario text: nodes of 8 CPU, 32Gi, 110 pods over 3 zones; Deployment d requests cpu 100m..250m and
 * memory 256Mi..768Mi (by d mod 7 and d mod 5), about 66% of the CPU and 47% of the memory in all, which
 * leaves room to reschedule the pods of the ~20 nodes that are down at a time.
 */
function scenarioText(days: number, failures: boolean): string {
  return `name: bench-failures
seed: 7
duration: ${days}d
metrics:
  interval: ${METRICS_INTERVAL}
cluster:
  nodePools:
    - name: general
      zones: [zone-a, zone-b, zone-c]
      count: ${NODES}
      allocatable: {cpu: "8", memory: 32Gi, pods: 110}
${failures ? `      failures: {timeToFailure: ${TIME_TO_FAILURE}, timeToRepair: ${TIME_TO_REPAIR}}\n` : ''}workloads:
  - manifests: deployments.yaml
`;
}

function manifests(): string {
  const docs: string[] = [];
  for (let d = 0; d < DEPLOYMENTS; d++) {
    const cpu = 100 + 25 * (d % 7);
    const memory = 256 + 128 * (d % 5);
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: app-${d}}
spec:
  replicas: ${REPLICAS}
  selector: {matchLabels: {app: app-${d}}}
  template:
    metadata: {labels: {app: app-${d}}}
    spec:
      containers: [{name: c, image: x, resources: {requests: {cpu: ${cpu}m, memory: ${memory}Mi}}}]
`);
  }
  return docs.join('---\n');
}

const DISCARD: RowSink = { write() {} };

/** Discards every row; counts events.csv rows, in all and per reason. */
class CountingSinks implements SinkFactory {
  eventRows = 0;
  readonly reasons = new Map<string, number>();

  open(file: string): RowSink {
    if (file !== EVENTS_FILE) return DISCARD;
    return {
      write: (r: Row) => {
        this.eventRows++;
        const reason = String(r[2]);
        this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
      },
    };
  }
}

interface Measured {
  cpu: number;
  wall: number;
  load: number;
  result: RunResult;
  sinks: CountingSinks;
}

function measure(dir: string, failures: boolean): Measured {
  const file = join(dir, failures ? 'failures.yaml' : 'baseline.yaml');
  const l0 = cpuSeconds();
  const s = loadScenario(file);
  const load = cpuSeconds() - l0;
  const sinks = new CountingSinks();
  (globalThis as { gc?: () => void }).gc?.();
  const c0 = cpuSeconds();
  const w0 = performance.now();
  const result = prepareRun(s, sinks).run();
  return { cpu: cpuSeconds() - c0, wall: (performance.now() - w0) / 1000, load, result, sinks };
}

export function benchFailures(opts: BenchOptions): BenchResult {
  const broken: string[] = [];
  const days = opts.quick ? 1 : DAYS;
  const reps = opts.quick ? 1 : 2;
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-bench-failures-'));
  const runs: { base: Measured; fail: Measured }[] = [];
  try {
    writeFileSync(join(dir, 'deployments.yaml'), manifests());
    writeFileSync(join(dir, 'baseline.yaml'), scenarioText(days, false));
    writeFileSync(join(dir, 'failures.yaml'), scenarioText(days, true));
    // Warm-up, not timed: one virtual hour with failures.
    writeFileSync(join(dir, 'warm.yaml'), scenarioText(days, true).replace(/^duration: .*$/m, 'duration: 1h'));
    prepareRun(loadScenario(join(dir, 'warm.yaml')), new CountingSinks()).run();
    for (let r = 0; r < reps; r++) runs.push({ base: measure(dir, false), fail: measure(dir, true) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const virtual = days * 86_400;
  const pods = DEPLOYMENTS * REPLICAS;
  const last = runs[runs.length - 1]!;
  const figure = (m: Measured, k: string) => Number(m.result.summary[k] ?? 0);
  const reason = (m: Measured, k: string) => m.sinks.reasons.get(k) ?? 0;
  for (const { base, fail } of runs) {
    check(
      broken,
      figure(base, 'pods_running_end') === pods,
      `baseline: ${figure(base, 'pods_running_end')} of ${pods} pods running at the end`,
    );
    check(broken, reason(base, 'NodeFailure') === 0, 'baseline: node failures in a run without them');
    check(broken, reason(fail, 'NodeFailure') > 0, 'failures: no node failed');
    check(
      broken,
      figure(fail, 'pods_running_end') + figure(fail, 'pods_pending_end') >= pods,
      `failures: only ${figure(fail, 'pods_running_end')} running + ${figure(fail, 'pods_pending_end')} pending of ${pods} pods at the end`,
    );
    check(
      broken,
      fail.result.eventsProcessed === last.fail.result.eventsProcessed,
      'failures: repeated runs processed different event counts',
    );
  }

  const cpuOf = (ms: Measured[]) => median(ms.map((x) => x.cpu));
  const row = (name: string, ms: Measured[]) => {
    const m = ms[ms.length - 1]!;
    const cpu = cpuOf(ms);
    const wall = median(ms.map((x) => x.wall));
    return [
      name,
      fixed(cpu, 2),
      fixed(wall, 2),
      rate(virtual / cpu),
      rate(virtual / wall),
      rate(m.result.eventsProcessed),
      rate(m.result.eventsProcessed / cpu),
      rate(reason(m, 'NodeFailure')),
      rate(reason(m, 'TaintManagerEviction')),
      rate(figure(m, 'pods_created') - pods),
      rate(figure(m, 'pods_pending_end')),
      fixed(m.load, 2),
    ];
  };
  const base = runs.map((r) => r.base);
  const fail = runs.map((r) => r.fail);
  table(
    `failures — ${NODES.toLocaleString('en-US')} nodes (8 CPU, 32Gi, 3 zones), ${DEPLOYMENTS} Deployments x ${REPLICAS} = ` +
      `${pods.toLocaleString('en-US')} pods, ${days} virtual day(s), metrics every ${METRICS_INTERVAL}; time to failure ` +
      `${TIME_TO_FAILURE}, to repair ${TIME_TO_REPAIR}; ${reps} timed run(s) each, median` +
      (opts.quick ? ' (--quick: 1 day, not 7)' : ''),
    [
      'run',
      'cpu s',
      'wall s',
      'virtual/cpu',
      'virtual/wall',
      'events',
      'events/s',
      'node failures',
      'evictions',
      'pods replaced',
      'pending end',
      'load cpu s',
    ],
    [row('baseline (no failures)', base), row('with failures', fail)],
  );
  const ratio = median(runs.map((r) => r.base.cpu / r.fail.cpu));
  const eventRatio = median(runs.map((r) => r.fail.result.eventsProcessed / r.fail.cpu / (r.base.result.eventsProcessed / r.base.cpu)));
  const perFailure = ((cpuOf(fail) - cpuOf(base)) / Math.max(1, reason(last.fail, 'NodeFailure'))) * 1000;
  console.log(
    `ratio = baseline cpu s / failures cpu s: ${fixed(ratio, 3)}; events/s ratio (failures / baseline): ${fixed(eventRatio, 3)}; ` +
      `extra cpu per node failure: ${fixed(perFailure, 2)} ms`,
  );
  console.log(
    `evictions = TaintManagerEviction rows of events.csv (${rate(last.fail.sinks.eventRows)} rows in all); ` +
      `pods replaced = pods_created - ${rate(pods)}; the scenario load is not timed in cpu s`,
  );
  const v = virtual / cpuOf(fail);
  return {
    name: 'failures',
    broken,
    verdicts: [verdict(`virtual/cpu >= ${rate(TARGET_SPEEDUP)}x`, v >= TARGET_SPEEDUP, `${rate(v)}x`)],
  };
}
