// The kubesim command line as a child process: `node bin/kubesim.js …` (compiled, in dist/: `npm test` builds it),
// for the few end-to-end tests that check what only a real process shows: its exit status, that no stack trace
// reaches stderr, warnings Node prints. The other CLI tests run it in the test's process (./cli.ts).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Time allowed to a spawned kubesim: node starting on a loaded machine can take seconds. */
export const PROCESS_TIMEOUT_MS = 100_000;
/** Per-test timeout for tests that start processes (vitest.config.ts sets 60 s for the rest). */
export const PROCESS_TEST_TIMEOUT_MS = 120_000;

export const BIN = resolve('bin/kubesim.js');

/** `node bin/kubesim.js …` as a child process. */
export function kubesimProcess(args: string[], cwd = process.cwd()): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd, timeout: PROCESS_TIMEOUT_MS });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
