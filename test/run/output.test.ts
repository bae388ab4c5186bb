// A run replaces its output directory, so it must refuse any path that holds something else.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = resolve('bin/kubesim.js');
const SCENARIO = resolve('scenarios/default.yaml');
let tmp = '';

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'kubesim-out-'));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function run(out: string, cwd = process.cwd()) {
  return spawnSync(process.execPath, [BIN, 'run', SCENARIO, '--out', out, '--set', 'duration=10m', '--quiet'], { encoding: 'utf8', cwd, timeout: 60_000 });
}

describe('scenario.resolved.yaml', () => {
  it('names the command that repeats the run, and that command writes the same bytes', () => {
    const out = join(tmp, 'first');
    const r = spawnSync(process.execPath, [BIN, 'run', 'scenarios/default.yaml', '--seed', '7', '--set', 'duration=10m', '--set', 'cluster.nodePools[0].count=4', '--out', out, '--quiet'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const header = readFileSync(join(out, 'scenario.resolved.yaml'), 'utf8').split('\n');
    expect(header[1]).toBe("# Repeat the run with: kubesim run scenarios/default.yaml --seed 7 --set duration=10m --set 'cluster.nodePools[0].count=4'");
    const again = join(tmp, 'again');
    const args = ['run', 'scenarios/default.yaml', '--seed', '7', '--set', 'duration=10m', '--set', 'cluster.nodePools[0].count=4', '--out', again, '--quiet'];
    expect(spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' }).status).toBe(0);
    for (const f of readdirSync(out)) expect(readFileSync(join(again, f), 'utf8'), f).toBe(readFileSync(join(out, f), 'utf8'));
  }, 60_000);
});

describe('kubesim run --out', () => {
  it('refuses a directory holding other files, and leaves them alone', () => {
    const dir = join(tmp, 'project');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const r = run('.', dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/holds files that are not a kubesim run's \(notes\.txt\)/);
    expect(r.stderr).not.toMatch(/at .*\.js/);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('refuses a file', () => {
    const file = join(tmp, 'scenario-copy.yaml');
    writeFileSync(file, 'name: x\n');
    const r = run(file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/exists and is a file/);
    expect(readFileSync(file, 'utf8')).toBe('name: x\n');
  });

  it('writes a new or empty directory, and replaces an earlier run', () => {
    const out = join(tmp, 'results');
    expect(run(out).status).toBe(0);
    const first = readFileSync(join(out, 'summary.csv'), 'utf8');
    expect(run(out).status).toBe(0);
    expect(readFileSync(join(out, 'summary.csv'), 'utf8')).toBe(first);
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    expect(run(empty).status).toBe(0);
    expect(existsSync(join(empty, 'timeseries.csv'))).toBe(true);
  });
});
