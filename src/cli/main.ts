// The command line: the only place that reads argv, the environment and the wall clock, prints, or exits.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs, { type Argv } from 'yargs';
import { didYouMean, ScenarioError } from '../scenario/errors.js';
import { isSystemError, systemError } from '../scenario/files.js';
import { LIMIT_NAMES } from '../scenario/limits.js';
import { runCommand } from './run.js';
import { printable } from './text.js';
import { validateCommand } from './validate.js';
import { schemaCommand } from './schema.js';
import { sweepCommand } from './sweep.js';
import { mergeCommand } from './merge.js';
import { compareTable } from '../sweep/compare.js';
import { writeRunReport } from '../report/html.js';

/** An option that may be given once: yargs makes a list of a repeated one. */
function once<T>(name: string) {
  return (v: T | T[]): T => {
    if (Array.isArray(v)) throw new ScenarioError(`--${name}`, 0, 0, '', `given ${v.length} times; give it once`);
    return v;
  };
}

/** A positive integer option, read from its text so a mistake can be quoted. */
function positiveInt(name: string) {
  return (v: string | string[]): number => {
    const text = once<string>(name)(v);
    if (!/^\s*\d+\s*$/.test(String(text)) || Number(text) < 1)
      throw new ScenarioError(`--${name}`, 0, 0, '', `expected a positive integer, got "${text}"`);
    return Number(text);
  };
}

function withSet<T>(y: Argv<T>) {
  return y
    .option('set', {
      type: 'string',
      array: true,
      describe: 'override a scenario field before validation, e.g. --set cluster.nodePools[0].count=20',
      default: [] as string[],
    })
    .option('seed', { type: 'string', describe: 'override the scenario seed (for a sweep: its first seed)' })
    .option('limit', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: `raise a ceiling on the work a scenario may ask for, e.g. --limit nodes=100000 (${LIMIT_NAMES.join(', ')}; see docs/SCENARIO.md)`,
    });
}

/** kubesim's version, from the package.json above this module (compiled or not). */
function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    const p = join(dir, 'package.json');
    if (!existsSync(p)) continue;
    const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
    if (pkg.name === 'kubesim' && pkg.version) return pkg.version;
  }
  return 'unknown';
}

/** Every option of every command (for "did you mean"). */
const KNOWN_OPTIONS = [
  'set',
  'seed',
  'limit',
  'out',
  'quiet',
  'grid',
  'seeds',
  'threads',
  'baseline',
  'shard',
  'resume',
  'emit',
  'shards',
  'parallelism',
  'image',
  'claim',
  'fingerprint',
  'assert',
  'junit',
  'report',
  'help',
  'version',
];

/** yargs' usage message, with "did you mean" for an unknown option or command. */
function usageHint(msg: string, y: Argv): string {
  const m = /^Unknown arguments?: (.+)$/.exec(msg);
  if (!m) return msg;
  void y;
  const known = KNOWN_OPTIONS;
  const hints = m[1]!
    .split(', ')
    .map((u) => {
      const d = didYouMean(u, known);
      if (d === u) return `--${u} belongs to another command; see kubesim <command> --help`;
      return d ? `--${u}: did you mean --${d}?` : null;
    })
    .filter((x) => x !== null);
  return hints.length ? `${msg} (${hints.join('; ')})` : msg;
}

export async function main(argv: string[]): Promise<void> {
  // `kubesim schema | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  const cli = yargs(argv)
    .scriptName('kubesim')
    .usage('kubesim: a deterministic discrete-event simulator of Kubernetes clusters\n\nUsage: $0 <command> [options]')
    .command(
      'run <file>',
      'run a scenario and write its results',
      (y) =>
        withSet(y.positional('file', { type: 'string', describe: 'scenario YAML file', demandOption: true }))
          .option('out', { type: 'string', coerce: once<string>('out'), describe: 'output directory (default results/<scenario name>)' })
          .option('quiet', { type: 'boolean', default: false, describe: 'print nothing but errors' })
          .option('assert', {
            type: 'string',
            array: true,
            default: [] as string[],
            describe: "an expectation, e.g. 'availability{workload=cartservice} >= 0.999' (repeatable; exit 1 when one fails)",
          })
          .option('junit', { type: 'string', coerce: once<string>('junit'), describe: 'write the expectations as JUnit XML to this file' })
          .option('report', {
            type: 'boolean',
            default: false,
            describe: 'also write report.html (charts, offline) into the output directory',
          }),
      async (a) => {
        process.exitCode = await runCommand({
          report: a.report,
          file: a.file,
          out: a.out,
          set: a.set,
          seed: a.seed,
          limit: a.limit,
          quiet: a.quiet,
          asserts: a.assert,
          junit: a.junit,
        });
      },
    )
    .command(
      'validate <file>',
      'check a scenario and its manifests without running it',
      (y) => withSet(y.positional('file', { type: 'string', describe: 'scenario YAML file', demandOption: true })),
      (a) => validateCommand({ file: a.file, set: a.set, seed: a.seed, limit: a.limit }),
    )
    .command(
      'sweep <file>',
      'run a grid of scenario variants x seeds on worker threads, or emit it as shards',
      (y) =>
        withSet(y.positional('file', { type: 'string', describe: 'scenario YAML file', demandOption: true }))
          .option('grid', {
            type: 'string',
            array: true,
            default: [] as string[],
            describe:
              "a field and its values: 'scheduler.profile=[default,first-fit]' or 'nodePools.general.count=10..50:10' (repeatable; replaces the scenario's sweep.grid)",
          })
          .option('seeds', {
            type: 'string',
            coerce: positiveInt('seeds'),
            describe: 'runs per cell (seeds seed, seed+1, …; default sweep.seeds or 1)',
          })
          .option('threads', { type: 'string', coerce: positiveInt('threads'), describe: 'worker threads (default: the available cores)' })
          .option('out', { type: 'string', coerce: once<string>('out'), describe: 'output directory (default results/<scenario>-sweep)' })
          .option('baseline', {
            type: 'string',
            coerce: once<string>('baseline'),
            describe: 'cell to take paired differences against (id like c00 or label like "profile=default")',
          })
          .option('shard', {
            type: 'string',
            coerce: once<string>('shard'),
            describe: 'run only shard i of n ("i/n", i from 0), for kubesim merge later',
          })
          .option('resume', { type: 'boolean', default: false, describe: 'run only the runs missing from --out' })
          .option('quiet', { type: 'boolean', default: false, describe: 'no progress output (failed runs are still reported)' })
          .option('emit', {
            choices: ['k8s-job', 'github-matrix'] as const,
            describe: 'print a Kubernetes Indexed Job or a CI matrix for the sweep instead of running it',
          })
          .option('shards', { type: 'number', default: 4, describe: 'with --emit: number of shards' })
          .option('parallelism', { type: 'number', describe: 'with --emit k8s-job: pods at a time (default: all shards)' })
          .option('image', {
            type: 'string',
            default: 'kubesim:latest',
            describe: 'with --emit k8s-job: container image holding kubesim and the scenario',
          })
          .option('claim', {
            type: 'string',
            default: 'kubesim-results',
            describe: 'with --emit k8s-job: ReadWriteMany PersistentVolumeClaim for the results',
          })
          .option('fingerprint', {
            type: 'string',
            describe: 'refuse to run unless the sweep has this fingerprint (the emitted shards pass it)',
          })
          .option('assert', {
            type: 'string',
            array: true,
            default: [] as string[],
            describe: "an expectation judged per cell, e.g. 'ci95_low(availability{workload=cart}) >= 0.999' or 'diff(latency_p99_ms) < 0'",
          })
          .option('junit', { type: 'string', coerce: once<string>('junit'), describe: 'write the expectations per cell as JUnit XML' })
          .option('report', { type: 'boolean', default: false, describe: 'also write report.html (each figure per cell, offline)' }),
      async (a) => {
        process.exitCode = await sweepCommand({
          file: a.file,
          grid: a.grid,
          seeds: a.seeds,
          threads: a.threads,
          set: a.set,
          seed: a.seed,
          limit: a.limit,
          out: a.out,
          shard: a.shard,
          resume: a.resume,
          baseline: a.baseline,
          quiet: a.quiet,
          emit: a.emit,
          shards: a.shards,
          parallelism: a.parallelism,
          image: a.image,
          claim: a.claim,
          fingerprint: a.fingerprint,
          asserts: a.assert,
          junit: a.junit,
          report: a.report,
        });
      },
    )
    .command(
      'merge <dirs..>',
      'merge shard directories of one sweep into one (the same bytes as an unsharded sweep)',
      (y) =>
        y
          .positional('dirs', { type: 'string', array: true, demandOption: true, describe: 'shard output directories' })
          .option('out', { type: 'string', demandOption: true, coerce: once<string>('out'), describe: 'merged output directory' })
          .option('quiet', { type: 'boolean', default: false }),
      (a) => {
        process.exitCode = mergeCommand({ dirs: a.dirs as string[], out: a.out, quiet: a.quiet });
      },
    )
    .command(
      'report <dir>',
      "write a run's report.html: one self-contained file of charts that works offline",
      (y) => y.positional('dir', { type: 'string', demandOption: true, describe: 'a kubesim run output directory' }),
      (a) => {
        process.stdout.write(`kubesim: wrote ${writeRunReport(a.dir)}\n`);
      },
    )
    .command(
      'compare <dir>',
      "print a finished sweep's key figures per cell, with intervals and paired differences against the baseline",
      (y) => y.positional('dir', { type: 'string', demandOption: true, describe: 'a kubesim sweep or merge output directory' }),
      (a) => {
        process.stdout.write(compareTable(a.dir));
      },
    )
    .command(
      'schema',
      'print the JSON Schema of scenario files (for editor completion)',
      (y) => y,
      () => schemaCommand(),
    )
    .demandCommand(1, 'Name a command: run, validate, sweep, merge, compare, report or schema (see --help).')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(packageVersion())
    .fail((msg, err, y) => {
      if (err) throw err;
      process.stderr.write(`error: ${printable(usageHint(msg, y))}\nRun "kubesim --help" for usage.\n`);
      process.exit(2);
    })
    .wrap(Math.min(110, process.stdout.columns || 100));
  try {
    await cli.parseAsync();
  } catch (e) {
    // yargs reports what an option's coerce function rejected as a YError with the same message.
    if (e instanceof ScenarioError || (e instanceof Error && e.name === 'YError')) {
      process.stderr.write(`error: ${printable(e.message)}\n`);
      process.exit(2);
    }
    // A path that cannot be read or written (permissions, a read-only or full disk, a file where a
    // directory should be): the user's to fix, said in one line.
    if (isSystemError(e)) {
      process.stderr.write(`error: ${printable(systemError(e).message)}\n`);
      process.exit(2);
    }
    process.stderr.write(
      `kubesim: internal error (a bug; please report it with the scenario):\n${e instanceof Error ? e.stack : String(e)}\n`,
    );
    process.exit(1);
  }
}
