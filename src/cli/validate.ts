import { workloadKey } from '../model/workloads.js';
import { resolve } from 'node:path';
import { loadScenario, type LoadOptions, type Scenario } from '../scenario/load.js';
import { formatDuration } from '../engine/time.js';
import { planSweep } from '../sweep/plan.js';
import { printable } from './text.js';
import { parseLimits } from '../scenario/limits.js';

export function printWarnings(s: Scenario): void {
  for (const w of s.warnings) process.stderr.write(`warning: ${printable(w)}\n`);
}

export function validateCommand(a: { file: string; set: string[]; seed?: LoadOptions['seed']; limit?: string[] }): void {
  const limits = parseLimits(a.limit);
  const s = loadScenario(resolve(a.file), { set: a.set, seed: a.seed, limits });
  printWarnings(s);
  // The sweep block's keys and values are checked as `kubesim sweep` would.
  const plan =
    s.sweep && Object.keys(s.sweep.grid).length ? planSweep(resolve(a.file), { grid: [], set: a.set, seed: a.seed, limits }) : null;
  const nodes = s.pools.reduce((n, p) => n + p.count, 0);
  // An object applied again by a later entry counts once, as first applied.
  const first = new Map(s.workloads.map((w) => [workloadKey(w.kind, w.namespace, w.name), w] as const).reverse());
  const replicas = [...first.values()].reduce((n, w) => n + w.replicas, 0);
  process.stdout.write(
    `${s.file}: valid. ${s.pools.length} node pool(s), ${nodes} nodes; ${first.size} workload(s) with ${replicas} pod(s) at start; ` +
      `${s.arrivals.length} arrival stream(s); profile ${s.scheduler.profile}; ${formatDuration(s.durationMs)} of virtual time.` +
      (s.notSimulated.size ? ` Not simulated: ${[...s.notSimulated].map(([k, n]) => `${n} ${k}`).join(', ')}.` : '') +
      (plan ? ` Sweep: ${plan.cells.length} cell(s) x ${plan.seeds.length} seed(s).` : '') +
      '\n',
  );
}
