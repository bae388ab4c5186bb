// Runs a sweep's runs on worker threads (piscina). Each worker loads the compiled JavaScript and runs
// one (cell, seed) at a time into its own directory; results stream to disk, not to memory.
import { setMaxListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { Run, SweepPlan } from './plan.js';
import { runDir } from './plan.js';
import { partFile, partPrefix } from './aggregate.js';
import type { RunReply, RunTask } from './worker.js';
import { join, resolve } from 'node:path';

/** The compiled worker, also when this module runs from TypeScript sources (tests). */
export function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return join(here, '..', 'worker.js');
  const compiled = resolve(here, '..', '..', '..', 'dist', 'src', 'sweep', 'worker.js');
  if (!existsSync(compiled)) throw new Error(`bug: ${compiled} is missing; run \`npm run build\` first`);
  return compiled;
}

export interface RunOutcome {
  run: Run;
  reply: RunReply | { ok: false; error: 'aborted'; userError: false };
}

export interface PoolOptions {
  threads: number;
  /** Aborting stops queued runs and cancels running ones (their temporary directories are removed). */
  signal?: AbortSignal;
  /** Called as each run ends, in completion order. */
  onResult?: (o: RunOutcome) => void;
  tmpSuffix: string;
  /** Workers also write each run's part of the combined timeseries.csv (not for shards: merge reads runs). */
  parts?: boolean;
}

export interface SweepTally {
  ok: number;
  aborted: number;
  /** Only the failed runs are kept: a sweep of any size holds no per-run results in memory. */
  failed: RunOutcome[];
}

/**
 * Whether the workers' optimizing compiler should run beside them, on V8's helper threads (true), or on each
 * worker's own thread. Beside is faster only while a core is idle to run it: with a worker on every core, the
 * helper threads take turns with the workers, and a worker runs unoptimized code while its compile waits, so
 * the same runs cost more CPU (a 2-thread sweep on 2 cores: 14-19% more CPU and wall time than compiling on
 * the workers' threads; a 1-thread sweep there is as fast either way, or faster beside).
 */
export function compileBeside(threads: number, cores: number): boolean {
  return threads < cores;
}

export async function runSweep(plan: SweepPlan, runs: readonly Run[], outDir: string, opts: PoolOptions): Promise<SweepTally> {
  // V8 reads the flag when it makes an isolate (this thread's has been made), so it applies to this pool's workers,
  // made from here on; Node's default is restored once they are gone. It changes when code is compiled, never what.
  const filename = workerFile();
  const beside = compileBeside(opts.threads, availableParallelism());
  if (!beside) setFlagsFromString('--no-concurrent-recompilation');
  const pool = new Piscina<RunTask, RunReply>({
    filename,
    minThreads: opts.threads,
    maxThreads: opts.threads,
    // One run per thread at a time: runs are CPU-bound.
    concurrentTasksPerWorker: 1,
    idleTimeout: 1000,
  });
  const file = resolve(plan.file);
  const tally: SweepTally = { ok: 0, aborted: 0, failed: [] };
  // A few runs queued per thread keep the threads busy; the rest wait here, not in the pool's queue.
  const inFlight = opts.threads * 2;
  // Every run in flight listens on the abort signal: more than Node's default of 10 is expected.
  if (opts.signal) setMaxListeners(inFlight + 10, opts.signal);
  let next = 0;
  const one = async (run: Run): Promise<void> => {
    const task: RunTask = {
      file,
      sets: [...plan.sets, ...run.cell.sets],
      seed: run.seed,
      limits: plan.limits,
      outDir: join(outDir, runDir(run)),
      tmpSuffix: opts.tmpSuffix,
      part: opts.parts ? { path: partFile(outDir, run.cell.id, run.seed), prefix: partPrefix(run.cell.id, run.seed) } : undefined,
    };
    let outcome: RunOutcome;
    try {
      outcome = { run, reply: await pool.run(task, { signal: opts.signal }) };
    } catch (e) {
      if (opts.signal?.aborted) outcome = { run, reply: { ok: false, error: 'aborted', userError: false } };
      else outcome = { run, reply: { ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e), userError: false } };
    }
    if (outcome.reply.ok) tally.ok++;
    else if (outcome.reply.error === 'aborted') tally.aborted++;
    else tally.failed.push(outcome);
    opts.onResult?.(outcome);
  };
  const lane = async (): Promise<void> => {
    while (next < runs.length && !opts.signal?.aborted) await one(runs[next++]!);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(inFlight, runs.length) }, lane));
    return tally;
  } finally {
    await pool.destroy();
    if (!beside) setFlagsFromString('--concurrent-recompilation');
  }
}
