import { existsSync, readdirSync, rmSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { checkSweep } from '../expect/sweep.js';
import { compareTable } from '../sweep/compare.js';
import { writeRunReport } from '../report/html.js';
import { ScenarioError } from '../scenario/errors.js';
import { LOCK_FILE, lockDirectory } from '../scenario/files.js';
import type { LoadOptions } from '../scenario/load.js';
import { parseLimits } from '../scenario/limits.js';
import { PARTS_DIR, aggregate, metaOf, metaText, readMeta, writeAtomic, type SweepMeta } from '../sweep/aggregate.js';
import { emitGithubMatrix, emitIndexedJob, prepareEmit } from '../sweep/emit.js';
import { parseShard, planSweep, reproduce, runDir, shardRuns, type SweepPlan } from '../sweep/plan.js';
import { runSweep, type RunOutcome } from '../sweep/pool.js';
import { availableParallelism } from 'node:os';
import { shortPath } from './paths.js';
import { printable } from './text.js';

export interface SweepArgs {
  file: string;
  grid: string[];
  seeds?: number;
  seed?: LoadOptions['seed'];
  threads?: number;
  set: string[];
  limit?: string[];
  out?: string;
  shard?: string;
  resume: boolean;
  baseline?: string;
  quiet: boolean;
  emit?: 'k8s-job' | 'github-matrix';
  shards: number;
  parallelism?: number;
  /** A repeated option arrives as a list: an error for these. */
  image: string | string[];
  claim: string | string[];
  /** The fingerprint of the emitted sweep: a shard whose plan differs is refused. */
  fingerprint?: string | string[];
  /** --assert expressions, judged per cell; --junit: where to write their verdicts. */
  asserts?: string[];
  junit?: string;
  /** --report: also write report.html into the sweep's directory. */
  report?: boolean;
}

/** Removes temporary directories and files left by runs that were cancelled, or by a killed aggregation. */
function cleanTemporary(out: string): void {
  for (const f of readdirSync(out)) if (f.endsWith('.csv.tmp')) rmSync(join(out, f), { force: true });
  const parts = join(out, PARTS_DIR);
  if (existsSync(parts)) for (const entry of readdirSync(parts)) if (entry.includes('.tmp-')) rmSync(join(parts, entry), { force: true });
  const runs = join(out, 'runs');
  if (!existsSync(runs)) return;
  for (const cell of readdirSync(runs)) {
    for (const entry of readdirSync(join(runs, cell)))
      if (entry.includes('.tmp-')) rmSync(join(runs, cell, entry), { recursive: true, force: true });
  }
}

export async function sweepCommand(a: SweepArgs): Promise<number> {
  const plan = planSweep(resolve(a.file), {
    grid: a.grid,
    seeds: a.seeds,
    seed: a.seed,
    set: a.set,
    baseline: a.baseline,
    asserts: a.asserts,
    limits: parseLimits(a.limit),
  });
  if (a.fingerprint !== undefined) {
    if (Array.isArray(a.fingerprint))
      throw new ScenarioError('--fingerprint', 0, 0, '', `expected one value, it was given ${a.fingerprint.length} times`);
    const expected = String(a.fingerprint).trim().toLowerCase();
    if (expected !== plan.fingerprint) {
      throw new ScenarioError(
        '--fingerprint',
        0,
        0,
        '',
        `this shard's sweep differs from the emitted one: its fingerprint is ${plan.fingerprint}, the emitted sweep's ${expected}`,
        'the scenario, a file it reads, --set, --grid or --seeds differ: run the emitted arguments on the scenario files they were emitted from',
      );
    }
  }
  if (a.emit) {
    if (a.shard !== undefined) {
      throw new ScenarioError(
        '--shard',
        0,
        0,
        '',
        '--emit prints every shard of the sweep, so --shard cannot go with it',
        'drop --shard to emit them all, or --emit to run one shard',
      );
    }
    const args = [
      plan.file,
      ...a.grid.flatMap((g) => ['--grid', g]),
      ...(a.seeds ? ['--seeds', String(a.seeds)] : []),
      ...(a.seed !== undefined ? ['--seed', String(a.seed)] : []),
      ...a.set.flatMap((s) => ['--set', s]),
      ...(a.baseline ? ['--baseline', a.baseline] : []),
    ];
    const { options, notes } = prepareEmit(plan, {
      kind: a.emit,
      args,
      shards: a.shards,
      parallelism: a.parallelism,
      image: a.image,
      claim: a.claim,
      threads: a.threads,
    });
    for (const n of notes) process.stderr.write(`kubesim: ${n}\n`);
    process.stdout.write(a.emit === 'k8s-job' ? emitIndexedJob(plan, options) : emitGithubMatrix(plan, options));
    return 0;
  }
  const shard = a.shard ? parseShard(a.shard) : null;
  const name = basename(plan.file).replace(/\.ya?ml$/, '');
  // Each shard gets a folder of its own under results/ by default, as merge expects.
  const out = resolve(a.out ?? (shard ? `results/${name}-sweep-shard-${shard.index}` : `results/${name}-sweep`));
  const meta = metaOf(plan);
  // One sweep writes to a directory at a time: a second one on the same --out is refused, not raced.
  const existed = existsSync(out);
  const release = lockDirectory(out, 'wait for it to finish, or choose another --out');
  try {
    return await sweepLocked(a, plan, shard, name, out, meta);
  } finally {
    release();
    // A sweep refused before it wrote anything leaves no directory behind.
    if (!existed && existsSync(out) && readdirSync(out).length === 0) rmSync(out, { recursive: true, force: true });
  }
}

async function sweepLocked(
  a: SweepArgs,
  plan: SweepPlan,
  shard: { index: number; count: number } | null,
  name: string,
  out: string,
  meta: SweepMeta,
): Promise<number> {
  const existing = readMeta(out);
  if (existing && existing.fingerprint !== meta.fingerprint) {
    throw new ScenarioError(
      out,
      0,
      0,
      '',
      'this directory holds a different sweep (its scenario, files, grid or seeds differ)',
      'choose another --out',
    );
  }
  if (!existing && readdirSync(out).some((f) => f !== LOCK_FILE)) {
    throw new ScenarioError(out, 0, 0, '', 'this directory exists and is not a kubesim sweep', 'choose another --out');
  }
  if (existing && !a.resume)
    throw new ScenarioError(
      out,
      0,
      0,
      '',
      'this sweep has already run here',
      'add --resume to run only what is missing, or choose another --out',
    );
  writeAtomic(join(out, 'sweep.json'), metaText(meta));
  cleanTemporary(out);

  const mine = shard ? shardRuns(plan.runs, shard.index, shard.count) : plan.runs;
  const todo = mine.filter((r) => !existsSync(join(out, runDir(r), 'summary.csv')));
  const cores = availableParallelism();
  const threads = Math.max(1, Math.min(a.threads ?? cores, todo.length || 1));
  // Runs are CPU-bound: threads beyond the cores only add switching and memory.
  if (a.threads !== undefined && a.threads > cores)
    process.stderr.write(
      `warning: --threads ${a.threads} is more than this machine's ${cores} core(s); runs are CPU-bound, so the sweep will be slower than with --threads ${cores}\n`,
    );
  const log = (s: string) => {
    if (!a.quiet) process.stderr.write(`${s}\n`);
  };
  /** Failures are printed also under --quiet, which only hides progress. */
  const report = (s: string) => process.stderr.write(`${s}\n`);
  log(
    `kubesim sweep ${plan.file}: ${plan.cells.length} cell(s) x ${plan.seeds.length} seed(s) = ${plan.runs.length} runs` +
      `${shard ? `, shard ${shard.index}/${shard.count}: ${mine.length}` : ''}${todo.length < mine.length ? `, ${mine.length - todo.length} already done` : ''}; ${threads} thread(s)`,
  );

  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const tty = process.stderr.isTTY && !a.quiet;
  const bar = tty
    ? new cliProgress.SingleBar(
        { format: '{bar} {value}/{total} runs | {failed} failed | ETA {eta_formatted}', hideCursor: true, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(todo.length, 0, { failed: 0 });
  let done = 0;
  let failed = 0;
  let nextPlain = 0;
  const failures: RunOutcome[] = [];
  const deferred: string[] = [];
  const started = performance.now();
  const tally = await runSweep(plan, todo, out, {
    threads,
    signal: controller.signal,
    tmpSuffix: String(process.pid),
    parts: !shard,
    onResult: (o) => {
      if (o.reply.ok === false && o.reply.error === 'aborted') return;
      done++;
      if (!o.reply.ok) {
        failed++;
        failures.push(o);
        const msg = `run ${o.run.cell.id} (${o.run.cell.label}) seed ${o.run.seed} failed: ${o.reply.userError ? printable(o.reply.error) : o.reply.error.split('\n')[0]}\n  to repeat it alone: ${reproduce(plan, o.run, a.out ?? `results/${name}-sweep`)}`;
        // Under a progress bar, failures are listed when it stops.
        if (!bar) report(msg);
        else deferred.push(msg);
      }
      bar?.update(done, { failed });
      if (!bar && !a.quiet && done >= nextPlain) {
        log(`${done}/${todo.length} runs done, ${failed} failed`);
        nextPlain = done + Math.max(1, Math.ceil(todo.length / 10));
      }
    },
  });
  bar?.stop();
  for (const m of deferred) report(m);
  process.removeListener('SIGINT', onSignal);
  process.removeListener('SIGTERM', onSignal);
  const wall = (performance.now() - started) / 1000;
  if (controller.signal.aborted) {
    cleanTemporary(out);
    const finished = tally.ok + tally.failed.length;
    process.stderr.write(
      `interrupted: ${finished} of ${todo.length} runs finished and kept in ${shortPath(out)}; run the same command with --resume to finish\n`,
    );
    return 130;
  }
  if (shard) {
    log(
      `shard ${shard.index}/${shard.count} done in ${wall.toFixed(1)} s: ${done - failed} runs in ${shortPath(out)}; merge the shards with: kubesim merge <shard dirs> --out <dir>`,
    );
  } else {
    const { runs, missing, best } = aggregate(out, meta);
    log(
      `done in ${wall.toFixed(1)} s: ${runs} of ${plan.runs.length} runs; ${shortPath(out)}/summary.csv has one row per cell${meta.baseline ? `, differences.csv the paired differences against ${meta.baseline}` : ''}`,
    );
    if (best !== undefined)
      log(
        best
          ? `best cell: ${best.text} (objective.csv)`
          : `no cell meets every constraint with 95% confidence (objective.csv shows each cell's bounds)`,
      );
    if (missing.length) report(`${missing.length} run(s) missing: they failed (see above)`);
    if (!a.quiet && runs > 0) process.stdout.write(compareTable(out));
    if (a.report && runs > 0) writeRunReport(out);
    const verdicts = checkSweep(out, meta, a.junit === undefined ? null : resolve(a.junit));
    if (verdicts) {
      if (!a.quiet || !verdicts.ok) process.stdout.write(verdicts.text);
      if (!verdicts.ok) return 1;
    }
  }
  return failed > 0 ? 1 : 0;
}
