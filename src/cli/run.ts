import { resolve } from 'node:path';
import { loadScenario, type LoadOptions } from '../scenario/load.js';
import { checkRunDirectory, RunInterrupted, runToDirectoryInterruptible } from '../run/output.js';
import { parseLimits } from '../scenario/limits.js';
import { planSweep } from '../sweep/plan.js';
import { formatDuration } from '../engine/time.js';
import { printWarnings } from './validate.js';
import { shortPath } from './paths.js';
import { renameSync, writeFileSync } from 'node:fs';
import { judge } from '../expect/expectation.js';
import { writeRunReport } from '../report/html.js';
import { checkExpectations, junitXml, parseAsserts, probeTables, readRunTables, verdictTable } from '../expect/report.js';

export interface RunArgs {
  file: string;
  out?: string;
  set: string[];
  seed?: LoadOptions['seed'];
  limit?: string[];
  quiet: boolean;
  /** --assert expressions. */
  asserts?: string[];
  /** --junit: where to write the expectations' verdicts as JUnit XML. */
  junit?: string;
  /** --report: also write report.html. */
  report?: boolean;
}

// The terminal summary is for reading: figures are rounded here, and a figure that means nothing for the
// run (a latency when no pod was scheduled, a share of no capacity) is said in words. summary.csv keeps
// every figure at full precision, with empty cells where there is no value (see metrics/collector.ts).

/**
 * `x` to `sig` significant digits, with at least `min` and at most `max` decimals; zeros past `min`
 * decimals are dropped (6.984 → "6.98" with min 2; 36 → "36"; 0.06667 → "0.0667").
 */
export function round(x: number, { sig = 3, min = 0, max = 20 }: { sig?: number; min?: number; max?: number } = {}): string {
  const magnitude = x === 0 ? 0 : Math.floor(Math.log10(Math.abs(x)));
  const decimals = Math.min(max, Math.max(min, sig - 1 - magnitude));
  let s = x.toFixed(decimals);
  for (let d = decimals; d > min && s.endsWith('0'); d--) s = s.slice(0, -1);
  return s.endsWith('.') ? s.slice(0, -1) : s;
}

/** Cost: to 2 decimals, or to 3 significant digits below 1 (0.0667). */
export const formatCost = (x: number): string => round(x, { min: 2 });

/** Node-hours: 3 significant digits with at most 2 decimals (0.33, 4.75, 36); more only below 0.01, so as not to show 0. */
export const formatNodeHours = (x: number): string => round(x, { max: x >= 0.01 ? 2 : 20 });

/** A share as a percentage to 0.1 %; a share above zero never shows as 0.0 %. */
export function pct(x: number): string {
  const p = x * 100;
  return p > 0 && p < 0.05 ? 'under 0.1%' : `${p.toFixed(1)}%`;
}

/** A share of time up or available, to 0.01 %: never 100.00 % unless it is 1 (nor 0.00 % unless 0). */
export function uptime(x: number): string {
  const p = (x * 100).toFixed(2);
  if (x < 1 && p === '100.00') return 'above 99.99%';
  if (x > 0 && p === '0.00') return 'under 0.01%';
  return `${p}%`;
}

/** "1 pod", "2 pods". */
const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Exit codes of a run stopped by a signal, as a shell reports them (128 + the signal's number). */
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** The default output directory: results/<scenario name>, the name made safe as one path segment. */
export function defaultOutDir(name: string): string {
  const safe = name.replace(/[^\w.-]+/g, '-').replace(/^[.-]+/, '') || 'scenario';
  return `results/${safe}`;
}

/** The progress line a long run shows on a terminal: virtual time reached, share of the run, speed. */
export function progressLine(nowMs: number, durationMs: number, wallMs: number): string {
  const pctDone = durationMs > 0 ? Math.floor((100 * nowMs) / durationMs) : 100;
  const speed = wallMs > 0 ? `, ${Math.round(nowMs / wallMs).toLocaleString('en-US')}x real time` : '';
  return `  virtual time ${formatDuration(nowMs)} of ${formatDuration(durationMs)} (${pctDone}%)${speed}`;
}

/** Runs the scenario; the exit code: 0, or 1 when an expectation fails. */
export async function runCommand(a: RunArgs): Promise<number> {
  const started = performance.now();
  const limits = parseLimits(a.limit);
  const s = loadScenario(resolve(a.file), { set: a.set, seed: a.seed, limits });
  // Expectations: the scenario's expect: block, then --assert; each checked against a probe run before the run.
  const exps = [...s.expect, ...parseAsserts(a.asserts ?? [])];
  // Statistics over seeds (ci95_low(…), diff(…)) are a sweep's: a single run leaves them to `kubesim sweep`.
  const sweepOnly = exps.filter((e) => e.statistic !== null).length;
  exps.splice(0, exps.length, ...exps.filter((e) => e.statistic === null));
  if (exps.length > 0) checkExpectations(probeTables(resolve(a.file), { set: a.set, seed: a.seed, limits }), exps);
  const junit = a.junit === undefined ? null : resolve(a.junit);
  // A run ignores the file's sweep: block, but a wrong one is still a wrong file (as validate says).
  if (s.sweep && Object.keys(s.sweep.grid).length) planSweep(resolve(a.file), { grid: [], set: a.set, seed: a.seed, limits });
  const out = resolve(a.out ?? defaultOutDir(s.name));
  checkRunDirectory(out);
  if (!a.quiet) printWarnings(s);
  // Ctrl-C or a SIGTERM (a CI job cancelled, a pod evicted) stops the run between two slices of events;
  // its temporary directory is removed and nothing is written.
  const interrupt = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => interrupt.abort(sig);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let r;
  try {
    // On a terminal, a progress line at most four times a second, cleared when the run ends.
    const tty = !a.quiet && process.stderr.isTTY === true;
    let shown = 0;
    let drawn = false;
    const progress = (now: number) => {
      const wall = performance.now() - started;
      if (!tty || wall - shown < 250) return;
      shown = wall;
      drawn = true;
      process.stderr.write(`\r${progressLine(now, s.durationMs, wall)}\x1b[K`);
    };
    try {
      r = await runToDirectoryInterruptible(s, out, `${process.pid}`, interrupt.signal, progress);
    } finally {
      if (drawn) process.stderr.write('\r\x1b[K');
    }
  } catch (e) {
    if (!(e instanceof RunInterrupted)) throw e;
    process.stderr.write(`kubesim: interrupted by ${e.signal}; nothing written to ${shortPath(out)}\n`);
    process.exit(SIGNAL_EXIT[e.signal] ?? 1);
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  const wallMs = performance.now() - started;
  if (a.report) writeRunReport(r.outDir);
  let code = 0;
  let verdictText = '';
  if (exps.length > 0) {
    const verdicts = judge(exps, readRunTables(r.outDir));
    if (verdicts.some((v) => !v.pass)) code = 1;
    verdictText = verdictTable(verdicts);
    if (junit) {
      writeFileSync(`${junit}.tmp`, junitXml(s.name, verdicts, wallMs / 1000));
      renameSync(`${junit}.tmp`, junit);
    }
  }
  if (sweepOnly > 0) verdictText += `  ${sweepOnly} expectation(s) with a statistic over seeds are left to kubesim sweep\n`;
  if (a.quiet) {
    if (code !== 0) process.stderr.write(verdictText);
    return code;
  }
  const m = r.summary;
  const num = (k: string) => Number(m[k]);
  const nodes = num('nodes');
  const lines = [
    `kubesim ran ${s.name} (seed ${s.seed}, profile ${s.scheduler.profile})`,
    `  virtual time   ${formatDuration(s.durationMs)} in ${(wallMs / 1000).toFixed(2)} s wall time (${Math.round(s.durationMs / wallMs).toLocaleString('en-US')}x real time, ${r.eventsProcessed.toLocaleString('en-US')} events)`,
    `  nodes          ${
      nodes === 0
        ? 'none'
        : num('nodes_used_peak') === 0
          ? `${nodes} (none used)`
          : `${nodes} (${m.nodes_used_peak} used at the peak, ${m.nodes_used_end} at the end)`
    }`,
  ];
  if (num('pods_created') === 0) lines.push('  pods           none created');
  else {
    const deleted = num('pods_deleted') > 0 ? `, ${m.pods_deleted} deleted` : '';
    const mean = round(num('pods_pending_mean'));
    lines.push(
      `  pods           ${m.pods_created} created, ${m.pods_scheduled} scheduled, ${m.pods_pending_end} pending at the end, ${m.pods_succeeded} succeeded, ${m.pods_preempted} preempted${deleted}`,
      // The peak is the most pending at any instant, the pods created at t = 0 all counting before the
      // first scheduling cycle; the mean weighs each count by the virtual time it lasted.
      `  pending        ${mean} ${mean === '1' ? 'pod' : 'pods'} on average over the run, ${m.pods_pending_peak} at the peak`,
    );
  }
  const attempts = `${count(num('scheduling_attempts'), 'attempt')}, ${m.scheduling_failures} failed`;
  // No latency percentiles without a scheduled pod (empty cells in summary.csv).
  if (m.scheduling_latency_p50_s === '') lines.push(`  scheduling     no pod was scheduled; ${attempts}`);
  else lines.push(`  scheduling     latency p50 ${m.scheduling_latency_p50_s} s, p99 ${m.scheduling_latency_p99_s} s; ${attempts}`);
  // Without nodes there is no capacity, and no share of it to give.
  if (nodes === 0 && num('node_hours') === 0) lines.push('  utilisation    none: the cluster had no nodes');
  else
    lines.push(
      `  utilisation    CPU requested ${pct(num('cpu_requested_ratio_mean'))} on average (peak ${pct(num('cpu_requested_ratio_peak'))}), memory ${pct(num('memory_requested_ratio_mean'))}; peak fragmentation ${pct(num('fragmentation_ratio_peak'))}`,
    );
  const faulty = s.faults.length > 0 || s.pools.some((p) => p.failures);
  if (faulty)
    lines.push(
      `  failures       ${count(s.faults.length, 'fault')}${s.pools.some((p) => p.failures) ? ' and random node failures' : ''}; nodes up ${uptime(num('node_up_ratio'))} of the time, Ready ${uptime(num('node_ready_ratio'))}; ${count(num('pods_lost'), 'pod')} lost`,
    );
  if (faulty)
    lines.push(
      `  availability   worst workload had every replica available ${uptime(num('availability_min'))} of the time (workloads.csv)`,
    );
  if (s.budgets.length > 0)
    lines.push(
      `  budgets        ${count(s.budgets.length, 'PodDisruptionBudget')}: ${count(num('evictions_blocked'), 'eviction')} refused, ${m.pdb_violations_voluntary} voluntary and ${m.pdb_violations_involuntary} involuntary violations (budgets.csv)`,
    );
  if (num('rollouts') > 0)
    lines.push(
      `  rollouts       ${count(num('rollouts'), 'rollout')}, ${num('rollouts_completed')} completed${num('rollouts_timed_out') > 0 ? `, ${num('rollouts_timed_out')} past their progress deadline` : ''}; at most ${count(num('rollout_surge_max'), 'extra pod')}, at least ${pct(num('rollout_available_min_ratio'))} available (rollouts.csv)`,
    );
  if (s.traffic) {
    const whole = (x: number) => Math.round(x).toLocaleString('en-US');
    const failed = num('requests_failed');
    lines.push(
      `  requests       ${whole(num('requests'))}${s.traffic.mode === 'fluid' ? ' (expected, fluid mode)' : ''}, ${whole(failed)} failed (${pct(num('request_error_ratio'))})${num('rollouts') > 0 ? `, ${whole(num('requests_failed_during_rollouts'))} of them during rollouts` : ''}`,
    );
    if (m.latency_p50_ms !== '')
      lines.push(
        `  latency        p50 ${+num('latency_p50_ms').toPrecision(3)} ms, p99 ${+num('latency_p99_ms').toPrecision(3)} ms, p999 ${+num('latency_p999_ms').toPrecision(3)} ms; SLO burn rate ${+num('slo_burn_rate').toPrecision(3)} (requests.csv)`,
      );
    if (num('canaries_aborted') > 0) lines.push(`  canaries       ${count(num('canaries_aborted'), 'canary')} aborted (events.csv)`);
  }
  if (num('cost') > 0) lines.push(`  cost           ${formatCost(num('cost'))} for ${formatNodeHours(num('node_hours'))} node-hours`);
  const reasons = [...r.pendingReasons].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  for (const [why, n] of reasons.slice(0, 3)) lines.push(`  still pending  ${count(n, 'pod')}: ${why}`);
  if (reasons.length > 3)
    lines.push(
      `  still pending  ${reasons.slice(3).reduce((t, [, n]) => t + n, 0)} more for ${count(reasons.length - 3, 'other reason')} (pods.csv lists every pod still pending)`,
    );
  if (s.notSimulated.size) lines.push(`  not simulated  ${[...s.notSimulated].map(([k, n]) => `${n} ${k}`).join(', ')}`);
  for (const a2 of s.arrivals) {
    for (const [why, n] of a2.skipped ?? []) lines.push(`  trace ${a2.name}: skipped ${n} ${why}`);
  }
  lines.push(`  results        ${shortPath(r.outDir)}`);
  process.stdout.write(`${lines.join('\n')}\n${verdictText}`);
  return code;
}
