// A run replaces its output directory, so it must refuse any path that holds something else.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubesim, kubesimProcess, PROCESS_TEST_TIMEOUT_MS, type CliResult } from '../helpers/cli.js';

const SCENARIO = resolve('scenarios/default.yaml');
let tmp = '';

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'kubesim-out-'));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const runArgs = (out: string) => ['run', SCENARIO, '--out', out, '--set', 'duration=10m', '--quiet'];
const run = (out: string, cwd?: string) => kubesim(runArgs(out), cwd);

describe('scenario.resolved.yaml', () => {
  it('names the command that repeats the run, and that command writes the same bytes', async () => {
    const out = join(tmp, 'first');
    const r = await kubesim([
      'run',
      'scenarios/default.yaml',
      '--seed',
      '7',
      '--set',
      'duration=10m',
      '--set',
      'cluster.nodePools[0].count=4',
      '--out',
      out,
      '--quiet',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const header = readFileSync(join(out, 'scenario.resolved.yaml'), 'utf8').split('\n');
    expect(header[1]).toBe(
      "# Repeat the run with: kubesim run scenarios/default.yaml --seed 7 --set duration=10m --set 'cluster.nodePools[0].count=4'",
    );
    const again = join(tmp, 'again');
    const args = [
      'run',
      'scenarios/default.yaml',
      '--seed',
      '7',
      '--set',
      'duration=10m',
      '--set',
      'cluster.nodePools[0].count=4',
      '--out',
      again,
      '--quiet',
    ];
    expect((await kubesim(args)).status).toBe(0);
    for (const f of readdirSync(out)) expect(readFileSync(join(again, f), 'utf8'), f).toBe(readFileSync(join(out, f), 'utf8'));
  });
});

/** `kubesim run --out .` in a directory holding a file of the user's: refused, the file left alone. */
async function refusesForeignDirectory(dir: string, run: (cwd: string) => CliResult | Promise<CliResult>): Promise<void> {
  mkdirSync(dir);
  writeFileSync(join(dir, 'notes.txt'), 'mine');
  const r = await run(dir);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/holds files that are not a kubesim run's \(notes\.txt\)/);
  expect(r.stderr).not.toMatch(/at .*\.js/);
  expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
  expect(readdirSync(dir)).toEqual(['notes.txt']);
}

describe('kubesim run --out', () => {
  it('refuses a directory holding other files, and leaves them alone', async () => {
    await refusesForeignDirectory(join(tmp, 'project'), (cwd) => run('.', cwd));
  });

  it('refuses a file', async () => {
    const file = join(tmp, 'scenario-copy.yaml');
    writeFileSync(file, 'name: x\n');
    const r = await run(file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/exists and is a file/);
    expect(readFileSync(file, 'utf8')).toBe('name: x\n');
  });

  it('writes a new or empty directory, and replaces an earlier run', async () => {
    const out = join(tmp, 'results');
    expect((await run(out)).status).toBe(0);
    const first = readFileSync(join(out, 'summary.csv'), 'utf8');
    expect((await run(out)).status).toBe(0);
    expect(readFileSync(join(out, 'summary.csv'), 'utf8')).toBe(first);
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    expect((await run(empty)).status).toBe(0);
    expect(existsSync(join(empty, 'timeseries.csv'))).toBe(true);
  });
});

describe('kubesim run --out, as a process (bin/kubesim.js)', () => {
  it(
    'refuses a directory holding other files: exit code 2, no stack trace',
    async () => {
      await refusesForeignDirectory(join(tmp, 'project-process'), (cwd) => kubesimProcess(runArgs('.'), cwd));
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
