// Runs the benchmarks: all of them, or those named on argv (`npm run bench -- engine sched`); `--quick` uses
// fewer repetitions, customers and pods; `--long` adds the scale benchmark's largest runs. Figures are ratios against baselines measured in the same run; a missed
// target prints MISS, and only a broken invariant makes the exit code non-zero. With several benchmarks selected,
// each runs in a process of its own (one benchmark's heap and compiled code do not skew the next one's figures).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchAutoscale } from './autoscale.js';
import { benchEngine } from './engine.js';
import { benchFailures } from './failures.js';
import { benchMmc } from './mmc.js';
import { benchOverload } from './overload.js';
import { benchScale } from './scale.js';
import { benchSched } from './sched.js';
import { benchSweep } from './sweep.js';
import { benchFluid, benchTraffic } from './traffic.js';
import type { BenchOptions, BenchResult } from './util.js';

const BENCHES: Record<string, (o: BenchOptions & { long?: boolean }) => BenchResult | Promise<BenchResult>> = {
  engine: benchEngine,
  failures: benchFailures,
  mmc: benchMmc,
  sched: benchSched,
  sweep: benchSweep,
  traffic: benchTraffic,
  fluid: benchFluid,
  autoscale: benchAutoscale,
  overload: benchOverload,
  scale: benchScale,
};

/** Set in a benchmark's own process: the file its result goes to. */
const RESULT_ENV = 'KUBESIM_BENCH_RESULT';

/** Runs one benchmark in a process of its own (its tables go to this process's output) and returns its result. */
function runChild(name: string, flags: string[]): BenchResult {
  const dir = mkdtempSync(join(os.tmpdir(), 'kubesim-bench-'));
  const file = join(dir, 'result.json');
  try {
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), name, ...flags], {
      stdio: 'inherit',
      env: { ...process.env, [RESULT_ENV]: file },
    });
    if (r.status !== 0) return { name, broken: [`${name}: its process exited with ${r.status ?? r.signal}`], verdicts: [] };
    return JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<number> {
  const child = process.env[RESULT_ENV];
  if (child) {
    // One benchmark in its own process: its result goes to the file the parent reads.
    const name = argv.find((a) => !a.startsWith('--'))!;
    writeFileSync(child, JSON.stringify(await BENCHES[name]!({ quick: argv.includes('--quick'), long: argv.includes('--long') })));
    return 0;
  }
  const quick = argv.includes('--quick');
  // --long: the scale benchmark's 10,000-node point and its week at 5,000 nodes (many minutes).
  const long = argv.includes('--long');
  const names = argv.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !(n in BENCHES));
  if (unknown.length > 0) {
    console.error(
      `unknown benchmark ${unknown.join(', ')}; expected one of ${Object.keys(BENCHES).join(', ')} (and optionally --quick or --long)`,
    );
    return 2;
  }
  const selected = names.length > 0 ? names : Object.keys(BENCHES);
  const cpu = os.cpus()[0];
  console.log('kubesim benchmarks');
  console.log(
    `machine: ${cpu?.model ?? 'unknown cpu'} x ${os.cpus().length}, ${os.platform()} ${os.release()} ${os.arch()}, node ${process.version}`,
  );
  const load = os.loadavg()[0]!;
  console.log(
    `load average (1 min) at start: ${load.toFixed(2)}${load > os.cpus().length ? ' (busy machine: other processes compete for the cores)' : ''}`,
  );
  console.log('rates are per CPU-second of this process (user + system), so other load on the machine skews them less');
  console.log(`selected: ${selected.join(', ')}${quick ? ' (--quick: reduced sizes)' : ''}`);

  const results: BenchResult[] = [];
  const t0 = performance.now();
  const flags = argv.filter((a) => a.startsWith('--'));
  for (const name of selected) {
    const t = performance.now();
    results.push(selected.length > 1 ? runChild(name, flags) : await BENCHES[name]!({ quick, long }));
    console.log(`[${name}: ${((performance.now() - t) / 1000).toFixed(1)} s]`);
  }

  console.log('\nsummary');
  let brokenCount = 0;
  for (const r of results) {
    for (const v of r.verdicts) console.log(`  ${r.name}: ${v}`);
    for (const b of r.broken) console.log(`  ${r.name}: BROKEN INVARIANT: ${b}`);
    brokenCount += r.broken.length;
  }
  console.log(
    `total ${((performance.now() - t0) / 1000).toFixed(1)} s; ${brokenCount === 0 ? 'all invariants held' : `${brokenCount} broken invariant(s)`}`,
  );
  return brokenCount === 0 ? 0 : 1;
}

// The benchmarks' temporary folders (sweep outputs, scenario copies) go under one folder that is removed at the end,
// whatever a benchmark forgets: os.tmpdir() reads TMPDIR each time, and a benchmark's own process inherits it.
const ownTmp = process.env[RESULT_ENV] ? undefined : mkdtempSync(join(os.tmpdir(), 'kubesim-bench-'));
if (ownTmp) process.env.TMPDIR = process.env.TMP = process.env.TEMP = ownTmp;
try {
  process.exitCode = await main(process.argv.slice(2));
} finally {
  if (ownTmp) rmSync(ownTmp, { recursive: true, force: true });
}
