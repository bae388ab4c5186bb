// Command-line options: each mistake is one clear line and exit code 2, before anything is written.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kubesim, kubesimProcess, PROCESS_TEST_TIMEOUT_MS } from '../helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'kubesim-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('kubesim options', () => {
  it.each([
    [['sweep', 'scenarios/default.yaml', '--threads', 'abc'], '--threads: expected a positive integer, got "abc"'],
    [['sweep', 'scenarios/default.yaml', '--threads', '0'], '--threads: expected a positive integer, got "0"'],
    [['sweep', 'scenarios/default.yaml', '--threads', '1', '--threads', '2'], '--threads: given 2 times; give it once'],
    [['sweep', 'scenarios/default.yaml', '--seeds', '1.5'], '--seeds: expected a positive integer, got "1.5"'],
    [['sweep', 'scenarios/default.yaml', '--shard', '0/3', '--shard', '1/3'], '--shard: given 2 times; give it once'],
    [['run', 'scenarios/default.yaml', '--out', 'a', '--out', 'b'], '--out: given 2 times; give it once'],
    [['merge', join(tmp, 'no-such-dir'), '--out', join(tmp, 'm')], `${join(tmp, 'no-such-dir')}: no such directory`],
  ])('%j', async (args, message) => {
    const r = await kubesim([...args, ...(args.includes('--out') ? [] : ['--out', join(tmp, 'never')])]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`error: ${message}`);
    expect(existsSync(join(tmp, 'never'))).toBe(false);
    expect(existsSync('a') || existsSync('b')).toBe(false);
  });

  it('sweep --seed sets the first seed', async () => {
    const out = join(tmp, 'seeded');
    const r = await kubesim([
      'sweep',
      'scenarios/default.yaml',
      '--seed',
      '100',
      '--seeds',
      '2',
      '--set',
      'duration=10m',
      '--quiet',
      '--out',
      out,
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(out, 'runs', 'c00', '100', 'summary.csv')) && existsSync(join(out, 'runs', 'c00', '101', 'summary.csv'))).toBe(
      true,
    );
  });
});

describe('kubesim options, as a process (bin/kubesim.js)', () => {
  it(
    'a bad option: exit code 2 and one line, no stack trace',
    () => {
      const r = kubesimProcess(['sweep', 'scenarios/default.yaml', '--threads', '0', '--out', join(tmp, 'never')]);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe('error: --threads: expected a positive integer, got "0"\n');
      expect(existsSync(join(tmp, 'never'))).toBe(false);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    '--version prints the package version',
    () => {
      const r = kubesimProcess(['--version']);
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toBe((JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  // Node prints a MaxListenersExceededWarning on the process's stderr: only a real process shows it.
  it(
    'a sweep on many threads prints no listener warning',
    () => {
      const r = kubesimProcess([
        'sweep',
        'scenarios/default.yaml',
        '--seeds',
        '12',
        '--threads',
        '8',
        '--set',
        'duration=10m',
        '--quiet',
        '--out',
        join(tmp, 'many'),
      ]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/MaxListenersExceeded|memory leak/);
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
