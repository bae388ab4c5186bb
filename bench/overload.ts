// overload: a cluster too small for its load against the same arrivals on a cluster big enough for them.
// N nodes of 8 cpu / 32Gi take 15·N batch pods an hour (cpu 100m..1500m, memory 128Mi..4Gi, running 2 h
// on average) for two virtual hours: about a third of the pods cannot fit, and the scheduler retries them
// whenever pods finish. The baseline is the same arrivals on 2·N nodes, where nearly all fit. Targets:
// overloaded ≤ 2× the baseline's CPU time at every size, and growth in N with an exponent ≤ 1.2. At the
// smaller sizes the overloaded cluster also runs with the free-resource index off (every node filtered on
// every attempt, as before the index), which must give the same summary.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScenario } from '../src/scenario/load.js';
import { prepareRun } from '../src/run/simulate.js';
import type { RowSink, SinkFactory } from '../src/metrics/collector.js';
import { Scheduler } from '../src/scheduler/scheduler.js';
import { check, cpuSeconds, fixed, table, verdict, type BenchOptions, type BenchResult } from './util.js';

const DISCARD: RowSink = { write() {} };
const SINKS: SinkFactory = { open: () => DISCARD };
const MAX_RATIO = 2;
const MAX_EXPONENT = 1.2;

function scenarioText(nodes: number, perHour: number): string {
  return `name: overload-bench
seed: 7
duration: 2h
metrics: {interval: 1m}
cluster:
  nodePools:
    - {name: general, zones: [a, b, c], count: ${nodes}, allocatable: {cpu: "8", memory: 32Gi, pods: 110}, pricePerHour: 0.388}
workloads:
  - batch:
      name: jobs
      arrivals: {poisson: {rate: ${perHour}/h}}
      requests:
        cpu: {uniform: {min: 100m, max: 1500m}}
        memory: {uniform: {min: 128Mi, max: 4Gi}}
      duration: {exponential: {mean: 2h}}
`;
}

interface Measured {
  seconds: number;
  summary: Record<string, string | number>;
}

function runOnce(dir: string, nodes: number, perHour: number, countFailures = true): Measured {
  const file = join(dir, `s-${nodes}-${perHour}.yaml`);
  writeFileSync(file, scenarioText(nodes, perHour));
  const s = loadScenario(file);
  (globalThis as { gc?: () => void }).gc?.();
  Scheduler.countFailures = countFailures;
  Scheduler.scanByIndex = countFailures;
  try {
    const t0 = cpuSeconds();
    const summary = prepareRun(s, SINKS).run().summary;
    return { seconds: cpuSeconds() - t0, summary };
  } finally {
    Scheduler.countFailures = true;
    Scheduler.scanByIndex = true;
  }
}

/** Least-squares slope of log(seconds) on log(size). */
export function growthExponent(points: readonly { size: number; seconds: number }[]): number {
  const xs = points.map((p) => Math.log(p.size));
  const ys = points.map((p) => Math.log(p.seconds));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return num / den;
}

export function benchOverload(opts: BenchOptions): BenchResult {
  const broken: string[] = [];
  const sizes = opts.quick ? [250, 500, 1000] : [500, 1000, 2000, 5000];
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-bench-overload-'));
  const rows: string[][] = [];
  const healthy: { size: number; seconds: number }[] = [];
  const overloaded: { size: number; seconds: number }[] = [];
  let worst = 0;
  const slowRows: string[][] = [];
  try {
    for (const n of sizes) {
      const perHour = 15 * n;
      const ok = runOnce(dir, 2 * n, perHour);
      const over = runOnce(dir, n, perHour);
      const ratio = over.seconds / ok.seconds;
      worst = Math.max(worst, ratio);
      healthy.push({ size: n, seconds: ok.seconds });
      overloaded.push({ size: n, seconds: over.seconds });
      const pending = Number(over.summary.pods_pending_end);
      check(
        broken,
        pending > 0.2 * perHour,
        `overload: ${n} nodes ended with only ${pending} pods pending; the cluster was not overloaded`,
      );
      rows.push([
        String(n),
        String(perHour * 2),
        `${fixed(ok.seconds, 2)} s`,
        `${fixed(over.seconds, 2)} s`,
        `${fixed(ratio, 2)}x`,
        `${pending}`,
        String(over.summary.scheduling_attempts),
      ]);
      if (n <= 1000) {
        const slow = runOnce(dir, n, perHour, false);
        const same = JSON.stringify(slow.summary) === JSON.stringify(over.summary);
        check(broken, same, `overload: ${n} nodes: the summary differs with the free-resource index off`);
        slowRows.push([
          String(n),
          `${fixed(slow.seconds, 2)} s`,
          `${fixed(over.seconds, 2)} s`,
          `${fixed(slow.seconds / over.seconds, 2)}x`,
          same ? 'same' : 'DIFFERENT',
        ]);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const expHealthy = growthExponent(healthy);
  const expOver = growthExponent(overloaded);
  table(
    `overload — N nodes (8 cpu, 32Gi) take 15·N batch pods an hour for 2 h; baseline: the same arrivals on 2·N nodes (CPU seconds)`,
    ['nodes', 'pods', 'baseline', 'overloaded', 'ratio', 'pending at end', 'attempts'],
    rows,
  );
  table(
    'the overloaded runs with the free-resource index off (every node filtered on every attempt)',
    ['nodes', 'index off', 'index on', 'speed-up', 'summary'],
    slowRows,
  );
  console.log(`growth exponent in N: baseline ${fixed(expHealthy, 2)}, overloaded ${fixed(expOver, 2)}`);
  return {
    name: 'overload',
    broken,
    verdicts: [
      verdict(`overloaded <= ${MAX_RATIO}x the baseline at every size`, worst <= MAX_RATIO, `worst ${fixed(worst, 2)}x`),
      verdict(`overloaded growth exponent <= ${MAX_EXPONENT}`, expOver <= MAX_EXPONENT, fixed(expOver, 2)),
    ],
  };
}
