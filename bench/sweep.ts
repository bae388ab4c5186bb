// sweep: a 40-run sweep on 2 worker threads against the same sweep on 1 (wall time: parallel speed-up is
// about wall time), and the pool's overhead per run: tiny runs through the pool against the same runs
// called in-process. Invariant: the 1- and 2-thread sweeps write byte-identical outputs.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync, cpSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { loadScenario } from '../src/scenario/load.js';
import { runToDirectory } from '../src/run/output.js';
import { planSweep, runDir } from '../src/sweep/plan.js';
import { runSweep } from '../src/sweep/pool.js';
import { aggregate, metaOf } from '../src/sweep/aggregate.js';
import { check, fixed, median, table, verdict, type BenchOptions, type BenchResult } from './util.js';

function tree(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(relative(dir, p)).update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

async function sweepOnce(file: string, grid: string[], seeds: number, threads: number, set: string[]): Promise<{ seconds: number; hash: string; failed: number }> {
  const out = mkdtempSync(join(tmpdir(), 'kubesim-bench-sweep-'));
  const plan = planSweep(file, { grid, seeds, set });
  const t0 = performance.now();
  const tally = await runSweep(plan, plan.runs, out, { threads, tmpSuffix: 'bench' });
  aggregate(out, metaOf(plan));
  return { seconds: (performance.now() - t0) / 1000, hash: tree(out), failed: tally.failed.length + tally.aborted };
}

export async function benchSweep(o: BenchOptions): Promise<BenchResult> {
  const broken: string[] = [];
  const verdicts: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-bench-scen-'));
  cpSync(resolve('scenarios'), dir, { recursive: true });
  const file = join(dir, 'default.yaml');

  // 1. Speed-up: 40 runs (4 cells x 10 seeds) of the default scenario, 3 hours each.
  const grid = ['scheduler.profile=[default,most-allocated,first-fit,best-fit]'];
  const seeds = o.quick ? 4 : 10;
  const set: string[] = [];
  await sweepOnce(file, grid, 2, 2, set); // warm-up: worker start, JIT, file cache
  const one = await sweepOnce(file, grid, seeds, 1, set);
  const two = await sweepOnce(file, grid, seeds, 2, set);
  check(broken, one.hash === two.hash, 'the 1- and 2-thread sweeps wrote different bytes');
  check(broken, one.failed === 0 && two.failed === 0, 'sweep runs failed');
  const speedup = one.seconds / two.seconds;
  table(`sweep — ${4 * seeds} runs of the default scenario (6 h of virtual time each), wall time${o.quick ? ' (--quick)' : ''}; cores available: ${availableParallelism()}`,
    ['threads', 'seconds', 'runs/s', 'speed-up'], [
      ['1', fixed(one.seconds, 2), fixed((4 * seeds) / one.seconds, 2), '1.00'],
      ['2', fixed(two.seconds, 2), fixed((4 * seeds) / two.seconds, 2), fixed(speedup, 2)],
    ]);
  verdicts.push(verdict('sweep: 2 threads vs 1 >= 1.7x', speedup >= 1.7, `${fixed(speedup, 2)}x`));

  // 2. Pool overhead: tiny runs (one node, one pod, one minute) in-process vs through a 1-thread pool.
  const tiny = join(dir, 'tiny.yaml');
  writeFileSync(tiny, `name: tiny\nduration: 1m\ncluster:\n  nodePools: [{name: p, count: 1, allocatable: {cpu: "1", memory: 1Gi}}]\nworkloads:\n  - objects:\n      - {apiVersion: v1, kind: Pod, metadata: {name: x}, spec: {containers: [{name: c, image: i}]}}\n`);
  const n = o.quick ? 20 : 60;
  const direct: number[] = [];
  const pooledN: number[] = [];
  const pooled1: number[] = [];
  const pooled = async (runs: number): Promise<number> => {
    const plan = planSweep(tiny, { grid: [], seeds: runs, set: [] });
    const p = mkdtempSync(join(tmpdir(), 'kubesim-bench-pool-'));
    const t1 = performance.now();
    const tally = await runSweep(plan, plan.runs, p, { threads: 1, tmpSuffix: 'bench' });
    const seconds = (performance.now() - t1) / 1000;
    check(broken, tally.ok === runs && readdirSync(join(p, runDir(plan.runs[0]!))).includes('summary.csv'), 'tiny pooled runs failed');
    return seconds;
  };
  for (let rep = 0; rep < 3; rep++) {
    const d = mkdtempSync(join(tmpdir(), 'kubesim-bench-direct-'));
    const t0 = performance.now();
    for (let i = 0; i < n; i++) runToDirectory(loadScenario(tiny, { seed: i }), join(d, String(i)), 'bench');
    direct.push((performance.now() - t0) / 1000);
    pooled1.push(await pooled(1));
    pooledN.push(await pooled(n));
  }
  // The pool's cost per run once started: the marginal time of a pooled run beyond an in-process one.
  const perDirect = median(direct) / n;
  const marginal = (median(pooledN) - median(pooled1)) / (n - 1);
  const overheadMs = (marginal - perDirect) * 1000;
  const startMs = (median(pooled1) - perDirect) * 1000;
  table(`sweep — pool overhead: ${n} tiny runs in-process, and through a 1-thread pool (median of 3, wall time)`,
    ['path', 'seconds', 'ms per run'], [
      ['in-process', fixed(median(direct), 3), fixed(perDirect * 1000, 2)],
      [`pool, ${n} runs`, fixed(median(pooledN), 3), fixed((median(pooledN) / n) * 1000, 2)],
      ['pool, 1 run', fixed(median(pooled1), 3), ''],
      ['overhead per run (marginal)', '', fixed(overheadMs, 2)],
      ['pool start-up (once per sweep)', '', fixed(startMs, 1)],
    ]);
  verdicts.push(verdict('sweep: pool overhead per run <= 5 ms', overheadMs <= 5, `${fixed(overheadMs, 2)} ms per run; start-up ${fixed(startMs, 0)} ms once`));
  return { name: 'sweep', broken, verdicts };
}
