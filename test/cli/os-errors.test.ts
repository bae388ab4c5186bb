// The operating system's errors are the user's to fix: one line naming the path, exit 2, no stack
// trace, nothing left behind (src/scenario/files.ts is the one place that words them).
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSystemError, systemError } from '../../src/scenario/files.js';
import { kubesim } from '../helpers/cli.js';

const SCENARIO = 'scenarios/default.yaml';

function oneLine(r: { status: number | null; stderr: string; stdout: string }) {
  expect(r.status).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^error: /);
  expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
}

describe('operating-system errors', () => {
  it('systemError words an errno error with the path, what failed and why', () => {
    const e = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES', syscall: 'open', path: '/srv/x.yaml' });
    expect(isSystemError(e)).toBe(true);
    expect(systemError(e).message).toBe('/srv/x.yaml: cannot open: permission denied (EACCES)');
    const tmp = Object.assign(new Error('x'), { code: 'EROFS', syscall: 'mkdir', path: '/ro/out.tmp-123' });
    expect(systemError(tmp).message).toBe('/ro/out: cannot create the directory: read-only file system (EROFS)');
    expect(isSystemError(new TypeError('x'))).toBe(false);
  });

  it('run --out below a regular file: one line, exit 2, nothing written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-os-'));
    writeFileSync(join(dir, 'file'), 'x');
    const r = await kubesim(['run', SCENARIO, '--set', 'duration=10m', '--out', join(dir, 'file', 'sub')]);
    oneLine(r);
    expect(r.stderr).toContain('file: is a file, not a directory (choose another output path)');
    expect(readdirSync(dir)).toEqual(['file']);
  });

  it.each(['sweep', 'merge'])('%s --out an existing regular file: one line, exit 2', async (cmd) => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-os-'));
    const file = join(dir, 'taken');
    writeFileSync(file, 'x');
    const args =
      cmd === 'sweep'
        ? ['sweep', SCENARIO, '--set', 'duration=10m', '--seeds', '1', '--quiet', '--out', file]
        : ['merge', dir, '--out', file];
    oneLine(await kubesim(args));
  });

  it('a FIFO or a device as a scenario or manifest is refused without reading it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-os-'));
    execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
    for (const f of [join(dir, 'fifo.yaml'), '/dev/zero']) {
      const r = await kubesim(['validate', f]);
      oneLine(r);
      expect(r.stderr).toContain('is not a regular file (a device, FIFO or socket); expected a YAML file');
    }
    writeFileSync(
      join(dir, 's.yaml'),
      `cluster: {nodePools: [{name: p, count: 1, allocatable: {cpu: "1", memory: 1Gi}}]}\nworkloads:\n  - manifests: /dev/urandom\n`,
    );
    const r = await kubesim(['validate', join(dir, 's.yaml')]);
    oneLine(r);
    expect(r.stderr).toContain('is not a regular file');
  });

  it('a corrupt sweep.json in merge and sweep --resume is a user error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-os-'));
    mkdirSync(join(dir, 'shard'));
    writeFileSync(join(dir, 'shard', 'sweep.json'), '{"cells": [');
    const m = await kubesim(['merge', join(dir, 'shard'), '--out', join(dir, 'merged')]);
    oneLine(m);
    expect(m.stderr).toContain('is not a sweep.json kubesim wrote (not valid JSON)');
    const s = await kubesim([
      'sweep',
      SCENARIO,
      '--set',
      'duration=10m',
      '--seeds',
      '1',
      '--quiet',
      '--resume',
      '--out',
      join(dir, 'shard'),
    ]);
    oneLine(s);
    expect(s.stderr).toContain('sweep.json');
  });

  it('an unknown option is a usage error with "did you mean"', async () => {
    const r = await kubesim(['run', SCENARIO, '--seeed', '3']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: Unknown argument: seeed \(--seeed: did you mean --seed\?\)\n/);
  });
});
