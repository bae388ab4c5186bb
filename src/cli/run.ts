import { resolve } from 'node:path';
import { loadScenario, type LoadOptions } from '../scenario/load.js';
import { checkRunDirectory, runToDirectory } from '../run/output.js';
import { formatDuration } from '../engine/time.js';
import { printWarnings } from './validate.js';
import { shortPath } from './paths.js';

export interface RunArgs {
  file: string;
  out?: string;
  set: string[];
  seed?: LoadOptions['seed'];
  quiet: boolean;
}

const pct = (x: number | string) => (typeof x === 'number' ? `${(x * 100).toFixed(1)}%` : x);

export function runCommand(a: RunArgs): void {
  const started = performance.now();
  const s = loadScenario(resolve(a.file), { set: a.set, seed: a.seed });
  const out = resolve(a.out ?? `results/${s.name}`);
  checkRunDirectory(out);
  if (!a.quiet) printWarnings(s);
  const r = runToDirectory(s, out, `${process.pid}`);
  const wallMs = performance.now() - started;
  if (a.quiet) return;
  const m = r.summary;
  const lines = [
    `kubesim ran ${s.name} (seed ${s.seed}, profile ${s.scheduler.profile})`,
    `  virtual time   ${formatDuration(s.durationMs)} in ${(wallMs / 1000).toFixed(2)} s wall time (${Math.round(s.durationMs / wallMs).toLocaleString('en-US')}x real time, ${r.eventsProcessed.toLocaleString('en-US')} events)`,
    `  nodes          ${m.nodes} (${m.nodes_used_peak} used at the peak, ${m.nodes_used_end} at the end)`,
    `  pods           ${m.pods_created} created, ${m.pods_scheduled} scheduled, ${m.pods_pending_end} pending at the end, ${m.pods_succeeded} succeeded, ${m.pods_preempted} preempted`,
    `  scheduling     latency p50 ${m.scheduling_latency_p50_s} s, p99 ${m.scheduling_latency_p99_s} s; ${m.scheduling_attempts} attempts, ${m.scheduling_failures} failed`,
    `  utilisation    CPU requested ${pct(m.cpu_requested_ratio_mean!)} on average (peak ${pct(m.cpu_requested_ratio_peak!)}), memory ${pct(m.memory_requested_ratio_mean!)}; peak fragmentation ${pct(m.fragmentation_ratio_peak!)}`,
  ];
  if (Number(m.cost) > 0) lines.push(`  cost           ${m.cost} for ${m.node_hours} node-hours`);
  const reasons = [...r.pendingReasons].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (const [why, n] of reasons.slice(0, 3)) lines.push(`  pending        ${n} pod(s): ${why}`);
  if (reasons.length > 3)
    lines.push(
      `  pending        ${reasons.slice(3).reduce((t, [, n]) => t + n, 0)} more pod(s) for ${reasons.length - 3} other reason(s); see pods.csv`,
    );
  if (s.notSimulated.size) lines.push(`  not simulated  ${[...s.notSimulated].map(([k, n]) => `${n} ${k}`).join(', ')}`);
  for (const a2 of s.arrivals) {
    for (const [why, n] of a2.skipped ?? []) lines.push(`  trace ${a2.name}: skipped ${n} ${why}`);
  }
  lines.push(`  results        ${shortPath(r.outDir)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}
