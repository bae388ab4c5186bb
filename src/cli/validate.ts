import { resolve } from 'node:path';
import { loadScenario, type LoadOptions, type Scenario } from '../scenario/load.js';
import { formatDuration } from '../engine/time.js';
import { planSweep } from '../sweep/plan.js';

export function printWarnings(s: Scenario): void {
  for (const w of s.warnings) process.stderr.write(`warning: ${w}\n`);
}

/**
 * The --seed value for loadScenario. yargs reads the option as a number, so "--seed abc" arrives as NaN (and a
 * repeated --seed as a list): put back the text that was typed, from argv, so the loader's error can quote it.
 */
export function seedAsTyped(seed: number | undefined, argv: readonly string[] = process.argv.slice(2)): LoadOptions['seed'] {
  const parsed: unknown = seed;
  const values: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
  if (!values.some((v) => Number.isNaN(v))) return seed;
  const typed: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (arg === '--seed' && i + 1 < argv.length) typed.push(argv[++i]!);
    else if (arg.startsWith('--seed=')) typed.push(arg.slice('--seed='.length));
  }
  if (typed.length !== values.length) return seed;
  const out = values.map((v, i) => (Number.isNaN(v) ? typed[i]! : (v as number)));
  return Array.isArray(parsed) ? out : out[0];
}

export function validateCommand(a: { file: string; set: string[]; seed?: number }): void {
  const s = loadScenario(resolve(a.file), { set: a.set, seed: seedAsTyped(a.seed) });
  printWarnings(s);
  // The sweep block's keys and values are checked as `kubesim sweep` would.
  const plan = s.sweep && Object.keys(s.sweep.grid).length ? planSweep(resolve(a.file), { grid: [], set: a.set }) : null;
  const nodes = s.pools.reduce((n, p) => n + p.count, 0);
  const replicas = s.workloads.reduce((n, w) => n + w.replicas, 0);
  process.stdout.write(
    `${s.file}: valid. ${s.pools.length} node pool(s), ${nodes} nodes; ${s.workloads.length} workload(s) with ${replicas} pod(s) at start; ` +
      `${s.arrivals.length} arrival stream(s); profile ${s.scheduler.profile}; ${formatDuration(s.durationMs)} of virtual time.` +
      (s.notSimulated.size ? ` Not simulated: ${[...s.notSimulated].map(([k, n]) => `${n} ${k}`).join(', ')}.` : '') +
      (plan ? ` Sweep: ${plan.cells.length} cell(s) x ${plan.seeds.length} seed(s).` : '') +
      '\n',
  );
}
