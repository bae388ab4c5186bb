// The command line: the only place that reads argv, the environment and the wall clock, prints, or exits.
import yargs, { type Argv } from 'yargs';
import { ScenarioError } from '../scenario/errors.js';
import { runCommand } from './run.js';
import { validateCommand } from './validate.js';
import { schemaCommand } from './schema.js';

function withSet<T>(y: Argv<T>) {
  return y
    .option('set', { type: 'string', array: true, describe: 'override a scenario field before validation, e.g. --set cluster.nodePools[0].count=20', default: [] as string[] })
    .option('seed', { type: 'number', describe: 'override the scenario seed' });
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
      'run <file>', 'run a scenario and write its results',
      (y) => withSet(y.positional('file', { type: 'string', describe: 'scenario YAML file', demandOption: true }))
        .option('out', { type: 'string', describe: 'output directory (default results/<scenario name>)' })
        .option('quiet', { type: 'boolean', default: false, describe: 'print nothing but errors' }),
      (a) => runCommand({ file: a.file, out: a.out, set: a.set, seed: a.seed, quiet: a.quiet }),
    )
    .command(
      'validate <file>', 'check a scenario and its manifests without running it',
      (y) => withSet(y.positional('file', { type: 'string', describe: 'scenario YAML file', demandOption: true })),
      (a) => validateCommand({ file: a.file, set: a.set, seed: a.seed }),
    )
    .command('schema', 'print the JSON Schema of scenario files (for editor completion)', (y) => y, () => schemaCommand())
    .demandCommand(1, 'Name a command: run, validate or schema (see --help).')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(false)
    .fail((msg, err) => {
      if (err) throw err;
      process.stderr.write(`kubesim: ${msg}\nRun "kubesim --help" for usage.\n`);
      process.exit(2);
    })
    .wrap(Math.min(110, process.stdout.columns || 100));
  try {
    await cli.parseAsync();
  } catch (e) {
    if (e instanceof ScenarioError) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`kubesim: internal error (a bug; please report it with the scenario):\n${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  }
}
